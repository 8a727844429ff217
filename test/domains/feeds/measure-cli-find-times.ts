/**
 * Measures, through the real CLI, how long `shakedown run --domain feeds --bug B` takes to find
 * and shrink each planted bug (the command's whole wall time, start-up included), median over
 * seeds 1..N. Not a test (timings are never asserted): run it with
 * `node --import ./bin/register-ts.mjs test/domains/feeds/measure-cli-find-times.ts [seeds] [--all]`
 * (`--all`: every feeds property, not only the one that provokes the bug).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { feedsPropertyForBug } from '../../../src/domains/feeds/property-for-bug.ts';
import { FEEDS_PLANTED_BUGS } from '../../../src/feeds-proxy/index.ts';

const BIN = join(import.meta.dirname, '../../../bin/shakedown.js');
const seeds = Number(process.argv[2] ?? 5);
const all = process.argv.includes('--all');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

for (const bug of FEEDS_PLANTED_BUGS) {
  const times: number[] = [];
  let named = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const out = mkdtempSync(join(tmpdir(), 'shakedown-feeds-measure-'));
    const args = [
      'run',
      '--domain',
      'feeds',
      '--bug',
      bug.name,
      '--seed',
      String(seed),
      '--runs',
      '1000',
      '--out',
      out,
    ];
    if (!all) args.push('--property', feedsPropertyForBug(bug));
    const started = performance.now();
    const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
    times.push(performance.now() - started);
    if (run.status === 1 && run.stdout.includes(`[${bug.invariant}]`)) named++;
    rmSync(out, { recursive: true, force: true });
  }
  console.log(
    `${bug.name.padEnd(34)} ${bug.invariant.padEnd(32)} named ${named}/${seeds}  median ${median(times).toFixed(0)} ms  (max ${Math.max(...times).toFixed(0)} ms)`,
  );
}
