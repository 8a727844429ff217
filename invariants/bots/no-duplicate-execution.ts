import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import type { SubjectIntent } from '../../src/domains/bots/subject.ts';
import type { PlaceRequest } from '../../src/domains/trading/protocol/protocol-messages.ts';
import {
  type BotRecordOf,
  type BotsEvidence,
  botEvents,
  botViolation,
  isBot,
} from './support/bots-evidence.ts';

const NAME = 'bots.no-duplicate-execution';

/** Answers that say nothing about whether a place took effect: a 5xx or a 429 in the venue's name. */
const SAYS_NOTHING = new Set(['unavailable', 'rate_limited']);

interface Sent {
  record: BotRecordOf<'sent'>;
  request: PlaceRequest;
}

/**
 * An intent retried after a timeout, a 5xx, a lost connection or a restart executes once: a
 * place the subject sends again before it knew what became of the first (no answer from the
 * venue, or only a 5xx or 429) must carry the first one's client order id, so the venue refuses
 * the copy. Broken when the venue accepted both the first and a later place of the same
 * symbol, side, price and quantity under a new id, while the first was still open, unresolved
 * for the subject and not cancelled by it: the venue then holds the same order twice. A place
 * that a new intent asked for (an entry, an exit, a grid) is a new execution, not a copy.
 */
export const botsNoDuplicateExecution: Invariant<BotsEvidence> = {
  name: NAME,
  description:
    'a place sent again before its outcome was known reuses its client order id: the venue executes it once',
  counts: 'places',
  check(evidence: BotsEvidence, tally?: CheckTally): Violation[] {
    const places: Sent[] = [];
    // When the subject first learned each client order id's fate from a real answer.
    const resolvedAt = new Map<string, number>();
    const byConnId = new Map<string, Sent>();
    for (const record of evidence.events) {
      if (isBot(record, 'sent') && record.event.request.type === 'place') {
        const sent = { record, request: record.event.request };
        places.push(sent);
        byConnId.set(`${record.event.conn}/${String(record.event.request.id)}`, sent);
      } else if (isBot(record, 'received') && record.event.message.type === 'response') {
        const message = record.event.message;
        const sent = byConnId.get(`${record.event.conn}/${String(message.id)}`);
        if (sent === undefined) continue;
        const tells = message.ok || !SAYS_NOTHING.has(message.error.code);
        if (tells && !resolvedAt.has(sent.request.clientOrderId))
          resolvedAt.set(sent.request.clientOrderId, record.gseq);
      }
    }
    tally?.count(places.length);
    // Its cancels (of one order, or of all: id undefined), in the order it sent them.
    const cancels: { gseq: number; id: string | undefined }[] = [];
    for (const record of evidence.events) {
      if (!isBot(record, 'sent')) continue;
      const request = record.event.request;
      if (request.type === 'cancel') cancels.push({ gseq: record.gseq, id: request.clientOrderId ?? '' });
      else if (request.type === 'cancel_all') cancels.push({ gseq: record.gseq, id: undefined });
    }
    const firstSentAt = new Map<string, number>();
    for (const sent of places)
      if (!firstSentAt.has(sent.request.clientOrderId))
        firstSentAt.set(sent.request.clientOrderId, sent.record.gseq);
    // The venue's truth: when each of the subject's orders was accepted and when it finished.
    const account = evidence.snapshot?.account;
    const acceptedAt = new Map<string, number>();
    const finishedAt = new Map<string, number>();
    for (const record of botEvents(evidence, 'venue')) {
      const { message } = record.event;
      if (message.stream !== `account:${account}`) continue;
      const event = message.event;
      if (event.type === 'order_accepted' && !acceptedAt.has(event.clientOrderId))
        acceptedAt.set(event.clientOrderId, record.gseq);
      if (
        (event.type === 'order_cancelled' ||
          event.type === 'order_expired' ||
          (event.type === 'fill' && event.remainingQty <= 1e-12)) &&
        !finishedAt.has(event.clientOrderId)
      )
        finishedAt.set(event.clientOrderId, record.gseq);
    }
    const fresh = freshIntentOrders(evidence);
    const out: Violation[] = [];
    const reported = new Set<string>();
    for (let i = 0; i < places.length; i++) {
      const first = places[i];
      const firstId = first.request.clientOrderId;
      if (!acceptedAt.has(firstId) || reported.has(firstId)) continue;
      for (let k = i + 1; k < places.length; k++) {
        const again = places[k];
        const againId = again.request.clientOrderId;
        if (againId === firstId || !sameOrder(first.request, again.request)) continue;
        // Sent while the subject took a new intent: a new execution that was asked for, not a retry.
        if (fresh.has(again.record.gseq)) continue;
        // An id it had sent before: a retry of that other order, under its own id.
        if (firstSentAt.get(againId) !== again.record.gseq) continue;
        const at = again.record.gseq;
        const resolved = resolvedAt.get(firstId);
        if (resolved !== undefined && resolved < at) continue;
        if ((acceptedAt.get(firstId) ?? Number.POSITIVE_INFINITY) > at) continue;
        if ((finishedAt.get(firstId) ?? Number.POSITIVE_INFINITY) < at) continue;
        // The subject had already asked for the first one to be cancelled: a replacement, not a copy.
        if (
          cancels.some(
            (c) => c.gseq > first.record.gseq && c.gseq < at && (c.id === undefined || c.id === firstId),
          )
        )
          continue;
        if (!acceptedAt.has(againId)) continue;
        reported.add(firstId);
        out.push(
          botViolation(
            NAME,
            `place ${firstId} (${describe(first.request)}, boot ${first.record.event.boot}) was accepted by the venue but its outcome never reached the subject, which sent it again as ${againId} (boot ${again.record.event.boot}): the venue now holds both`,
            [first.record, again.record],
          ),
        );
        break;
      }
    }
    return out;
  },
};

