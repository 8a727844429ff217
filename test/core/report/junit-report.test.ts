import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { validateXML } from 'xmllint-wasm';
import type { CampaignSummary } from '../../../src/core/report/campaign-summary.ts';
import { renderJunit } from '../../../src/core/report/junit-report.ts';
import { mergeJunit } from '../../../src/core/report/merge-junit.ts';
import { isShakedownError, type ShakedownError } from '../../../src/core/shakedown-error.ts';
import {
  allSummaries,
  coverageUnmetSummary,
  failingSummary,
  failure,
  passingSummary,
  regressionSummary,
  shardSummary,
  skippedSummary,
  unfiredFaultsSummary,
  unknownSummary,
} from '../../support/summary-fixtures.ts';

const XSD = readFileSync(join(import.meta.dirname, '../../fixtures/junit.xsd'), 'utf8');

async function validate(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  const result = await validateXML({
    xml: [{ fileName: 'under-test.xml', contents: xml }],
    schema: [{ fileName: 'junit.xsd', contents: XSD }],
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}

/** Renders, checks the document against the schema, and hands back its parsed tree. */
async function rendered(summary: CampaignSummary): Promise<{ xml: string; doc: Root }> {
  const xml = renderJunit(summary);
  expect(await validate(xml)).toEqual({ valid: true, errors: [] });
  return { xml, doc: parse(xml) };
}

// xmlbuilder2's object form: attributes as `@name`, text as `#`, a repeated element as an array,
// and strings left escaped (it can be fed back to `create`): `decoded` reads them as a CI server would.
type Attributes = Record<`@${string}`, string>;
type Outcome = Attributes & { '#'?: string };
type Case = Attributes & {
  failure?: Outcome;
  error?: Outcome;
  skipped?: Outcome;
  'system-out'?: string;
};
type Suite = Attributes & {
  properties?: { property: Attributes | Attributes[] };
  testcase?: Case | Case[];
};
type Root = { testsuites: Attributes & { testsuite?: Suite | Suite[] } };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decoded(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(/&(amp|lt|gt|quot|apos|#x[\da-fA-F]+|#\d+);/g, (_, name: string) =>
      name.startsWith('#x')
        ? String.fromCodePoint(Number.parseInt(name.slice(2), 16))
        : name.startsWith('#')
          ? String.fromCodePoint(Number(name.slice(1)))
          : (ENTITIES[name] ?? ''),
    );
  if (Array.isArray(value)) return value.map(decoded);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decoded(v)]));
  return value;
}
const parse = (xml: string): Root => decoded(create(xml).end({ format: 'object' })) as Root;
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const suitesOf = (doc: Root): Suite[] => list(doc.testsuites.testsuite);
const suiteNamed = (doc: Root, name: string): Suite => {
  const suite = suitesOf(doc).find((s) => s['@name'] === name);
  if (!suite) throw new Error(`no suite ${name}`);
  return suite;
};
const casesOf = (suite: Suite): Case[] => list(suite.testcase);
const propertiesOf = (suite: Suite): [string, string][] =>
  list(suite.properties?.property).map((p) => [p['@name'], p['@value']]);
const counts = (x: Attributes) => ({
  tests: Number(x['@tests']),
  failures: Number(x['@failures']),
  errors: Number(x['@errors']),
  skipped: Number(x['@skipped']),
});

function refusal(documents: string[]): ShakedownError {
  try {
    mergeJunit(documents);
  } catch (error) {
    if (isShakedownError(error)) return error;
    throw error;
  }
  throw new Error('mergeJunit accepted the documents');
}

