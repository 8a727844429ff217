import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReplayFile } from '../../src/core/replay/write-replay-file.ts';
import { type CliResult, shakedown, tempDirs } from '../support/cli.ts';

/**
 * The whole lifecycle through the real CLI with a domain that is not trading: the counter
 * fixture, loaded by path as a user's own pack is. Campaign, planted bug found, shrunk, saved
 * and replayed without naming the domain; workers; shards; soak.
 */
const DOMAIN = './test/fixtures/counter-domain/counter-pack.ts';
const PACK_PATH = resolve(DOMAIN);
const tempDir = tempDirs('shakedown-house-');

interface Summary {
  domain: string;
  verdict: string;
  runs: number;
  actions: number;
  properties: { name: string; runs: number; actions: number; faults: Record<string, number> }[];
  failures: {
    property: string;
    shrinks: number;
    actions: number;
    replayFile: string | null;
    violations: { invariant: string }[];
  }[];
  invariantChecks?: unknown;
}

function run(args: readonly string[]): { status: number | null; summary: Summary; stderr: string } {
  const result = shakedown([
    'run',
    '--domain',
    DOMAIN,
    '--no-replays',
    '--out',
    tempDir(),
    '--json',
    ...args,
  ]);
  let summary: Summary;
  try {
    summary = JSON.parse(result.stdout) as Summary;
  } catch {
    throw new Error(`no JSON summary (exit ${result.status}): ${result.stderr}`);
  }
  return { status: result.status, summary, stderr: result.stderr };
}

/** A summary without what depends on the machine, the thread count or the temp folder. */
function comparable(summary: Summary): unknown {
  return JSON.parse(
    JSON.stringify(summary, (key, value) =>
      key === 'durationMs' || key === 'workers' || key === 'actionsPerSecond'
        ? undefined
        : key === 'replayFile' && typeof value === 'string'
          ? basename(value)
          : value,
    ),
  );
}

/**
 * The campaigns several tests read, each run once for the file (on first use, so any test also
 * runs alone): the clean campaign with every fault kind on one worker (passing, the baseline the
 * two-worker run and the shards are compared with), and the run that finds the planted lost
 * update and saves it (shrunk, replayed; the same failure the two-worker run must find; the saved
 * file whose domain field is then broken). Each is one real CLI process, as before.
 */
const CLEAN = ['--seed', '1', '--runs', '100', '--faults', 'all'] as const;
let cleanOnOne: ReturnType<typeof run> | undefined;
const cleanCampaign = () => (cleanOnOne ??= run([...CLEAN, '--workers', '1']));

const LOST_UPDATE = ['--bug', 'lost_update', ...CLEAN] as const;
let lostUpdate: { found: CliResult; out: string; file: string | undefined } | undefined;
function lostUpdateFound(): { found: CliResult; out: string; file: string | undefined } {
  if (lostUpdate === undefined) {
    const out = tempDir();
    const found = shakedown([
      'run',
      '--domain',
      DOMAIN,
      ...LOST_UPDATE,
      '--workers',
      '1',
      '--out',
      out,
      '--json',
    ]);
    // The one file it saved, named before anything else runs in that folder.
    lostUpdate = { found, out, file: readdirSync(out)[0] };
  }
  return lostUpdate;
}

