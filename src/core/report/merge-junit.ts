import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { EXIT, ShakedownError } from '../shakedown-error.ts';

/** The little of the DOM element xmlbuilder2 hands back that is needed here (no DOM lib in Node). */
interface XmlElement {
  nodeName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

const COUNTS = ['tests', 'failures', 'errors', 'skipped'] as const;
type Counts = Record<(typeof COUNTS)[number] | 'time', number>;

interface MergedSuite {
  counts: Counts;
  /** Keyed by name and value: shards repeat the same seed, target, transport... */
  properties: Map<string, { name: string; value: string }>;
  cases: XMLBuilder[];
  out: string[];
  err: string[];
}

/**
 * Several JUnit documents (one per shard) as one: suites of the same name become one suite
 * whose counts and times add up, whose test cases are all kept, and whose properties are kept
 * once each; the root's totals are counted again. A document that is not JUnit is refused
 * with its position and the reason (SHK_JUNIT_INVALID, exit 2).
 */
export function mergeJunit(documents: readonly string[]): string {
  const suites = new Map<string, MergedSuite>();
  for (const [index, text] of documents.entries()) {
    for (const suite of suitesOf(text, index)) {
      const element = elementOf(suite);
      const name = element.getAttribute('name');
      if (name === null) throw invalid(index, 'a <testsuite> has no name');
      let merged = suites.get(name);
      if (!merged) {
        merged = {
          counts: { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 },
          properties: new Map(),
          cases: [],
          out: [],
          err: [],
        };
        suites.set(name, merged);
      }
      addSuite(merged, suite, (reason) => invalid(index, `testsuite "${name}": ${reason}`));
    }
  }
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'shakedown' });
  const totals: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const [name, merged] of suites) {
    const suite = root.ele('testsuite', { name, ...merged.counts, time: merged.counts.time.toFixed(3) });
    if (merged.properties.size > 0) {
      const properties = suite.ele('properties');
      for (const property of merged.properties.values()) properties.ele('property', property);
    }
    for (const testcase of merged.cases) suite.import(testcase);
    if (merged.out.length > 0) suite.ele('system-out').txt(merged.out.join('\n'));
    if (merged.err.length > 0) suite.ele('system-err').txt(merged.err.join('\n'));
    for (const key of [...COUNTS, 'time'] as const) totals[key] += merged.counts[key];
  }
  root.att({ ...totals, time: totals.time.toFixed(3) });
  return root.end({ prettyPrint: true });
}

function addSuite(merged: MergedSuite, suite: XMLBuilder, refuse: (reason: string) => ShakedownError): void {
  const cases: XMLBuilder[] = [];
  for (const child of childrenOf(suite)) {
    const node = elementOf(child);
    if (node.nodeName === 'testcase') cases.push(child);
    else if (node.nodeName === 'properties') {
      for (const property of childrenOf(child).map(elementOf)) {
        if (property.nodeName !== 'property') continue;
        const entry = {
          name: property.getAttribute('name') ?? '',
          value: property.getAttribute('value') ?? '',
        };
        merged.properties.set(`${entry.name}\u0000${entry.value}`, entry);
      }
    } else if (node.nodeName === 'system-out') merged.out.push(node.textContent ?? '');
    else if (node.nodeName === 'system-err') merged.err.push(node.textContent ?? '');
  }
  merged.cases.push(...cases);
  const element = elementOf(suite);
  for (const key of COUNTS) {
    const value = element.getAttribute(key);
    if (value === null) {
      // Absent (only `skipped` may be, by the schema): counted from the cases instead.
      merged.counts[key] += countCases(cases, key);
      continue;
    }
    if (!/^\s*\d+\s*$/.test(value)) throw refuse(`${key}=${shown(value)} is not a count`);
    merged.counts[key] += Number(value);
  }
  const time = element.getAttribute('time');
  if (time !== null && !/^\s*\d+(\.\d+)?\s*$/.test(time))
    throw refuse(`time=${shown(time)} is not a number of seconds`);
  merged.counts.time += time === null ? 0 : Number(time);
}