/**
 * The places that executed an intent the subject had not had before: each new enter or exit
 * intent it accepted is owed one order with its side, quantity and price, and the first place
 * that matches serves it (sent while the subject handled the intent, just before its record,
 * or later, once the subject could send it). A new grid's orders go out as it is handled.
 * Such a place is a new execution that was asked for, not a retry.
 */
function freshIntentOrders(evidence: BotsEvidence): Set<number> {
  const out = new Set<number>();
  const seen = new Set<string>();
  const owed: SubjectIntent[] = [];
  let handling: BotRecordOf<'sent'>[] = [];
  const sentIds = new Set<string>();
  const serve = (sent: BotRecordOf<'sent'>): boolean => {
    const request = sent.event.request as PlaceRequest;
    const k = owed.findIndex((intent) => asks(intent, request));
    if (k < 0) return false;
    owed.splice(k, 1);
    out.add(sent.gseq);
    return true;
  };
  for (const record of evidence.events) {
    if (isBot(record, 'sent') && record.event.request.type === 'place') {
      // A place sent again under its own id is that order's retry, never a new intent's order.
      const id = record.event.request.clientOrderId;
      if (sentIds.has(id)) continue;
      sentIds.add(id);
      if (!serve(record)) handling.push(record);
      continue;
    }
    if (isBot(record, 'intent')) {
      const { intent, ack } = record.event;
      const isNew = !seen.has(intent.id);
      seen.add(intent.id);
      if (isNew && ack.accepted && (intent.type === 'enter' || intent.type === 'exit')) {
        owed.push(intent);
        handling = handling.filter((sent) => !(sent.time === record.time && serve(sent)));
      }
      if (isNew && intent.type === 'set_grid')
        for (const sent of handling) if (sent.time === record.time) out.add(sent.gseq);
    }
    if (record.client === 'subject' && !isBot(record, 'received') && !isBot(record, 'log')) handling = [];
  }
  return out;
}

/** Whether a place is the order an enter or exit intent asks for. */
function asks(intent: SubjectIntent, request: PlaceRequest): boolean {
  if (intent.type === 'enter')
    return (
      request.side === intent.side &&
      Number(request.qty) === intent.qty &&
      (intent.price === undefined || Number(request.price) === intent.price)
    );
  if (intent.type === 'exit')
    return (
      (intent.qty === undefined || Number(request.qty) === intent.qty) &&
      (intent.price === undefined || Number(request.price) === intent.price)
    );
  return false;
}

function sameOrder(a: PlaceRequest, b: PlaceRequest): boolean {
  return (
    a.symbol === b.symbol &&
    a.side === b.side &&
    Number(a.price) === Number(b.price) &&
    Number(a.qty) === Number(b.qty)
  );
}

function describe(request: PlaceRequest): string {
  return `${request.side} ${String(request.qty)} ${request.symbol} @ ${String(request.price)}`;
}
