import type { RecordedEvent } from '../model/evidence.ts';

/**
 * Each run numbers its events from gseq 1; a campaign-long record renumbers them so gseq rises
 * through the whole file (a drop back marks the next run). Returns the sink to give the campaign.
 */
export function numberedAcrossRuns(write: (event: RecordedEvent) => void): (event: RecordedEvent) => void {
  let offset = 0;
  let last = 0;
  return (event) => {
    if (event.gseq <= last) offset += last;
    last = event.gseq;
    write({ ...event, gseq: event.gseq + offset });
  };
}
