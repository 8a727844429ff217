import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { type BotsEvidence, botEvents, botViolation } from './support/bots-evidence.ts';

const NAME = 'bots.subject-declared';

/**
 * The subject's own invariants (Subject.invariants: seed 001's "capital never negative", "no
 * slot stuck") hold over every state it reported: after each intent, once booted, at the end.
 * Each one that fails is reported under its own name.
 */
export const botsSubjectDeclared: Invariant<BotsEvidence> = {
  name: NAME,
  description: "the subject's own declared invariants hold over every state it reports",
  counts: 'declared checks run',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    const declared = evidence.extra.declared as { names?: string[]; samples?: number } | undefined;
    tally?.count((declared?.samples ?? 0) * (declared?.names?.length ?? 0));
    const out: Violation[] = [];
    const reported = new Set<string>();
    for (const record of botEvents(evidence, 'declared')) {
      for (const check of record.event.checks) {
        if (check.problems.length === 0 || reported.has(check.name)) continue;
        reported.add(check.name);
        out.push(
          botViolation(
            NAME,
            `${check.name} (boot ${record.event.boot}): ${check.problems.slice(0, 3).join('; ')}`,
            [record],
          ),
        );
      }
    }
    return out;
  },
};
