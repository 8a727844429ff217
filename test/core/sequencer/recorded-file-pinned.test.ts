import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import { orderRecordedEvent } from '../../../src/core/replay/replay-file.ts';
import { runCampaign } from '../../../src/core/runner/campaign.ts';
import { NdjsonEventSink } from '../../../src/core/sequencer/ndjson-event-sink.ts';
import { numberedAcrossRuns } from '../../../src/core/sequencer/numbered-across-runs.ts';
import { inprocTargetFactory } from '../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';

/**
 * The `--record` file of fixed-seed in-process campaigns, byte for byte: its SHA-256 was taken
 * with the writer as it was before the specialised line builder (one JSON.stringify per field),
 * so any change to the file's text fails here. Each line is also held to JSON.stringify of the
 * documented ordered event, so a failure says whether the writer or the campaign changed.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shakedown-record-pinned-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** trading-venue and chaos-recovery (faults), seed 42, on one thread, as `run --record` writes them. */
async function record(runs: number, bugs: string[]) {
  const path = join(dir, 'events.ndjson');
  const file = new NdjsonEventSink(path, { chunkChars: 4096 });
  const expected: string[] = [];
  const write = numberedAcrossRuns((event, gseq) => {
    file.write(event, gseq);
    expected.push(`${JSON.stringify(orderRecordedEvent({ ...event, gseq }))}\n`);
  });
  const result = await runCampaign<TradingAction>({
    properties: ['trading-venue', 'chaos-recovery'].map((name) => {
      const property = tradingPack.properties.find((p) => p.name === name);
      if (!property) throw new Error(`no property ${name}`);
      return property;
    }),
    invariants: tradingPack.invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory({ bugs: bugs as never }) as never,
    seed: 42,
    runs,
    // Counts bound the work, never the clock.
    timeBudgetMs: 600_000,
    shrinkAttempts: 100,
    now: () => performance.now(),
    sink: (event: RecordedEvent) => write(event),
  });
  file.close();
  const bytes = readFileSync(path);
  return {
    passed: result.properties.map((p) => p.passed),
    lines: expected.length,
    sameAsStringify: bytes.toString('utf8') === expected.join(''),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

describe('the --record file of a fixed seed', () => {
  it('is unchanged for a clean campaign with faults', async () => {
    expect(await record(6, [])).toEqual({
      passed: [true, true],
      lines: 2590,
      sameAsStringify: true,
      sha256: '5d8e61a0c448540c7aad39ad2e3b6f984a5a3000abca2ad8ebd5ecbc0a4886eb',
    });
  });

  it('is unchanged for a planted bug, its shrinking runs included', async () => {
    expect(await record(12, ['overfill'])).toEqual({
      passed: [false, false],
      lines: 6625,
      sameAsStringify: true,
      sha256: '4bc55a682d5499edd6cf0e3f5349b492e41fc187dfe442111f2ec802d2065744',
    });
  });
});
