import type { RecordedEvent, RunEvidence } from '../../../src/core/model/evidence.ts';
import type { Violation } from '../../../src/core/model/invariant.ts';
import type { BotAction } from '../../../src/domains/bots/bot-action.ts';
import type { BotEvent, BotsSnapshot } from '../../../src/domains/bots/bot-event.ts';
import type { ClientRequest } from '../../../src/domains/trading/protocol/protocol-messages.ts';

/** What a bots run leaves behind: the subject's lane and the venue's, the final states of both. */
export type BotsEvidence = RunEvidence<BotAction, BotEvent, unknown, BotsSnapshot>;
export type BotRecord = RecordedEvent<BotEvent>;
export type BotRecordOf<T extends BotEvent['type']> = RecordedEvent<Extract<BotEvent, { type: T }>>;

export function isBot<T extends BotEvent['type']>(record: BotRecord, type: T): record is BotRecordOf<T> {
  return (record.event as BotEvent | undefined)?.type === type;
}

/** Every recorded event of the given type, in capture order. */
export function botEvents<T extends BotEvent['type']>(evidence: BotsEvidence, type: T): BotRecordOf<T>[] {
  return evidence.events.filter((r): r is BotRecordOf<T> => isBot(r, type));
}

/** A violation naming the events (gseq) and steps involved. */
export function botViolation(
  invariant: string,
  message: string,
  records: readonly BotRecord[],
  steps: number[] = [],
): Violation {
  const fromRecords = records.map((r) => r.step).filter((s): s is number => s !== undefined);
  return {
    invariant,
    message,
    steps: [...new Set([...steps, ...fromRecords])].sort((a, b) => a - b),
    events: records.map((r) => r.gseq),
  };
}

/** Requests that are not rate limited at the venue, so a 429's retry-after does not hold them. */
export const UNCOUNTED_REQUESTS: ReadonlySet<string> = new Set(['login', 'ping']);

/** Trading requests: what a subject that refuses to trade must not send. */
export const TRADING_REQUESTS: ReadonlySet<string> = new Set(['place', 'replace']);

/** The boots whose start found damaged state files. */
export function corruptedBoots(evidence: BotsEvidence): Set<number> {
  return new Set(
    botEvents(evidence, 'started')
      .filter((r) => r.event.corrupted !== null)
      .map((r) => r.event.boot),
  );
}

/** The boot of the subject at the end of the run (-1: it never started). */
export function lastBoot(evidence: BotsEvidence): number {
  const started = botEvents(evidence, 'started');
  return started.length === 0 ? -1 : started[started.length - 1].event.boot;
}

export const EPS = 1e-6;

/**
 * How far the subject's recorded wire may lag what it had read (evidence.extra.wireSkewMs): 0
 * in process, where the wire is recorded as the subject acts; over a process link a frame the
 * subject wrote may reach the recording up to this many ms after one handed to it, so the two
 * cannot be ordered. Absent or not a number: 0.
 */
export function wireSkewOf(evidence: BotsEvidence): number {
  const extra = evidence.extra as { wireSkewMs?: unknown } | undefined;
  const skew = extra?.wireSkewMs;
  return typeof skew === 'number' && Number.isFinite(skew) && skew > 0 ? skew : 0;
}

/** Whether a record lies within the wire skew after a receipt (so it may have been sent before it was read). */
export function withinSkew(skewMs: number, receivedAt: number, at: number): boolean {
  return skewMs > 0 && at - receivedAt <= skewMs;
}

/** Whether two requests are one request sent again: the same type and client order id. */
export function sameRequest(a: ClientRequest, b: ClientRequest): boolean {
  return (
    a.type === b.type &&
    (a as { clientOrderId?: string }).clientOrderId === (b as { clientOrderId?: string }).clientOrderId
  );
}
