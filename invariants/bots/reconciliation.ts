import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { AccountTruth } from '../../src/domains/bots/bot-event.ts';
import type { SubjectState } from '../../src/domains/bots/subject.ts';
import {
  type BotsEvidence,
  botViolation,
  corruptedBoots,
  EPS,
  isBot,
  lastBoot,
} from './support/bots-evidence.ts';

const NAME = 'bots.reconciliation';

/** How long the venue must have published nothing for the subject's account before a booted state is compared. */
export const QUIET_BEFORE_BOOT_CHECK_MS = 50;

/**
 * The subject's belief is the venue's truth for its account: the same open orders (by client
 * order id, with the same quantity left), the same position in every symbol, and, if it tracks
 * cash, the same cash. Checked once the run has settled, and after each restart once the
 * subject has booted (when nothing for its account was still on its way to it). A fill that
 * happened while it was down (a ghost fill) must have been found; an order it believes open
 * that the venue finished is a zombie. A subject that is down, or halted on a state file it
 * could not trust (bots.fail-closed judges that), is not compared.
 */
export const botsReconciliation: Invariant<BotsEvidence> = {
  name: NAME,
  description:
    "once settled, and after each restart, the subject's open orders, positions and cash equal the venue's for its account",
  counts: 'orders, positions and cash compared',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    let compared = 0;
    const corrupted = corruptedBoots(evidence);
    // After each restart: the booted state against the venue's truth at that instant.
    const delayed = evidence.actions.some(
      (a) => a.kind === 'fault' && a.fault.type === 'frame' && a.fault.effect === 'delay',
    );
    let lastPublished = Number.NEGATIVE_INFINITY;
    for (const record of evidence.events) {
      if (isBot(record, 'venue') && record.event.message.stream.startsWith('account:'))
        lastPublished = record.time;
      if (!isBot(record, 'state') || record.event.why !== 'booted' || record.event.boot === 0) continue;
      const { state, venue, boot } = record.event;
      if (venue === undefined || delayed || corrupted.has(boot) || state.halted) continue;
      if (record.time - lastPublished < QUIET_BEFORE_BOOT_CHECK_MS) continue;
      const found = differences(state, venue);
      compared += found.compared;
      if (found.problems.length > 0)
        out.push(
          botViolation(NAME, `after restart ${boot}, once booted: ${summary(found.problems)}`, [record]),
        );
    }
    // Once the run has settled.
    const snapshot = evidence.snapshot;
    const subject = snapshot?.subject;
    const settled = subject !== null && subject !== undefined && snapshot !== undefined;
    if (settled && !(subject.halted && corrupted.has(lastBoot(evidence)))) {
      const account = snapshot.venue.accounts.find((a) => a.id === snapshot.account);
      const positions: Record<string, number> = {};
      for (const p of account?.positions ?? []) positions[p.symbol] = p.qty;
      const truth: AccountTruth = {
        seq: 0,
        orders: snapshot.venue.orders
          .filter((o) => o.account === snapshot.account)
          .map((o) => ({ clientOrderId: o.clientOrderId, remainingQty: o.remainingQty })),
        positions,
        cash: account?.cash ?? Number.NaN,
      };
      const found = differences(subject, truth);
      compared += found.compared;
      if (found.problems.length > 0)
        out.push({
          invariant: NAME,
          message: `after the run settled (boot ${lastBoot(evidence)}): ${summary(found.problems)}`,
          steps: [],
          events: [],
        });
    }
    tally?.count(compared);
    return out;
  },
};

/** What differs between a belief and the truth, one line each, and how many things were compared. */
function differences(subject: SubjectState, truth: AccountTruth): { problems: string[]; compared: number } {
  const problems: string[] = [];
  const believed = subject.openOrders ?? {};
  let compared = 0;
  for (const order of truth.orders) {
    compared++;
    const mine = believed[order.clientOrderId];
    if (mine === undefined) {
      problems.push(
        `order ${order.clientOrderId} is open at the venue (${order.remainingQty} left) but unknown to the subject`,
      );
      continue;
    }
    const left = mine.qty - mine.filledQty;
    if (Math.abs(left - order.remainingQty) > EPS)
      problems.push(
        `order ${order.clientOrderId}: the subject believes ${left} left, the venue has ${order.remainingQty}`,
      );
  }
  const open = new Set(truth.orders.map((o) => o.clientOrderId));
  for (const clientOrderId of Object.keys(believed)) {
    if (open.has(clientOrderId)) continue;
    compared++;
    problems.push(
      `zombie order ${clientOrderId}: the subject believes it open, the venue has it finished or never had it`,
    );
  }
  for (const symbol of new Set([...Object.keys(subject.positions ?? {}), ...Object.keys(truth.positions)])) {
    compared++;
    const mine = subject.positions?.[symbol] ?? 0;
    const real = truth.positions[symbol] ?? 0;
    if (Math.abs(mine - real) > EPS)
      problems.push(`position in ${symbol}: the subject believes ${mine}, the venue has ${real}`);
  }
  if (subject.cash !== null && subject.cash !== undefined) {
    compared++;
    if (Math.abs(subject.cash - truth.cash) > EPS)
      problems.push(`cash: the subject believes ${subject.cash}, the venue has ${truth.cash}`);
  }
  return { problems, compared };
}

function summary(problems: string[]): string {
  return `${problems.slice(0, 4).join('; ')}${problems.length > 4 ? `; and ${problems.length - 4} more` : ''}`;
}
