import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { SubjectProcessRecord } from '../../src/domains/bots/process/subject-process.ts';
import type { BotsEvidence } from './support/bots-evidence.ts';

const NAME = 'bots.control-channel';

/** How many of a run's bad lines a violation names, at most (the message says how many more). */
const NAMED = 3;

/**
 * A subject run as a process speaks the control channel and nothing else on its stdout: every
 * line is a JSON object of the channel (a ready line, a log, an answer), and every answer
 * answers an id shakedown asked. A line that is not (a stray print, a half-written object) or
 * an answer to an id never asked (extra.process.problems) fails the run, naming the line: a
 * subject that talks past its channel may also have had an answer lost among the noise.
 * Counts the subject's starts (one channel each) on a target that has a control channel
 * (the capability subject-control-channel); in process it has nothing to judge and reports nothing.
 */
export const botsControlChannel: Invariant<BotsEvidence> = {
  name: NAME,
  description:
    'a process subject writes only control-channel lines on stdout and answers only ids it was asked',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    const record = processRecordOf(evidence.extra);
    // In process there is no channel: nothing reported, rather than a rule that had nothing to check.
    if (record === undefined) return [];
    tally?.count(record.starts);
    if (record.problems.length === 0) return [];
    const named = record.problems
      .slice(0, NAMED)
      .map((p) => `${p.code} (${p.why}): ${JSON.stringify(p.line)}`);
    const more = record.problems.length - named.length;
    return [
      {
        invariant: NAME,
        message: `the subject wrote ${record.problems.length} line(s) the control channel could not use: ${named.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
        steps: [],
        events: [],
      },
    ];
  },
};

/** extra.process when it is a process record (in process there is none). */
function processRecordOf(extra: unknown): Pick<SubjectProcessRecord, 'starts' | 'problems'> | undefined {
  const process = (extra as { process?: unknown } | undefined)?.process as
    | Partial<SubjectProcessRecord>
    | undefined;
  if (process === undefined || process === null || !Array.isArray(process.problems)) return undefined;
  return { starts: typeof process.starts === 'number' ? process.starts : 0, problems: process.problems };
}