function countCases(cases: readonly XMLBuilder[], key: (typeof COUNTS)[number]): number {
  if (key === 'tests') return cases.length;
  const outcome = { failures: 'failure', errors: 'error', skipped: 'skipped' }[key];
  return cases.filter((c) => childrenOf(c).some((child) => elementOf(child).nodeName === outcome)).length;
}

function suitesOf(text: string, index: number): XMLBuilder[] {
  // xmlbuilder2's reader is forgiving (it closes what is left open, ignores a wrong end tag):
  // a truncated or garbled shard file must be refused, not merged as half a document.
  const source = text.replace(/^\uFEFF/, '');
  const problem = wellFormednessProblem(source);
  if (problem) throw invalid(index, `not well-formed XML (${problem})`);
  let root: XMLBuilder;
  try {
    root = create(source).root();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw invalid(index, `not well-formed XML (${reason})`);
  }
  const name = elementOf(root).nodeName;
  if (name === 'testsuite') return [root];
  if (name !== 'testsuites')
    throw invalid(index, `the root element is <${name}>, not <testsuites> or <testsuite>`);
  return childrenOf(root).filter((child) => elementOf(child).nodeName === 'testsuite');
}

/** Markup, one token at a time: comment, CDATA, processing instruction, doctype, end tag, start tag, text. */
const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|[^<]+/y;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const BAD_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-fA-F]+);)/;

/**
 * Why the text is not well-formed XML, or null: tags balanced and properly nested, one root,
 * nothing but space after it, no duplicate attribute, every `&` a known entity.
 */
function wellFormednessProblem(text: string): string | null {
  const open: string[] = [];
  let roots = 0;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const token = TOKEN.exec(text);
    const line = () => `line ${text.slice(0, at).split('\n').length}`;
    if (!token) return `stray "<" at ${line()}`;
    const [whole, endName, startName, attributes, selfClosing] = token;
    if (endName !== undefined) {
      const expected = open.pop();
      if (expected !== endName)
        return `</${endName}> at ${line()} ${expected ? `closes <${expected}>` : 'closes nothing'}`;
    } else if (startName !== undefined) {
      if (open.length === 0 && ++roots > 1) return `a second root element <${startName}> at ${line()}`;
      const names = new Set<string>();
      for (const [, name, double, single] of (attributes ?? '').matchAll(ATTRIBUTE)) {
        if (names.has(name!)) return `attribute ${name} twice on <${startName}> at ${line()}`;
        names.add(name!);
        if (BAD_AMPERSAND.test(double ?? single ?? '')) return `an "&" that starts no entity at ${line()}`;
      }
      if (!selfClosing) open.push(startName);
    } else if (!whole.startsWith('<')) {
      if (open.length === 0 && whole.trim() !== '') return `text outside the root element at ${line()}`;
      if (BAD_AMPERSAND.test(whole)) return `an "&" that starts no entity at ${line()}`;
    }
  }
  if (open.length > 0) return `it ends inside <${open[open.length - 1]}> (truncated?)`;
  if (roots === 0) return 'no root element';
  return null;
}

function childrenOf(builder: XMLBuilder): XMLBuilder[] {
  const children: XMLBuilder[] = [];
  builder.each((child) => children.push(child), false, false);
  return children;
}

/** A value from the document, quoted and cut short: the message stays one short line. */
const shown = (value: string): string =>
  JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);

const elementOf = (builder: XMLBuilder): XmlElement => builder.node as unknown as XmlElement;

function invalid(index: number, reason: string): ShakedownError {
  return new ShakedownError('SHK_JUNIT_INVALID', `merge: JUnit document ${index + 1}: ${reason}`, {
    exitCode: EXIT.usage,
    context: { index, document: index + 1 },
  });
}