describe('renderJunit', () => {
  it('renders every fixture as JUnit the schema accepts, with totals that add up', async () => {
    for (const [name, summary] of Object.entries(allSummaries())) {
      const xml = renderJunit(summary);
      expect(await validate(xml), name).toEqual({ valid: true, errors: [] });
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'), name).toBe(true);
      const doc = parse(xml);
      const suites = suitesOf(doc);
      for (const suite of suites) {
        const cases = casesOf(suite);
        expect(counts(suite), `${name} ${suite['@name']}`).toEqual({
          tests: cases.length,
          failures: cases.filter((c) => c.failure).length,
          errors: cases.filter((c) => c.error).length,
          skipped: cases.filter((c) => c.skipped).length,
        });
      }
      const sum = (key: keyof ReturnType<typeof counts>) => suites.reduce((n, s) => n + counts(s)[key], 0);
      expect(counts(doc.testsuites), name).toEqual({
        tests: sum('tests'),
        failures: sum('failures'),
        errors: sum('errors'),
        skipped: sum('skipped'),
      });
      expect(doc.testsuites['@name']).toBe('shakedown');
      expect(doc.testsuites['@time']).toBe((summary.durationMs / 1000).toFixed(3));
    }
  });

  it('the schema check can fail: broken documents are rejected', async () => {
    const good = renderJunit(passingSummary());
    const broken = [
      good.replace('tests="1"', 'tests="many"'),
      good.replace(/ name="trading-venue" tests/, ' tests'),
      good.replace('<system-out>', '<failure><b/></failure><system-out>'),
      good.replace(
        '</testsuite>',
        '<system-out>a</system-out><testcase name="late" classname="x"/></testsuite>',
      ),
      good.replace('time="1.834"', 'time="1,834"'),
      '<testsuites><testcase name="x" classname="y"/></testsuites>',
      good.replace('</testsuites>', ''),
    ];
    for (const xml of broken) {
      const result = await validate(xml);
      expect(result.valid, xml.slice(0, 300)).toBe(false);
      expect(result.errors.length).toBeGreaterThan(0);
    }
  });

  it('passing: a suite per property with its seed, runs and target, and a passing coverage case', async () => {
    const { doc } = await rendered(passingSummary());
    expect(suitesOf(doc).map((s) => s['@name'])).toEqual(['trading-venue', 'order-lifecycle', 'shakedown']);
    expect(counts(doc.testsuites)).toEqual({ tests: 3, failures: 0, errors: 0, skipped: 0 });
    const venue = suiteNamed(doc, 'trading-venue');
    expect(venue['@time']).toBe('1.834');
    expect(propertiesOf(venue)).toEqual([
      ['seed', '1'],
      ['runs', '100'],
      ['actions', '4210'],
      ['target', 'inproc'],
      ['transport', 'inproc'],
      ['bugs', ''],
    ]);
    const [testcase] = casesOf(venue);
    expect(testcase?.['@name']).toBe('trading-venue');
    expect(testcase?.['@classname']).toBe('shakedown.trading.trading-venue');
    expect(testcase?.['system-out']).toContain('100 runs, 4210 actions, seed 1');
    const coverage = casesOf(suiteNamed(doc, 'shakedown'));
    expect(coverage.map((c) => c['@name'])).toEqual(['coverage']);
    expect(coverage[0]?.failure).toBeUndefined();
    expect(coverage[0]?.['system-out']).toContain('coverage 60% (21 of 35)');
  });

  it('failing: the property case lists every violation, the saved replay is a case of its own', async () => {
    const summary = failingSummary();
    const { doc } = await rendered(summary);
    const venue = suiteNamed(doc, 'trading-venue');
    expect(counts(venue)).toEqual({ tests: 2, failures: 2, errors: 0, skipped: 0 });
    expect(propertiesOf(venue)).toContainEqual(['bugs', 'overfill']);
    expect(propertiesOf(venue)).toContainEqual(['replay', 'replays/trading-venue-1-3f9a0c2e.json']);
    const [property, replay] = casesOf(venue);
    expect(property?.failure?.['@type']).toBe('orders.quantities');
    const text = property?.failure?.['#'] ?? '';
    expect(text).toContain('run 7 (seed 1, path 7:1:2:0), shrunk to 3 actions');
    expect(text).toContain('[orders.quantities] order O1 (maker): filledQty 0.02 > qty 0.01');
    expect(text).toContain('(steps 0, 2)');
    expect(text).toContain('[funds.reserves] maker: reserved 0 USD != recomputed 40 USD (steps 2)');
    expect(replay?.['@name']).toBe('replay replays/trading-venue-1-3f9a0c2e.json');
    expect(replay?.['@classname']).toBe('shakedown.trading.trading-venue.replays');
    expect(replay?.failure?.['@type']).toBe('orders.quantities');
    expect(replay?.['system-out']).toBe('npx shakedown replay replays/trading-venue-1-3f9a0c2e.json');
    expect(counts(suiteNamed(doc, 'order-lifecycle'))).toEqual({
      tests: 1,
      failures: 0,
      errors: 0,
      skipped: 0,
    });
  });

  it('a failure that was not saved fails the property but has no replay case or property', async () => {
    const { doc } = await rendered(failingSummary({ saved: false }));
    const venue = suiteNamed(doc, 'trading-venue');
    expect(casesOf(venue).map((c) => c['@name'])).toEqual(['trading-venue']);
    expect(counts(venue)).toEqual({ tests: 1, failures: 1, errors: 0, skipped: 0 });
    expect(propertiesOf(venue).map(([name]) => name)).not.toContain('replay');
  });

  it('escapes quotes, <, & and > and drops characters XML 1.0 cannot carry', async () => {
    const message = 'a "quoted" <tag> & \'single\' \u0001\u0008\u000b\u001f\uFFFE\uD800 end\r\nsecond\tline';
    const summary = failingSummary();
    summary.failures = [failure({ violations: [{ invariant: 'x<&">', message, steps: [1], events: [] }] })];
    const { xml, doc } = await rendered(summary);
    for (const dropped of ['\u0001', '\u0008', '\u000b', '\u001f', '\uFFFE', '\uD800', '\r'])
      expect(xml).not.toContain(dropped);
    expect(xml).not.toContain('<tag>');
    const failed = casesOf(suiteNamed(doc, 'trading-venue'))[0]?.failure;
    // Attributes are one line (a parser would turn a raw newline into a space anyway).
    expect(failed?.['@message']).toBe('a "quoted" <tag> & \'single\'  end second line');
    expect(failed?.['@type']).toBe('x<&">');
    expect(failed?.['#']).toContain('[x<&">] a "quoted" <tag> & \'single\'  end\nsecond\tline (steps 1)');
  });

  it('the fixture HOSTILE text survives the round trip, minus its control character', async () => {
    const { doc } = await rendered(failingSummary());
    const replay = casesOf(suiteNamed(doc, 'trading-venue'))[1];
    expect(replay?.failure?.['@message']).toBe(
      `order O1 (maker): filledQty 0.02 > qty 0.01 qty "1<2" & 'x' > y | ab </script> <!-- ]]>`,
    );
  });

  it('unknown: an error with the reason; out of time: skipped, or passing with what ran', async () => {
    const unknown = suiteNamed((await rendered(unknownSummary())).doc, 'trading-venue');
    expect(counts(unknown)).toEqual({ tests: 1, failures: 0, errors: 1, skipped: 0 });
    const error = casesOf(unknown)[0]?.error;
    expect(error?.['@type']).toBe('run');
    expect(error?.['@message']).toBe('client maker could not log in: session_rejected "bad key"');
    expect(error?.['#']).toContain('a run proved nothing either way (run)');

    const { doc } = await rendered(skippedSummary());
    const lifecycle = suiteNamed(doc, 'order-lifecycle');
    expect(counts(lifecycle)).toEqual({ tests: 1, failures: 0, errors: 0, skipped: 1 });
    expect(casesOf(lifecycle)[0]?.skipped?.['@message']).toContain('time budget ran out');
    const venue = suiteNamed(doc, 'trading-venue');
    expect(counts(venue)).toEqual({ tests: 1, failures: 0, errors: 0, skipped: 0 });
    expect(casesOf(venue)[0]?.['system-out']).toContain(
      '37 runs, 1555 actions, seed 1 (stopped by the time budget)',
    );
    expect(counts(doc.testsuites).skipped).toBe(1);
  });

  it('regressions: a replay case under .replays, also for a property this campaign did not run', async () => {
    const { doc } = await rendered(regressionSummary());
    expect(suitesOf(doc).map((s) => s['@name'])).toEqual(['trading-venue', 'order-lifecycle', 'shakedown']);
    const venue = suiteNamed(doc, 'trading-venue');
    const [property, replay] = casesOf(venue);
    expect(property?.failure).toBeUndefined();
    expect(replay?.['@classname']).toBe('shakedown.trading.trading-venue.replays');
    expect(replay?.failure?.['#']).toContain(
      'a saved replay (replays/trading-venue-3-0b1c2d3e.json) fails again',
    );
    const orphan = suiteNamed(doc, 'order-lifecycle');
    expect(casesOf(orphan).map((c) => [c['@name'], c['@classname']])).toEqual([
      ['replay replays/order-lifecycle-9-77aa01fe.json', 'shakedown.trading.order-lifecycle.replays'],
    ]);
    expect(casesOf(orphan)[0]?.failure?.['@type']).toBe('orders.lifecycle');
    expect(counts(doc.testsuites)).toEqual({ tests: 4, failures: 2, errors: 0, skipped: 0 });
  });

  it('a saved failure the new runs find again: one replay case, a regression found 2 times; new ones say so', async () => {
    const base = regressionSummary();
    const file = 'replays/trading-venue-3-0b1c2d3e.json';
    const again = failure({ seed: 5, runIndex: 12, replayFile: file, duplicateOf: file });
    const fresh = failure({ seed: 5, runIndex: 40, replayFile: 'replays/trading-venue-5-99887766.json' });
    const { doc } = await rendered({ ...base, failures: [...base.failures, again, fresh] });
    const venue = suiteNamed(doc, 'trading-venue');
    const names = casesOf(venue).map((c) => c['@name']);
    expect(names.slice(0, 3)).toEqual([
      'trading-venue',
      `replay ${file}`,
      'replay replays/trading-venue-5-99887766.json',
    ]);
    expect(names.filter((name) => name === `replay ${file}`)).toHaveLength(1);
    expect(propertiesOf(venue).filter(([name]) => name === 'replay')).toEqual([
      ['replay', file],
      ['replay', 'replays/trading-venue-5-99887766.json'],
    ]);
    const [property, saved, found] = casesOf(venue);
    expect(saved?.failure?.['#']).toContain(
      `regression: a saved replay (${file}) fails again, found again by run 12 (found 2 times):`,
    );
    expect(found?.failure?.['#']).toMatch(
      /^new: run 40 \(seed 5, path 7:1:2:0\), shrunk to 3 actions; replay: /,
    );
    // The property's own runs failed: both are on its case, the one found again said so.
    expect(property?.failure?.['#']).toContain(
      `found again: run 12 (seed 5, path 7:1:2:0), shrunk to 3 actions; the saved replay ${file} holds it already (a regression, counted once):`,
    );
  });

  it('unfired faults and a breached SLO fail the property and the campaign faults case', async () => {
    const summary = unfiredFaultsSummary();
    const { doc } = await rendered(summary);
    const chaos = suiteNamed(doc, 'chaos-recovery');
    expect(propertiesOf(chaos)).toEqual([
      ['seed', '402113977'],
      ['runs', '50'],
      ['actions', '2490'],
      ['target', 'ws://127.0.0.1:7070'],
      ['transport', 'ws'],
      ['bugs', ''],
      ['commit', 'c0ffee1234abcdef'],
      ['faults', 'connection.close=1,frame.drop=3'],
    ]);
    const failed = casesOf(chaos)[0]?.failure;
    expect(failed?.['@type']).toBe('slo.place.p99');
    expect(failed?.['#']).toContain(
      '[slo.place.p99] p99 of place is 610 ms over 1,222 requests, above the SLO of 250 ms',
    );
    expect(failed?.['#']).toContain('faults that never fired: process.pause');
    const campaign = casesOf(suiteNamed(doc, 'shakedown'));
    expect(campaign.map((c) => c['@name'])).toEqual(['faults', 'coverage']);
    expect(campaign[0]?.failure?.['@message']).toBe('faults that never fired: process.pause');
    expect(campaign[0]?.['system-out']).toBe('fired: connection.close=1,frame.drop=3');
    expect(campaign[1]?.failure).toBeUndefined();
  });

  it('a coverage floor not met fails the coverage case, naming each floor missed', async () => {
    const { doc } = await rendered(coverageUnmetSummary());
    const coverage = casesOf(suiteNamed(doc, 'shakedown'))[0];
    expect(coverage?.['@name']).toBe('coverage');
    expect(coverage?.failure?.['@type']).toBe('coverage');
    expect(coverage?.failure?.['@message']).toBe(
      'coverage below --min-coverage: overall 60% < 80%; reject 50% < 60%',
    );
    expect(coverage?.failure?.['#']).toBe('overall 60% < 80%\nreject 50% < 60%\naction 66.7% >= 50%');
  });

  it('a shard names itself in its properties and its cases', async () => {
    const { doc } = await rendered(shardSummary(2, 3));
    const venue = suiteNamed(doc, 'trading-venue');
    expect(propertiesOf(venue)).toContainEqual(['shard', '2/3']);
    expect(casesOf(venue)[0]?.['system-out']).toMatch(/^shard 2\/3: 33 runs/);
  });
});

