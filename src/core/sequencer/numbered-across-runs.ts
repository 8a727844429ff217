import type { RecordedEvent } from '../model/evidence.ts';

/**
 * Each run numbers its events from gseq 1; a campaign-long record renumbers them so gseq rises
 * through the whole file (a drop back marks the next run). Returns the sink to give the campaign.
 * The writer gets the event as recorded and its campaign-long gseq (NdjsonEventSink.write takes
 * both), so no copy of the event is made to renumber it.
 */
export function numberedAcrossRuns(
  write: (event: RecordedEvent, gseq: number) => void,
): (event: RecordedEvent) => void {
  let offset = 0;
  let last = 0;
  return (event) => {
    if (event.gseq <= last) offset += last;
    last = event.gseq;
    write(event, event.gseq + offset);
  };
}