describe('the core with a domain that is not trading (the counter fixture, by path)', () => {
  it('a clean campaign with every fault kind the counter can do passes, named by its pack module', () => {
    const { status, summary, stderr } = cleanCampaign();
    expect(status, stderr).toBe(0);
    expect(summary.verdict).toBe('pass');
    expect(summary.domain).toBe(PACK_PATH);
    expect(summary.runs).toBe(100);
    // Every kind asked for fired (a kind that never fired would have failed the campaign).
    expect(Object.keys(summary.properties[0]?.faults ?? {}).sort()).toEqual([
      'frame.delay',
      'frame.drop',
      'frame.duplicate',
    ]);
  });

  it('finds the planted lost update, shrinks it to a race of two changes, saves it, and replay reproduces it without --domain', () => {
    // Every fault kind on: the race still shrinks to its two changes.
    const { found, out } = lostUpdateFound();
    expect(found.status, found.stderr).toBe(1);
    const summary = JSON.parse(found.stdout) as Summary;
    const failure = summary.failures[0];
    expect(failure?.violations.map((v) => v.invariant)).toEqual(['counter.no-lost-update']);
    // Shrunk to the smallest race: two changes sent in one instant.
    expect(failure?.actions).toBe(2);
    const [file] = readdirSync(out);
    expect(file).toBeDefined();
    const path = join(out, file as string);
    const saved = readReplayFile(path);
    expect(saved.domain).toBe(PACK_PATH);
    expect(saved.bugs).toEqual(['lost_update']);
    expect(saved.actions.map((a) => (a as { kind: string }).kind)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(increment|decrement)$/)]),
    );
    // Replayed through the real CLI, from another folder, without naming the domain.
    const replayed = shakedown(['replay', path, '--json'], { cwd: out });
    expect(replayed.status, replayed.stderr).toBe(1);
    const result = JSON.parse(replayed.stdout) as {
      reproduced: boolean;
      violations: { invariant: string }[];
    };
    expect(result.reproduced).toBe(true);
    expect(result.violations.map((v) => v.invariant)).toEqual(['counter.no-lost-update']);
    // And from the recorded events alone.
    const eventsOnly = shakedown(['replay', path, '--events-only', '--json'], { cwd: out });
    expect(eventsOnly.status, eventsOnly.stderr).toBe(1);
  });

  it('gives the same summary on one worker and on two', () => {
    const one = cleanCampaign();
    const two = run([...CLEAN, '--workers', '2']);
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    expect(comparable(two.summary)).toEqual(comparable(one.summary));
    // And with the bug: the same failure, shrunk the same, on either.
    const { found } = lostUpdateFound();
    expect(found.status, found.stderr).toBe(1);
    const bugOne = JSON.parse(found.stdout) as Summary;
    const bugTwo = run([...LOST_UPDATE, '--workers', '2']);
    expect(bugTwo.status, bugTwo.stderr).toBe(1);
    expect(comparable(bugTwo.summary)).toEqual(comparable(bugOne));
  });

  it('shards partition the runs: three shards run them all, each once', () => {
    // The whole is the clean campaign on one worker; every fault kind fires in each shard too.
    const whole = cleanCampaign();
    expect(whole.status, whole.stderr).toBe(0);
    const shards = [1, 2, 3].map((i) => run([...CLEAN, '--workers', '1', '--shard', `${i}/3`]));
    for (const shard of shards) expect(shard.status, shard.stderr).toBe(0);
    const runs = shards.map((s) => s.summary.runs);
    for (const n of runs) expect(n).toBeGreaterThan(0);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(whole.summary.runs);
    expect(shards.map((s) => s.summary.actions).reduce((a, b) => a + b, 0)).toBe(whole.summary.actions);
    // Merged, the shards are the campaign.
    const dir = tempDir();
    const files = shards.map((s, i) => {
      const path = join(dir, `shard-${i + 1}.json`);
      writeFileSync(path, JSON.stringify(s.summary));
      return path;
    });
    const merged = shakedown(['merge', ...files, '--json']);
    expect(merged.status, merged.stderr).toBe(0);
    const summary = JSON.parse(merged.stdout) as Summary;
    expect(summary.runs).toBe(whole.summary.runs);
    expect(summary.domain).toBe(PACK_PATH);
  });

  it('soaks in rounds, and a soak that finds the bug saves a file that replays without --domain', () => {
    const clean = shakedown([
      'soak',
      '--domain',
      DOMAIN,
      '--duration',
      '1s',
      '--seed',
      '2',
      '--workers',
      '1',
      '--out',
      tempDir(),
      '--json',
    ]);
    expect(clean.status, clean.stderr).toBe(0);
    const soak = JSON.parse(clean.stdout) as { verdict: string; rounds: number; runs: number };
    expect(soak.verdict).toBe('pass');
    expect(soak.rounds).toBeGreaterThanOrEqual(1);
    expect(soak.runs).toBeGreaterThanOrEqual(1);
    const out = tempDir();
    const failing = shakedown([
      'soak',
      '--domain',
      DOMAIN,
      '--duration',
      '30s',
      '--seed',
      '2',
      '--bug',
      'lost_update',
      '--workers',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(failing.status, failing.stderr).toBe(1);
    const found = JSON.parse(failing.stdout) as {
      failure: { replayFile: string; violations: { invariant: string }[] };
    };
    expect(found.failure.violations.map((v) => v.invariant)).toEqual(['counter.no-lost-update']);
    const replayed = shakedown(['replay', found.failure.replayFile]);
    expect(replayed.status, replayed.stderr).toBe(1);
  });

  it('diff finds the divergence between a clean counter and a broken one, and saves it', () => {
    const out = tempDir();
    const diff = shakedown([
      'diff',
      '--domain',
      DOMAIN,
      '--against-bug',
      'decrement_ignores_by',
      '--seed',
      '1',
      '--runs',
      '100',
      '--out',
      out,
      '--json',
    ]);
    expect(diff.status, diff.stderr).toBe(1);
    const found = JSON.parse(diff.stdout) as { property: string; replayFile: string; shrunkActions: number };
    expect(found.property).toBe('counter-ops');
    expect(readReplayFile(found.replayFile).domain).toBe(PACK_PATH);
    const clean = shakedown(['diff', '--domain', DOMAIN, '--seed', '1', '--runs', '50', '--out', out]);
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('no divergence');
    // A domain without a reference system to serve says so.
    const serve = shakedown(['serve', '--domain', DOMAIN]);
    expect(serve.status).toBe(2);
    expect(serve.stderr).toContain('SHK_USAGE: serve: the counter domain has no reference system to serve');
  });

  it('lists the pack: its property, invariants and planted bug', () => {
    const list = shakedown(['list', '--domain', DOMAIN, '--json']);
    expect(list.status, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as {
      properties: { name: string }[];
      invariants: { name: string }[];
      bugs: { name: string; invariant: string }[];
      scenarios: unknown[];
    };
    expect(listed.properties.map((p) => p.name)).toEqual(['counter-ops']);
    expect(listed.invariants.map((i) => i.name)).toEqual([
      'counter.no-lost-update',
      'counter.acknowledged-applied',
      'counter.views-converge',
    ]);
    expect(listed.bugs).toEqual([
      expect.objectContaining({ name: 'lost_update', invariant: 'counter.no-lost-update' }),
      expect.objectContaining({ name: 'decrement_ignores_by', invariant: 'counter.no-lost-update' }),
    ]);
    expect(listed.scenarios).toEqual([]);
  });

  it("checks --property and --bug against the chosen domain's names", () => {
    const tradingBug = shakedown(['run', '--domain', DOMAIN, '--bug', 'overfill', '--runs', '1']);
    expect(tradingBug.status).toBe(2);
    expect(tradingBug.stderr).toContain(
      'SHK_USAGE: --bug: unknown name "overfill"; one of: lost_update, decrement_ignores_by',
    );
    const tradingProperty = shakedown([
      'run',
      '--domain',
      DOMAIN,
      '--property',
      'order-lifecycle',
      '--runs',
      '1',
    ]);
    expect(tradingProperty.status).toBe(2);
    expect(tradingProperty.stderr).toContain('one of: counter-ops');
  });

  it('refuses an unknown domain by listing the known ones, and a replay file whose domain cannot be loaded by its field', () => {
    const unknown = shakedown(['run', '--domain', 'nosuch', '--runs', '1']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(
      'SHK_USAGE: --domain: unknown domain "nosuch"; known domains: bots, feeds, trading',
    );
    // The lost update found and saved by the real CLI (the lifecycle test's run), copied aside.
    const { found, out: saved, file } = lostUpdateFound();
    expect(found.status, found.stderr).toBe(1);
    expect(file).toBeDefined();
    const path = join(tempDir(), file as string);
    copyFileSync(join(saved, file as string), path);
    const text = readFileSync(path, 'utf8').replace(JSON.stringify(PACK_PATH), '"nosuch"');
    writeFileSync(path, text);
    const replayed = shakedown(['replay', path]);
    expect(replayed.status).toBe(2);
    expect(replayed.stderr).toMatch(/SHK_REPLAY_INVALID: .*domain "nosuch" cannot be loaded here/);
  });
});
