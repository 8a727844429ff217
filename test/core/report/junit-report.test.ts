import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { validateXML } from 'xmllint-wasm';
import { renderJunit } from '../../../src/core/report/junit-report.ts';
import { mergeJunit } from '../../../src/core/report/merge-junit.ts';
import { isShakedownError } from '../../../src/core/shakedown-error.ts';
import {
  chaosSummary,
  failingSummary,
  passingSummary,
  unknownSummary,
} from '../../support/summary-fixtures.ts';

const XSD = readFileSync(join(import.meta.dirname, '../../fixtures/junit.xsd'), 'utf8');

async function validate(xml: string): Promise<{ valid: boolean; errors: readonly unknown[] }> {
  const result = await validateXML({
    xml: [{ fileName: 'under-test.xml', contents: xml }],
    schema: [{ fileName: 'junit.xsd', contents: XSD }],
  });
  return { valid: result.valid, errors: result.errors };
}

interface Parsed {
  testsuites: Record<string, string> & { testsuite: Suite | Suite[] };
}
type Suite = Record<string, string> & { testcase: Case | Case[]; properties?: { property: unknown } };
type Case = Record<string, unknown>;
const parse = (xml: string) => create(xml).end({ format: 'object' }) as unknown as Parsed;
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe('JUnit XML', () => {
  it('is valid against the JUnit schema for passing, failing, unknown and chaos campaigns', async () => {
    for (const summary of [passingSummary(), failingSummary(), unknownSummary(), chaosSummary()]) {
      const result = await validate(renderJunit(summary));
      expect(result.errors, summary.verdict).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it('the validator does reject a broken document', async () => {
    const broken = renderJunit(passingSummary()).replace('tests="', 'tests="many" x="');
    expect((await validate(broken)).valid).toBe(false);
    expect((await validate('<testsuites><testcase name="x"/></testsuites>')).valid).toBe(false);
  });

  it('has a suite per property, a case per property and per saved replay, with seed, runs and replay as properties', () => {
    const xml = renderJunit(failingSummary());
    const doc = parse(xml);
    expect(doc.testsuites['@tests']).toBe('5');
    const suites = list(doc.testsuites.testsuite);
    expect(suites.map((s) => s['@name'])).toEqual(['trading-venue', 'order-lifecycle', 'shakedown']);
    const venue = suites[0] as Suite;
    expect(venue['@tests']).toBe('3');
    expect(venue['@failures']).toBe('3');
    const cases = list(venue.testcase);
    expect(cases.map((c) => c['@name'])).toEqual([
      'trading-venue',
      'replay replays/trading-venue-1-abcdef12.json',
      'replay replays/old.json',
    ]);
    expect(cases[2]?.['@classname']).toBe('shakedown.trading.trading-venue.replays');
    expect(xml).toContain('<property name="seed" value="1"/>');
    expect(xml).toContain('<property name="replay" value="replays/trading-venue-1-abcdef12.json"/>');
    expect(xml).toContain('npx shakedown replay replays/trading-venue-1-abcdef12.json');
  });

  it('escapes hostile violation text and drops characters XML cannot carry', () => {
    const xml = renderJunit(failingSummary());
    expect(xml).toContain('qty &quot;1&lt;2&quot; &amp;');
    expect(xml).not.toContain('\u0001');
    expect(xml).not.toContain('"1<2"');
    expect(xml).not.toContain('</script>');
  });

  it('reports an unknown verdict as an error, a property the budget never reached as skipped', () => {
    const doc = parse(renderJunit(unknownSummary()));
    const suites = list(doc.testsuites.testsuite);
    expect(suites[0]?.['@errors']).toBe('1');
    expect(JSON.stringify(suites[0])).toContain('client maker could not log in');
    expect(suites[1]?.['@skipped']).toBe('1');
  });

  it('fails on unfired faults, breached SLOs and a coverage floor, in the shakedown suite and the property', () => {
    const xml = renderJunit(chaosSummary());
    expect(xml).toContain('faults that never fired: process.pause');
    expect(xml).toContain('slo.place.p99');
    expect(xml).toContain('coverage below --min-coverage: reject 50% &lt; 80%');
    expect(xml).toContain('<property name="shard" value="2/4"/>');
    const shakedown = list(parse(xml).testsuites.testsuite).find((s) => s['@name'] === 'shakedown');
    expect(shakedown?.['@failures']).toBe('2');
  });

  it('merges shard documents: suites of one name add up, every case and property kept once', async () => {
    const a = renderJunit(failingSummary());
    const b = renderJunit(passingSummary());
    const merged = mergeJunit([a, b]);
    expect((await validate(merged)).valid).toBe(true);
    const doc = parse(merged);
    const suites = list(doc.testsuites.testsuite);
    const venue = suites.find((s) => s['@name'] === 'trading-venue') as Suite;
    expect(venue['@tests']).toBe('4');
    expect(venue['@failures']).toBe('3');
    expect(list(venue.testcase)).toHaveLength(4);
    expect(doc.testsuites['@tests']).toBe(String(5 + 3));
    expect(merged.match(/<property name="seed" value="1"\/>/g)?.length).toBe(2);
    expect(parse(mergeJunit([merged])).testsuites['@tests']).toBe(doc.testsuites['@tests']);
  });

  it('refuses a document that is not JUnit, naming which one (exit 2)', () => {
    for (const [bad, reason] of [
      ['not xml <<', 'not well-formed'],
      ['<html><body/></html>', '<html>'],
    ] as const) {
      let error: unknown;
      try {
        mergeJunit([renderJunit(passingSummary()), bad]);
      } catch (e) {
        error = e;
      }
      expect(isShakedownError(error) && error.code === 'SHK_JUNIT_INVALID' && error.exitCode === 2).toBe(
        true,
      );
      expect((error as Error).message).toContain('document 2');
      expect((error as Error).message).toContain(reason);
    }
  });
});
