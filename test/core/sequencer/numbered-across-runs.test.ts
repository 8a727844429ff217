import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import { numberedAcrossRuns } from '../../../src/core/sequencer/numbered-across-runs.ts';

describe('numberedAcrossRuns', () => {
  it('hands each event on with a gseq that rises across runs', () => {
    const seen: [number, number][] = [];
    const sink = numberedAcrossRuns((event, gseq) => seen.push([event.gseq, gseq]));
    for (const g of [1, 2, 3, 1, 2, 1]) sink({ gseq: g } as RecordedEvent);
    expect(seen).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [1, 4],
      [2, 5],
      [1, 6],
    ]);
  });
});
