import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { EXIT, ShakedownError } from '../shakedown-error.ts';

/** The little of the DOM element xmlbuilder2 hands back that is needed here (no DOM lib in Node). */
interface XmlElement {
  nodeName: string;
  getAttribute(name: string): string | null;
}

interface SuiteParts {
  counts: { tests: number; failures: number; errors: number; skipped: number; time: number };
  properties: Map<string, { name: string; value: string }>;
  cases: XMLBuilder[];
}

const COUNTS = ['tests', 'failures', 'errors', 'skipped', 'time'] as const;

/**
 * Several JUnit documents (one per shard) as one: suites of the same name become one suite
 * whose counts add up, whose test cases are all kept, and whose properties are kept once each.
 * A document that is not JUnit is refused with its position and the reason (exit 2).
 */
export function mergeJunit(documents: readonly string[]): string {
  const suites = new Map<string, SuiteParts>();
  for (const [index, text] of documents.entries()) {
    for (const suite of suitesOf(text, index)) {
      const element = suite.node as unknown as XmlElement;
      const name = element.getAttribute('name') ?? '';
      let parts = suites.get(name);
      if (!parts) {
        parts = {
          counts: { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 },
          properties: new Map(),
          cases: [],
        };
        suites.set(name, parts);
      }
      for (const key of COUNTS) parts.counts[key] += Number(element.getAttribute(key) ?? 0) || 0;
      suite.each(
        (child) => {
          const node = child.node as unknown as XmlElement;
          if (node.nodeName === 'testcase') parts.cases.push(child);
          if (node.nodeName === 'properties')
            child.each(
              (p) => {
                const property = p.node as unknown as XmlElement;
                if (property.nodeName !== 'property') return;
                const entry = {
                  name: property.getAttribute('name') ?? '',
                  value: property.getAttribute('value') ?? '',
                };
                parts.properties.set(`${entry.name}\u0000${entry.value}`, entry);
              },
              false,
              false,
            );
        },
        false,
        false,
      );
    }
  }
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'shakedown' });
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const [name, parts] of suites) {
    const suite = root.ele('testsuite', {
      name,
      tests: parts.counts.tests,
      failures: parts.counts.failures,
      errors: parts.counts.errors,
      skipped: parts.counts.skipped,
      time: parts.counts.time.toFixed(3),
    });
    if (parts.properties.size > 0) {
      const properties = suite.ele('properties');
      for (const p of parts.properties.values()) properties.ele('property', p);
    }
    for (const testcase of parts.cases) suite.import(testcase);
    for (const key of COUNTS) totals[key] += parts.counts[key];
  }
  root.att({ ...totals, time: totals.time.toFixed(3) });
  return root.end({ prettyPrint: true });
}

function suitesOf(text: string, index: number): XMLBuilder[] {
  let root: XMLBuilder;
  try {
    root = create(text).root();
  } catch (error) {
    throw invalid(
      index,
      `not well-formed XML (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`,
    );
  }
  const name = (root.node as unknown as XmlElement).nodeName;
  if (name === 'testsuite') return [root];
  if (name !== 'testsuites')
    throw invalid(index, `the root element is <${name}>, not <testsuites> or <testsuite>`);
  const suites: XMLBuilder[] = [];
  root.each(
    (child) => {
      if ((child.node as unknown as XmlElement).nodeName === 'testsuite') suites.push(child);
    },
    false,
    false,
  );
  return suites;
}

function invalid(index: number, reason: string): ShakedownError {
  return new ShakedownError('SHK_JUNIT_INVALID', `merge: JUnit document ${index + 1}: ${reason}`, {
    exitCode: EXIT.usage,
    context: { document: index + 1 },
  });
}