describe('mergeJunit', () => {
  it('adds up suites of one name across shards, keeps every case, and each property once', async () => {
    const shards = [shardSummary(1, 2), shardSummary(2, 2)].map(renderJunit);
    const merged = mergeJunit(shards);
    expect(await validate(merged)).toEqual({ valid: true, errors: [] });
    const doc = parse(merged);
    expect(suitesOf(doc).map((s) => s['@name'])).toEqual(['trading-venue', 'order-lifecycle', 'shakedown']);
    const venue = suiteNamed(doc, 'trading-venue');
    expect(counts(venue)).toEqual({ tests: 2, failures: 0, errors: 0, skipped: 0 });
    expect(venue['@time']).toBe('1.834');
    expect(casesOf(venue).map((c) => c['system-out']?.split(',')[0])).toEqual([
      'shard 1/2: 50 runs',
      'shard 2/2: 50 runs',
    ]);
    // Identical properties (the seed, the target, the same run count) are kept once.
    expect(propertiesOf(venue)).toEqual([
      ['seed', '1'],
      ['runs', '50'],
      ['actions', '2105'],
      ['target', 'inproc'],
      ['transport', 'inproc'],
      ['bugs', ''],
      ['shard', '1/2'],
      ['shard', '2/2'],
    ]);
    expect(counts(doc.testsuites)).toEqual({ tests: 6, failures: 0, errors: 0, skipped: 0 });
    expect(doc.testsuites['@time']).toBe('3.346');
  });

  it('adds failures, errors and skips, recounting the root', async () => {
    const documents = [failingSummary(), unknownSummary(), skippedSummary()].map(renderJunit);
    const merged = mergeJunit(documents);
    expect(await validate(merged)).toEqual({ valid: true, errors: [] });
    const doc = parse(merged);
    const venue = suiteNamed(doc, 'trading-venue');
    expect(counts(venue)).toEqual({ tests: 4, failures: 2, errors: 1, skipped: 0 });
    expect(counts(suiteNamed(doc, 'order-lifecycle'))).toEqual({
      tests: 3,
      failures: 0,
      errors: 0,
      skipped: 1,
    });
    const inputs = documents.map((d) => counts(parse(d).testsuites));
    expect(counts(doc.testsuites)).toEqual({
      tests: inputs.reduce((n, c) => n + c.tests, 0),
      failures: inputs.reduce((n, c) => n + c.failures, 0),
      errors: inputs.reduce((n, c) => n + c.errors, 0),
      skipped: inputs.reduce((n, c) => n + c.skipped, 0),
    });
    expect(merged).toContain('order O1 (maker): filledQty 0.02 &gt; qty 0.01 qty "1&lt;2" &amp;');
  });

  it('merging one document changes no count, and merging the merge changes nothing', () => {
    const single = renderJunit(regressionSummary());
    const once = mergeJunit([single]);
    expect(counts(parse(once).testsuites)).toEqual(counts(parse(single).testsuites));
    expect(mergeJunit([once])).toBe(once);
  });

  it('takes a bare <testsuite> root, and counts a suite that gives no counts from its cases', async () => {
    const bare =
      '<?xml version="1.0"?>\n<testsuite name="other" time="0.5"><testcase name="a" classname="x"/>' +
      '<testcase name="b" classname="x"><failure message="m">why &amp; how</failure></testcase>' +
      '<testcase name="c" classname="x"><skipped/></testcase></testsuite>';
    const merged = mergeJunit([`\uFEFF${bare}`, renderJunit(passingSummary())]);
    expect(await validate(merged)).toEqual({ valid: true, errors: [] });
    const other = suiteNamed(parse(merged), 'other');
    expect(counts(other)).toEqual({ tests: 3, failures: 1, errors: 0, skipped: 1 });
    expect(casesOf(other)[1]?.failure?.['#']).toBe('why & how');
  });

  it('refuses a document that is not JUnit, naming which one and why (SHK_JUNIT_INVALID, exit 2)', () => {
    const good = renderJunit(passingSummary());
    const cases: [string, string][] = [
      ['', 'no root element'],
      ['not xml at all', 'text outside the root element at line 1'],
      [good.slice(0, good.lastIndexOf('<testsuite ')), 'it ends inside <testsuites> (truncated?)'],
      [good.replace('</properties>', '</property>'), '</property> at line 11 closes <properties>'],
      ['<html><body/></html>', 'the root element is <html>'],
      [`${good}<testsuites/>`, 'a second root element'],
      [good.replace('tests="1"', 'tests="one"'), 'testsuite "trading-venue": tests="one" is not a count'],
      [good.replace('time="1.834"', 'time="1,834"'), 'time="1,834" is not a number of seconds'],
      [good.replace('<testsuite name="trading-venue"', '<testsuite'), 'a <testsuite> has no name'],
      [good.replace('100 runs', '100 runs & more'), 'an "&" that starts no entity'],
      [good.replace('name="seed"', 'name="seed" name="x"'), 'attribute name twice'],
      [good.replace('<property name="seed"', '< property name="seed"'), 'stray "<"'],
    ];
    for (const [bad, reason] of cases) {
      const error = refusal([good, bad]);
      expect(error.code).toBe('SHK_JUNIT_INVALID');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('JUnit document 2: ');
      expect(error.message, reason).toContain(reason);
      expect(error.context).toMatchObject({ index: 1, document: 2 });
    }
  });
});
