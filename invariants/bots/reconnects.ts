import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { type BotsEvidence, botEvents, corruptedBoots, lastBoot } from './support/bots-evidence.ts';

const NAME = 'bots.reconnects';
/** How a subject's haltReason begins when it refuses state it cannot trust (SubjectState.haltReason). */
const STATE_CORRUPTED = 'state_corrupted';

/**
 * The liveness partner of the backoff rule (a subject that never dials again backs off
 * perfectly): at the end of the run a subject that is up, and not halted on a damaged state
 * file (one its last start found, or one it reports: `state_corrupted...`, as when a clean
 * restart re-reads a file damaged before an earlier one), is connected to the venue again,
 * whatever cuts it suffered.
 */
export const botsReconnects: Invariant<BotsEvidence> = {
  name: NAME,
  description: 'at the end of the run a running subject is connected to the venue',
  counts: 'subjects up at the end',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    const boot = lastBoot(evidence);
    const subject = evidence.snapshot?.subject;
    if (
      subject === null ||
      subject === undefined ||
      boot < 0 ||
      corruptedBoots(evidence).has(boot) ||
      // An uncorrupted restart re-reads a file damaged before an earlier start: halted on it, it stays off.
      (subject.halted && (subject.haltReason ?? '').startsWith(STATE_CORRUPTED))
    ) {
      tally?.count(0);
      return [];
    }
    tally?.count(1);
    const dialed = botEvents(evidence, 'dialed').filter(
      (r) => r.event.boot === boot && r.event.conn !== null,
    ).length;
    const closed = botEvents(evidence, 'closed').filter((r) => r.event.boot === boot).length;
    if (dialed > closed) return [];
    const cuts = botEvents(evidence, 'closed').filter(
      (r) => r.event.boot === boot && r.event.by === 'venue',
    ).length;
    return [
      {
        invariant: NAME,
        message: `the subject (boot ${boot}) is not connected at the end of the run: ${dialed} connection(s) made, ${closed} closed (${cuts} cut by the venue)`,
        steps: [],
        events: [],
      },
    ];
  },
};
