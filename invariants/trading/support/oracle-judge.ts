import type { Operation } from '../../../src/core/model/evidence.ts';
import { sharedView, sharingViews } from '../../../src/core/runner/shared-views.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import type { TradingCapability } from '../../../src/domains/trading/trading-capabilities.ts';
import type { TradingEvidence } from '../../../src/domains/trading/trading-evidence.ts';
import { CANCEL_REASONS, EXPIRE_REASONS } from '../../../src/domains/trading/trading-surface.ts';
import { adminRecord, groupByTxn } from './admin-record.ts';
import { ADMIN_CLIENT, accountOfClient, eventsByClient, is, type TradingRecord } from './events.ts';
import { type OracleVenueConfig, toAtoms, type VenueRules, venueRules } from './oracle-config.ts';
import { bandEdges } from './oracle-formulas.ts';
import {
  describeRef,
  expiryReason,
  type FailedCheck,
  judgeCancel,
  judgePlace,
  judgeReplace,
  judgeSetMark,
  type OrderRef,
  type Outcome,
  outsideBand,
  predictTake,
  refusalProblem,
  type Step,
  type Taker,
} from './oracle-predict.ts';
import { type ModelOrder, remaining, VenueState } from './oracle-state.ts';
import { type Inspection, type ScopedInvariant, scopedInvariant } from './scope.ts';
import { violation } from './violation.ts';

export const VALID_ACCEPTED = 'requests.valid-accepted';
export const REFUSALS_JUSTIFIED = 'requests.refusals-justified';
export const MATCHING_HAPPENS = 'matching.happens';
export const STP_NAMED_ORDER = 'stp.cancels-named-order';
export const EVENTS_CONTENT = 'events.content';

/** The invariants that judge requests against the state the venue's record shows. */
export const ORACLE_JUDGES = [
  VALID_ACCEPTED,
  REFUSALS_JUSTIFIED,
  MATCHING_HAPPENS,
  STP_NAMED_ORDER,
  EVENTS_CONTENT,
];

export interface Finding {
  invariant: string;
  message: string;
  events: TradingRecord[];
  steps: number[];
}

/** What the oracle made of one run: the findings per invariant, what it judged and what it left out. */
export interface OracleReport {
  findings: Finding[];
  checked: Map<string, number>;
  /** Requests left out, by reason (shared by every judging invariant). */
  skipped: Map<string, number>;
}

type Op = Operation<TradingAction, unknown>;
type Group = readonly TradingRecord[];
/** The reply of a request that was answered (eligible requests only). */
type Answered = Exclude<NonNullable<Op['reply']>, { status: 'info' }>;

const cache = new WeakMap<object, { parts: unknown[]; config: string; report: OracleReport }>();

/**
 * The oracle's report for a run, built once per run's evidence and shared by its invariants
 * (rebuilt when any part of the evidence, or the config, is no longer what it was built from).
 */
export function oracleReport(evidence: TradingEvidence): OracleReport {
  // While a run's invariants are checked together, the five judges read one report, judged
  // once for that check (the evidence does not change during it: nothing to compare).
  if (sharingViews(evidence)) return sharedView(evidence, oracleReport, () => new Judge(evidence).run());
  return cachedReport(evidence);
}

function cachedReport(evidence: TradingEvidence): OracleReport {
  const key = evidence?.events as object | undefined;
  const parts = [evidence?.history, evidence?.snapshot, evidence?.extra];
  const config = JSON.stringify(evidence?.extra?.config ?? null);
  const cached = key ? cache.get(key) : undefined;
  if (cached && cached.config === config && cached.parts.every((p, i) => p === parts[i]))
    return cached.report;
  const report = new Judge(evidence).run();
  if (key) cache.set(key, { parts, config, report });
  return report;
}

// ---------------------------------------------------------------- helpers

const kindOf = (op: Op): string => (op.action as { kind?: string } | null)?.kind ?? '?';

const CANCEL_REASON_SET: ReadonlySet<string> = new Set<string>(CANCEL_REASONS);
const EXPIRE_REASON_SET: ReadonlySet<string> = new Set<string>(EXPIRE_REASONS);

/** The requests the oracle judges. */
const REQUEST_KINDS = new Set(['place', 'cancel', 'replace', 'cancel_all', 'set_mark']);

function what(op: Op): string {
  const a = op.action as unknown as Record<string, unknown>;
  const parts: string[] = [`step ${op.step}`, `${kindOf(op)} by ${op.client}`];
  if (a?.kind === 'place') {
    parts.push(
      `${String(a.side)} ${String(a.qty)}${a.orderType === 'limit' ? ` @ ${String(a.price)}` : ''} ${String(a.orderType)}${a.tif ? ` ${String(a.tif)}` : ''}${a.stp ? ` ${String(a.stp)}` : ''} ${String(a.clientOrderId)}`,
    );
  } else if (a?.kind === 'replace') {
    parts.push(`price ${String(a.price ?? '-')} qty ${String(a.qty ?? '-')}`);
  } else if (a?.kind === 'set_mark') parts.push(`${String(a.symbol)} ${String(a.price)}`);
  else if (a?.kind === 'cancel_all' && a.symbol !== undefined) parts.push(String(a.symbol));
  return `${parts[0]} (${parts.slice(1).join(' ')})`;
}

const showReasons = (failed: FailedCheck[]): string =>
  failed.map((f) => `${f.check}: ${f.reasons.join(' or ')}`).join('; ');

function orderResult(op: Op): Record<string, unknown> | undefined {
  const reply = op.reply;
  if (reply?.status !== 'ok') return undefined;
  const order = (reply.result as { order?: unknown } | null)?.order;
  return typeof order === 'object' && order !== null ? (order as Record<string, unknown>) : undefined;
}

/** Steps the client sent more than once (a retried request's answer may be any attempt's), and the admin's first cut. */
function sessionFacts(evidence: TradingEvidence): { retried: Set<number>; adminAway: number } {
  const retried = new Set<number>();
  let adminAway = Number.POSITIVE_INFINITY;
  for (const rec of evidence.events ?? []) {
    if (typeof rec?.stream !== 'string' || !rec.stream.startsWith('session:')) continue;
    if (is(rec, 'session_retry') && typeof rec.event.step === 'number') retried.add(rec.event.step);
    else if (rec.client === ADMIN_CLIENT && is(rec, 'session_disconnected'))
      adminAway = Math.min(adminAway, rec.gseq);
  }
  return { retried, adminAway };
}

// ---------------------------------------------------------------- the judge

class Judge {
  private readonly findings: Finding[] = [];
  private readonly checked = new Map<string, number>();
  private readonly skipped = new Map<string, number>();
  private readonly rules: VenueRules | undefined;
  private readonly ops: Op[];
  private readonly retried: Set<number>;
  private readonly adminAway: number;
  /** Per client, the earliest time a fault on its link was sent; global faults under '*'. */
  private readonly faultFrom = new Map<string, number>();
  /** Accounts whose stream the admin follows (it shows in its record). */
  private readonly followed = new Set<string>();
  /** The account streams of the admin's record already read into `followed`. */
  private readonly followedStreams = new Set<string>();
  /** Client -> the account it acts for. */
  private readonly accounts = new Map<string, string>();

  constructor(private readonly evidence: TradingEvidence) {
    this.rules = venueRules(evidence?.extra?.config as OracleVenueConfig | undefined);
    this.ops = (evidence?.history ?? []).filter(
      (op): op is Op =>
        typeof op === 'object' && op !== null && typeof op.action === 'object' && op.action !== null,
    );
    const facts = sessionFacts(evidence);
    this.retried = facts.retried;
    this.adminAway = facts.adminAway;
    for (const op of this.ops) {
      if (kindOf(op) !== 'fault') continue;
      const type = (op.action as { fault?: { type?: string } }).fault?.type;
      const key = type === 'process' || type === 'clock' ? '*' : op.client;
      this.faultFrom.set(key, Math.min(this.faultFrom.get(key) ?? Number.POSITIVE_INFINITY, op.invokedAt));
    }
  }

  /** The account a client acts for (accountOfClient), looked up once per client. */
  private accountOf(client: string): string {
    let account = this.accounts.get(client);
    if (account === undefined) {
      account = accountOfClient(client, this.evidence.events ?? []);
      this.accounts.set(client, account);
    }
    return account;
  }

  private count(invariant: string): void {
    this.checked.set(invariant, (this.checked.get(invariant) as number) + 1);
  }

  private skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  private find(
    invariant: string,
    message: string,
    events: readonly (TradingRecord | undefined)[],
    steps: number[],
  ): void {
    this.findings.push({
      invariant,
      message,
      events: events.filter((e): e is TradingRecord => e !== undefined),
      steps,
    });
  }

  run(): OracleReport {
    for (const name of ORACLE_JUDGES) this.checked.set(name, 0);
    const requests = this.ops.filter((op) => REQUEST_KINDS.has(kindOf(op)));
    const done = (): OracleReport => ({
      findings: this.findings,
      checked: this.checked,
      skipped: this.skipped,
    });
    if (this.rules === undefined) {
      for (const _ of requests) this.skip('requests: the evidence has no usable venue config');
      return done();
    }
    const rules = this.rules;
    this.checkReasonNames();
    this.checkSnapshotStatuses();

    // Which requests can be tied to an input of the record, and which are judged at all.
    const byTxn = new Map<number, Op>();
    const shared = new Set<number>();
    const eligible = new Set<Op>();
    for (const op of requests) {
      const why = this.ineligible(op);
      if (why !== undefined) {
        this.skip(why);
        continue;
      }
      eligible.add(op);
      const reply = op.reply;
      if (reply !== undefined && reply.status !== 'info' && typeof reply.txn === 'number' && reply.txn > 0) {
        if (byTxn.has(reply.txn)) shared.add(reply.txn);
        byTxn.set(reply.txn, op);
      }
    }

    const record = adminRecord(this.evidence.events ?? []);
    const groups = groupByTxn(record);
    const cut = this.knownUntil(groups);
    const state = new VenueState(rules);
    const stpByCid = this.stpByClientOrderId();
    const judgedTxns = new Set<number>();
    /** Open orders (account|symbol keys) after each input, for cancel-all answered without an input. */
    const timeline: { txn: number; open: Set<string> }[] = [{ txn: 0, open: new Set() }];
    let needTimeline = false;
    for (const op of eligible)
      if (kindOf(op) === 'cancel_all' && op.reply?.status === 'ok' && !(op.reply.txn ?? 0)) {
        needTimeline = true;
        break;
      }
    const openKeys = needTimeline ? this.openKeysAsked(eligible, rules) : () => new Set<string>();
    // The stp of an order accepted in the input being applied, when the request is known.
    let current: Group = [];
    const stpOf = (orderId: string): string | undefined => {
      const accepted = current.find((r) => is(r, 'order_accepted') && r.event.orderId === orderId);
      if (accepted === undefined) return undefined;
      return (
        stpByCid.get(
          `${accepted.stream.slice(8)}|${String((accepted.event as { clientOrderId?: unknown }).clientOrderId)}`,
        ) ?? undefined
      );
    };
    for (const group of groups) {
      const txn = group[0].txn as number;
      if (txn >= cut.txn || state.broken !== undefined) break;
      const op = shared.has(txn) ? undefined : byTxn.get(txn);
      const pending = op !== undefined ? this.judgeInput(op, group, state) : undefined;
      if (op !== undefined) judgedTxns.add(txn);
      this.checkFills(group, state);
      current = group;
      state.apply(group, txn, stpOf);
      if (state.broken !== undefined) break;
      pending?.();
      this.checkPositions(group, state);
      if (needTimeline) timeline.push({ txn, open: openKeys(state) });
    }
    const complete = cut.txn === Number.POSITIVE_INFINITY && state.broken === undefined;
    for (const op of eligible) {
      const reply = op.reply;
      if (reply === undefined || reply.status === 'info') continue;
      const txn = typeof reply.txn === 'number' && reply.txn > 0 ? reply.txn : undefined;
      if (txn !== undefined) {
        if (judgedTxns.has(txn)) continue;
        if (shared.has(txn)) this.skip('requests: another request names the same txn');
        else if (state.broken !== undefined)
          this.skip(`requests after the record could no longer be followed: ${state.broken}`);
        else if (txn >= cut.txn) this.skip(`requests after the venue's record became incomplete: ${cut.why}`);
        else this.skip('requests: their txn has no events on the venue record');
        continue;
      }
      this.judgeWithoutInput(op, complete, timeline);
    }
    return done();
  }

  /**
   * The timeline's view of a state: its open orders (stops waiting left out) as `account|symbol`
   * and `account|*` keys. Only the keys a cancel-all of the run can ask about are kept (the
   * answers to those are the same); when a `|` inside an account or a symbol could make two
   * keys one, every key is kept.
   */
  private openKeysAsked(eligible: ReadonlySet<Op>, rules: VenueRules): (state: VenueState) => Set<string> {
    const asked = new Map<string, Map<string, string>>();
    let plain = true;
    for (const op of eligible) {
      if (kindOf(op) !== 'cancel_all') continue;
      const account = this.accountOf(op.client);
      const symbol = (op.action as { symbol?: unknown }).symbol;
      const part = typeof symbol === 'string' ? symbol : '*';
      if (account.includes('|') || part.includes('|')) plain = false;
      let parts = asked.get(account);
      if (parts === undefined) {
        parts = new Map();
        asked.set(account, parts);
      }
      parts.set(part, `${account}|${part}`);
    }
    for (const id of rules.accounts.keys()) if (id.includes('|')) plain = false;
    for (const symbol of rules.instruments.keys()) if (symbol.includes('|')) plain = false;
    if (!plain)
      return (state) => {
        const open = new Set<string>();
        for (const o of state.openOrders()) {
          if (o.pending) continue;
          open.add(`${o.account}|${o.symbol}`);
          open.add(`${o.account}|*`);
        }
        return open;
      };
    return (state) => {
      const open = new Set<string>();
      for (const o of state.openOrders()) {
        if (o.pending) continue;
        const parts = asked.get(o.account);
        if (parts === undefined) continue;
        const bySymbol = parts.get(o.symbol);
        if (bySymbol !== undefined) open.add(bySymbol);
        const all = parts.get('*');
        if (all !== undefined) open.add(all);
      }
      return open;
    };
  }

  /** Why a request cannot be judged at all, whatever the state. */
  private ineligible(op: Op): string | undefined {
    const reply = op.reply;
    if (reply === undefined || reply.status === 'info') return 'requests with no answer (indeterminate)';
    if (this.retried.has(op.step)) return 'requests the client sent more than once (retried)';
    const completed = op.completedAt ?? Number.POSITIVE_INFINITY;
    if ((this.faultFrom.get('*') ?? Number.POSITIVE_INFINITY) <= completed)
      return 'requests while a process or clock fault may act';
    if ((this.faultFrom.get(op.client) ?? Number.POSITIVE_INFINITY) <= completed)
      return "requests while a fault on the client's link may act";
    const account = this.accountOf(op.client);
    if (op.client !== ADMIN_CLIENT && !this.rules?.accounts.has(account))
      return 'requests of a client whose account the config does not declare';
    return undefined;
  }

  /**
   * The first txn from which the record may be incomplete: after the admin's first disconnect
   * (its record is then resumed, not live), after a crash, from a gap in a stream, or past the
   * last event of a stream the final snapshot shows more of.
   */
  private knownUntil(groups: readonly Group[]): { txn: number; why: string } {
    let cut = { txn: Number.POSITIVE_INFINITY, why: '' };
    const at = (txn: number, why: string) => {
      if (txn < cut.txn) cut = { txn, why };
    };
    const away = this.adminAway;
    for (const crash of this.evidence.extra?.crashes ?? []) {
      at(typeof crash?.txnBefore === 'number' ? crash.txnBefore + 1 : 1, 'the venue crashed');
    }
    const streams = (this.evidence.snapshot as { streams?: unknown } | undefined)?.streams;
    if (typeof streams !== 'object' || streams === null)
      return { txn: 1, why: 'the final snapshot lists no streams' };
    const last = new Map<string, { seq: number; txn: number }>();
    let started = true;
    const adminDropped = away !== Number.POSITIVE_INFINITY;
    for (const group of groups) {
      const txn = group[0].txn as number;
      if (adminDropped && group.some((r) => r.gseq > away)) at(txn, "the admin's connection dropped");
      let reset = false;
      for (const rec of group) {
        if (is(rec, 'reset')) reset = true;
        if (!rec.stream.startsWith('account:') && !rec.stream.startsWith('market:')) continue;
        const prev = last.get(rec.stream);
        if (prev === undefined) {
          if (rec.seq !== 1 && !is(rec, 'reset')) started = false;
          last.set(rec.stream, { seq: rec.seq, txn });
          continue;
        }
        if (rec.seq !== prev.seq + 1)
          at(prev.txn + 1, `${rec.stream} skips from seq ${prev.seq} to ${rec.seq}`);
        // Kept in place: nothing else holds the entry.
        prev.seq = rec.seq;
        prev.txn = txn;
      }
      if (!started && !reset) at(txn, 'streams did not start from seq 1 or a reset');
      if (reset) started = true;
    }
    for (const [stream, seq] of Object.entries(streams as Record<string, unknown>)) {
      if (typeof seq !== 'number' || (!stream.startsWith('account:') && !stream.startsWith('market:')))
        continue;
      const seen = last.get(stream);
      if (seen === undefined) {
        if (seq > 0) at(1, `the venue's record has nothing of ${stream}`);
      } else if (seen.seq < seq)
        at(seen.txn + 1, `the venue's record ends ${stream} at seq ${seen.seq} of ${seq}`);
    }
    return cut;
  }

  /**
   * The stp of each (account, client order id) placed: null when its places did not all ask for
   * the same one (read null as not known).
   */
  private stpByClientOrderId(): Map<string, string | null> {
    const seen = new Map<string, string | null>();
    for (const op of this.ops) {
      if (kindOf(op) !== 'place') continue;
      const a = op.action as { clientOrderId?: unknown; stp?: unknown };
      const account = this.accountOf(op.client);
      const key = `${account}|${String(a.clientOrderId)}`;
      const stp = typeof a.stp === 'string' ? a.stp : this.rules?.defaultStp;
      const prev = seen.get(key);
      seen.set(key, stp === undefined || (prev !== undefined && prev !== stp) ? null : stp);
    }
    return seen;
  }

  // ---------------------------------------------------------------- requests with an input

  /**
   * Judges one request against the state before its input. Returns what must wait for the
   * state after the input (the reply's result), if anything.
   */
  private judgeInput(op: Op, group: Group, state: VenueState): (() => void) | undefined {
    const kind = kindOf(op);
    const rules = state.rules;
    const account = this.accountOf(op.client);
    if (kind === 'set_mark') return this.judgeMarkInput(op, group, state);
    const acct = rules.accounts.get(account);
    if (acct === undefined) {
      this.skip('requests of a client whose account the config does not declare');
      return undefined;
    }
    const reply = op.reply as Answered;
    if (kind === 'cancel_all') return this.judgeCancelAllInput(op, group, state, account);
    const stream = `account:${account}`;
    const rejections = group.filter((r) => is(r, 'order_rejected'));

    // The refusal, as the venue recorded it.
    if (reply.status === 'fail') {
      const rejection = rejections.find((r) => r.stream === stream);
      const problems: string[] = [];
      if (rejection === undefined) problems.push(`no order_rejected on account:${account}`);
      else {
        const e = rejection.event as unknown as Record<string, unknown>;
        if (e.request !== kind) problems.push(`the rejection names request ${String(e.request)}`);
        if (e.reason !== reply.code)
          problems.push(`the rejection says ${String(e.reason)}, the reply ${reply.code}`);
      }
      const others = group.filter((r) => r !== rejection);
      if (others.length > 0)
        problems.push(
          `a refused request changed something: ${others.map((r) => `${r.event.type} on ${r.stream}`).join(', ')}`,
        );
      this.count(EVENTS_CONTENT);
      if (problems.length > 0) {
        this.find(
          EVENTS_CONTENT,
          `${what(op)} was refused ${reply.code}, but ${problems.join('; ')}`,
          group.slice(0, 4),
          [op.step],
        );
      }
    } else if (rejections.length > 0) {
      this.count(EVENTS_CONTENT);
      this.find(EVENTS_CONTENT, `${what(op)} was answered ok, but its input rejected it`, rejections, [
        op.step,
      ]);
      return undefined;
    }

    if (kind === 'place') return this.judgePlaceInput(op, group, state, acct.id, stream);
    return this.judgeOrderRequest(op, group, state, acct.id);
  }

  /** A refused request: refused for a reason the rules give, and not when they allow it. */
  private judgeRefusal(
    op: Op,
    request: string,
    code: string,
    failed: FailedCheck[],
    events: TradingRecord[],
  ): void {
    const rules = this.rules as VenueRules;
    this.count(VALID_ACCEPTED);
    if (failed.length === 0) {
      this.find(
        VALID_ACCEPTED,
        `${what(op)} was refused ${code}, but every rule of the venue allows it`,
        events,
        [op.step],
      );
      return;
    }
    this.count(REFUSALS_JUSTIFIED);
    const problem = refusalProblem(request, code, failed, rules.precedence);
    if (problem !== undefined)
      this.find(REFUSALS_JUSTIFIED, `${what(op)} was refused ${code}: ${problem}`, events, [op.step]);
  }

  private judgeAcceptance(op: Op, failed: FailedCheck[], events: TradingRecord[]): boolean {
    this.count(VALID_ACCEPTED);
    if (failed.length === 0) return true;
    this.find(
      VALID_ACCEPTED,
      `${what(op)} was accepted although the rules refuse it (${showReasons(failed)})`,
      events,
      [op.step],
    );
    return false;
  }

  private judgePlaceInput(
    op: Op,
    group: Group,
    state: VenueState,
    account: string,
    /** The account's stream. */
    stream: string,
  ): (() => void) | undefined {
    const action = op.action as Extract<TradingAction, { kind: 'place' }>;
    const verdict = judgePlace(state, state.rules.accounts.get(account)!, action);
    if (verdict.unclear !== undefined) {
      this.skip(`requests the rules cannot settle (${verdict.unclear})`);
      return undefined;
    }
    const reply = op.reply as Answered;
    if (reply.status === 'fail') {
      const rejection = group.find((r) => is(r, 'order_rejected'));
      if (rejection !== undefined) {
        const e = rejection.event as unknown as Record<string, unknown>;
        const echo: string[] = [];
        if (typeof action.clientOrderId === 'string' && e.clientOrderId !== action.clientOrderId)
          echo.push(`client order id ${String(e.clientOrderId)} instead of ${action.clientOrderId}`);
        if (typeof action.symbol === 'string' && e.symbol !== action.symbol)
          echo.push(`symbol ${String(e.symbol)} instead of ${action.symbol}`);
        this.count(EVENTS_CONTENT);
        if (echo.length > 0)
          this.find(
            EVENTS_CONTENT,
            `${what(op)}: its rejection names ${echo.join(' and ')}`,
            [rejection],
            [op.step],
          );
      }
      this.judgeRefusal(op, 'place', reply.code, verdict.failed, group.slice(0, 3));
      return undefined;
    }
    const accepted = group.find((r) => r.stream === stream && is(r, 'order_accepted'));
    if (!this.judgeAcceptance(op, verdict.failed, accepted ? [accepted] : group.slice(0, 2)))
      return undefined;
    const order = verdict.order!;
    const result = orderResult(op);
    const orderId = typeof result?.orderId === 'string' ? result.orderId : undefined;
    this.count(EVENTS_CONTENT);
    if (
      accepted === undefined ||
      orderId === undefined ||
      (accepted.event as { orderId?: unknown }).orderId !== orderId
    ) {
      this.find(
        EVENTS_CONTENT,
        `${what(op)} was answered ok (${String(orderId)}), but its input has no order_accepted for that order on account:${account}`,
        group.slice(0, 3),
        [op.step],
      );
      return undefined;
    }
    const inst = state.instrument(action.symbol)!;
    const e = accepted.event as unknown as Record<string, unknown>;
    const wrong: string[] = [];
    const px = e.price === null ? null : toAtoms(e.price as number, inst.priceDecimals);
    if (e.clientOrderId !== action.clientOrderId) wrong.push(`clientOrderId ${String(e.clientOrderId)}`);
    if (e.symbol !== action.symbol) wrong.push(`symbol ${String(e.symbol)}`);
    if (e.side !== order.side) wrong.push(`side ${String(e.side)}`);
    if (e.orderType !== order.orderType) wrong.push(`orderType ${String(e.orderType)}`);
    if (e.tif !== order.tif) wrong.push(`tif ${String(e.tif)} (expected ${order.tif})`);
    if (px !== order.price) wrong.push(`price ${String(e.price)}`);
    if (toAtoms(e.qty as number, inst.qtyDecimals) !== order.qty) wrong.push(`qty ${String(e.qty)}`);
    if (wrong.length > 0)
      this.find(
        EVENTS_CONTENT,
        `${what(op)}: order_accepted of ${orderId} says ${wrong.join(', ')}`,
        [accepted],
        [op.step],
      );

    const taker: Taker = {
      id: orderId,
      account,
      symbol: inst.symbol,
      side: order.side,
      orderType: order.orderType,
      tif: order.tif,
      price: order.price,
      qty: order.qty,
      stp: order.stp,
    };
    const predicted: Outcome =
      order.tif === 'post_only'
        ? { steps: [], filled: 0, end: 'rest', stp: false }
        : predictTake(state, taker);
    return this.compareTake(op, group, state, taker, predicted);
  }

  /**
   * Compares what matching did in an input with what the rules say it must do, once the
   * state has taken the input; then checks the expiry and the reply's result.
   */
  private compareTake(op: Op, group: Group, state: VenueState, taker: Taker, predicted: Outcome) {
    return (): void => {
      const triggered = group.some((r) => r.event.type === 'order_triggered');
      if (predicted.unclear !== undefined) {
        this.skip(`matching the rules cannot settle (${predicted.unclear})`);
      } else if (triggered) {
        // Stops it triggered trade in the same input: the oracle does not model them.
        this.skip('inputs in which stop orders triggered (matching not modelled)');
      } else {
        const actual = actualTake(group, taker.id, state);
        const stp = predicted.stp || actual.steps.some((s) => s.kind === 'stp');
        const invariant = stp ? STP_NAMED_ORDER : MATCHING_HAPPENS;
        this.count(invariant);
        const inst = state.instrument(taker.symbol)!;
        const diff = differ(predicted, actual);
        if (diff) {
          const rule = stp ? stpRule(taker) : matchingRule(taker, predicted);
          this.find(
            invariant,
            `${what(op)}: ${rule}: the rules say ${describe(predicted, taker, inst)}; the venue ${describe(actual, taker, inst)}`,
            group
              .filter((r) =>
                ['fill', 'order_cancelled', 'order_expired', 'order_accepted', 'order_replaced'].includes(
                  r.event.type,
                ),
              )
              .slice(0, 8),
            [op.step],
          );
        }
      }
      this.checkEnd(op, group, state, taker, triggered);
      this.checkResult(op, state, taker.id);
    };
  }

  /** The expiry of an order that may not rest carries the rule's reason and what was left. */
  private checkEnd(op: Op, group: Group, state: VenueState, taker: Taker, triggered: boolean): void {
    const order = state.orders.get(taker.id);
    if (order === undefined) return;
    for (const rec of group) {
      const e = rec.event as unknown as Record<string, unknown>;
      if (e.orderId !== taker.id) continue;
      const inst = state.instrument(taker.symbol)!;
      if (e.type === 'order_expired') {
        this.count(EVENTS_CONTENT);
        const reason = expiryReason(taker.orderType, taker.tif);
        const wrong: string[] = [];
        if (e.reason !== reason) wrong.push(`reason ${JSON.stringify(e.reason)} (the rules say ${reason})`);
        if (toAtoms(e.expiredQty as number, inst.qtyDecimals) !== remaining(order))
          wrong.push(`expiredQty ${String(e.expiredQty)}`);
        if (toAtoms(e.filledQty as number, inst.qtyDecimals) !== order.filled)
          wrong.push(`filledQty ${String(e.filledQty)}`);
        if (wrong.length > 0)
          this.find(
            EVENTS_CONTENT,
            `${what(op)}: the expiry of ${taker.id} says ${wrong.join(', ')}`,
            [rec],
            [op.step],
          );
      } else if (e.type === 'order_cancelled' && e.reason !== 'self_trade') {
        this.count(EVENTS_CONTENT);
        this.find(
          EVENTS_CONTENT,
          `${what(op)}: ${taker.id} was cancelled while it traded, with reason ${JSON.stringify(e.reason)} (only self-trade prevention cancels here: self_trade)`,
          [rec],
          [op.step],
        );
      }
    }
    if (triggered) return;
    for (const rec of group) {
      const e = rec.event as unknown as Record<string, unknown>;
      if (e.type === 'order_cancelled' && e.orderId !== taker.id && e.reason !== 'self_trade') {
        this.count(EVENTS_CONTENT);
        this.find(
          EVENTS_CONTENT,
          `${what(op)}: ${String(e.orderId)} was cancelled with reason ${JSON.stringify(e.reason)} during matching (self-trade prevention cancels with self_trade)`,
          [rec],
          [op.step],
        );
      }
    }
  }

  /** An ok reply describes the order as the record leaves it after the input. */
  private checkResult(op: Op, state: VenueState, orderId: string): void {
    const result = orderResult(op);
    const order = state.orders.get(orderId);
    if (order === undefined) return;
    this.count(EVENTS_CONTENT);
    const inst = state.instrument(order.symbol)!;
    const status = order.open ? (order.filled > 0 ? 'partially_filled' : 'open') : order.status;
    if (result === undefined || (op.reply as { result?: { kind?: unknown } }).result?.kind !== 'order') {
      this.find(EVENTS_CONTENT, `${what(op)} was answered ok without an order result`, [], [op.step]);
      return;
    }
    const wrong: string[] = [];
    if (result.orderId !== order.id) wrong.push(`orderId ${String(result.orderId)}`);
    if (result.clientOrderId !== order.clientOrderId)
      wrong.push(`clientOrderId ${String(result.clientOrderId)}`);
    if (result.status !== status)
      wrong.push(
        `status ${String(result.status)} (${order.id} has filled ${fmt(order.filled, inst.qtyScale)} of ${fmt(order.qty, inst.qtyScale)} and is ${order.open ? 'open' : order.status}: ${status})`,
      );
    const px = result.price === null ? null : toAtoms(result.price as number, inst.priceDecimals);
    if (px !== order.price) wrong.push(`price ${String(result.price)}`);
    if (toAtoms(result.qty as number, inst.qtyDecimals) !== order.qty)
      wrong.push(`qty ${String(result.qty)}`);
    if (toAtoms(result.filledQty as number, inst.qtyDecimals) !== order.filled)
      wrong.push(`filledQty ${String(result.filledQty)}`);
    const left = order.open ? remaining(order) : 0;
    if (toAtoms(result.remainingQty as number, inst.qtyDecimals) !== left)
      wrong.push(`remainingQty ${String(result.remainingQty)}`);
    if (wrong.length > 0)
      this.find(EVENTS_CONTENT, `${what(op)}: the reply's result says ${wrong.join(', ')}`, [], [op.step]);
  }

  /** The first operation of a step (the request a cancel or replace names), indexed once. */
  private opAtStep(step: unknown): Op | undefined {
    if (this.byStep === undefined) {
      this.byStep = new Map();
      for (const op of this.ops) if (!this.byStep.has(op.step)) this.byStep.set(op.step, op);
    }
    // As find with ===: NaN names no step (a Map would find a NaN key).
    return Number.isNaN(step) ? undefined : this.byStep.get(step);
  }

  private byStep: Map<unknown, Op> | undefined;
  /** A state at the configured start, for requests answered without an input. */
  private start: VenueState | undefined;

  /** The ways the request of a cancel or replace may have named its order (see trading-request.ts). */
  private refReadings(op: Op): OrderRef[] {
    const target = (
      op.action as { target?: { step?: unknown; clientOrderId?: unknown; byOrderId?: unknown } }
    ).target;
    if (typeof target?.clientOrderId !== 'string') return [{ none: true }];
    const byCid: OrderRef = { clientOrderId: target.clientOrderId };
    if (target.byOrderId !== true) return [byCid];
    const placed = this.opAtStep(target.step);
    const orderId = placed ? orderResult(placed)?.orderId : undefined;
    if (placed?.completedAt === undefined || typeof orderId !== 'string') return [byCid];
    // The client names the order by id once the place's answer has reached it.
    if (placed.completedAt < op.invokedAt) return [{ orderId }];
    if (placed.completedAt > op.invokedAt) return [byCid];
    return [{ orderId }, byCid];
  }

  private judgeOrderRequest(
    op: Op,
    group: Group,
    state: VenueState,
    account: string,
  ): (() => void) | undefined {
    const kind = kindOf(op) as 'cancel' | 'replace';
    const acct = state.rules.accounts.get(account)!;
    const action = op.action as Extract<TradingAction, { kind: 'replace' }>;
    const readings = this.refReadings(op).map((ref) => ({
      ref,
      verdict: kind === 'cancel' ? judgeCancel(state, acct, ref) : judgeReplace(state, acct, ref, action),
    }));
    const reply = op.reply as Answered;
    const rejection = group.find((r) => is(r, 'order_rejected'));
    const touched = group.find((r) =>
      kind === 'cancel' ? is(r, 'order_cancelled') : is(r, 'order_replaced'),
    );
    const same = (a: (typeof readings)[number], b: (typeof readings)[number]) =>
      a.verdict.order === b.verdict.order &&
      showReasons(a.verdict.failed) === showReasons(b.verdict.failed) &&
      a.verdict.unclear === b.verdict.unclear;
    let chosen = readings[0];
    if (!readings.every((r) => same(r, readings[0]))) {
      // The request's own echo (a rejection) or its effect (the order it acted on) says which.
      const named = readings.find((r) => {
        if (reply.status === 'fail' && rejection !== undefined) {
          const e = rejection.event as { orderId?: unknown; clientOrderId?: unknown };
          return 'orderId' in r.ref
            ? e.orderId === r.ref.orderId
            : 'clientOrderId' in r.ref && e.orderId === undefined && e.clientOrderId === r.ref.clientOrderId;
        }
        return (
          touched !== undefined && r.verdict.order?.id === (touched.event as { orderId?: unknown }).orderId
        );
      });
      if (named === undefined) {
        this.skip(
          'cancels and replaces whose order reference cannot be told (sent in the instant the order id arrived)',
        );
        return undefined;
      }
      chosen = named;
    }
    const verdict = chosen.verdict;
    if (verdict.unclear !== undefined) {
      this.skip(`requests the rules cannot settle (${verdict.unclear})`);
      return undefined;
    }
    if (reply.status === 'fail') {
      if (rejection !== undefined) {
        const e = rejection.event as { orderId?: unknown; clientOrderId?: unknown };
        const echoes = (ref: OrderRef): boolean =>
          'orderId' in ref
            ? e.orderId === ref.orderId
            : 'clientOrderId' in ref
              ? e.clientOrderId === ref.clientOrderId && e.orderId === undefined
              : e.orderId === undefined && e.clientOrderId === undefined;
        // The request was one of the readings; the rejection must name it as it was sent.
        const ok = readings.some((r) => echoes(r.ref));
        const ref = chosen.ref;
        this.count(EVENTS_CONTENT);
        if (!ok)
          this.find(
            EVENTS_CONTENT,
            `${what(op)}: its rejection names ${e.orderId !== undefined ? `order id ${String(e.orderId)}` : `client order id ${String(e.clientOrderId)}`}, but the request named ${describeRef(ref)}`,
            [rejection],
            [op.step],
          );
      }
      this.judgeRefusal(op, kind, reply.code, verdict.failed, group.slice(0, 3));
      return undefined;
    }
    if (!this.judgeAcceptance(op, verdict.failed, touched ? [touched] : group.slice(0, 2))) return undefined;
    const order = verdict.order as ModelOrder;
    const inst = state.instrument(order.symbol)!;
    this.count(EVENTS_CONTENT);
    if (kind === 'cancel') {
      const cancels = group.filter((r) => is(r, 'order_cancelled'));
      const wrong: string[] = [];
      if (cancels.length !== 1 || (cancels[0].event as { orderId?: unknown }).orderId !== order.id)
        wrong.push(
          `it cancelled ${cancels.map((r) => String((r.event as { orderId?: unknown }).orderId)).join(', ') || 'nothing'} instead of ${order.id}`,
        );
      else {
        const e = cancels[0].event as unknown as Record<string, unknown>;
        if (e.reason !== 'user')
          wrong.push(`the cancel's reason is ${JSON.stringify(e.reason)} (the rules say user)`);
        if (toAtoms(e.filledQty as number, inst.qtyDecimals) !== order.filled)
          wrong.push(`filledQty ${String(e.filledQty)}`);
        if (toAtoms(e.cancelledQty as number, inst.qtyDecimals) !== remaining(order))
          wrong.push(`cancelledQty ${String(e.cancelledQty)}`);
      }
      if (wrong.length > 0)
        this.find(EVENTS_CONTENT, `${what(op)} of ${order.id}: ${wrong.join('; ')}`, cancels, [op.step]);
      return () => this.checkResult(op, state, order.id);
    }
    const change = (
      verdict as { change?: { price: number; qty: number; priceChanged: boolean; priorityKept: boolean } }
    ).change!;
    const replaced = touched;
    const wrong: string[] = [];
    if (replaced === undefined || (replaced.event as { orderId?: unknown }).orderId !== order.id)
      wrong.push(`no order_replaced of ${order.id}`);
    else {
      const e = replaced.event as unknown as Record<string, unknown>;
      if (toAtoms(e.price as number, inst.priceDecimals) !== change.price)
        wrong.push(`price ${String(e.price)}`);
      if (toAtoms(e.qty as number, inst.qtyDecimals) !== change.qty) wrong.push(`qty ${String(e.qty)}`);
      if (toAtoms(e.filledQty as number, inst.qtyDecimals) !== order.filled)
        wrong.push(`filledQty ${String(e.filledQty)}`);
      if (toAtoms(e.remainingQty as number, inst.qtyDecimals) !== change.qty - order.filled)
        wrong.push(`remainingQty ${String(e.remainingQty)}`);
      if (e.priorityKept !== change.priorityKept)
        wrong.push(`priorityKept ${String(e.priorityKept)} (the rules say ${change.priorityKept})`);
    }
    if (wrong.length > 0) {
      this.find(
        EVENTS_CONTENT,
        `${what(op)} of ${order.id}: ${wrong.join(', ')}`,
        replaced ? [replaced] : group.slice(0, 2),
        [op.step],
      );
      return undefined;
    }
    const taker: Taker = {
      id: order.id,
      account,
      symbol: order.symbol,
      side: order.side,
      orderType: 'limit',
      tif: order.tif,
      price: change.price,
      qty: change.qty,
      stp: order.stp,
    };
    // Only a new price can cross (a resting order never does), and a post-only one may not.
    const predicted: Outcome =
      change.priceChanged && order.tif !== 'post_only'
        ? predictTake(state, taker, order.filled)
        : { steps: [], filled: 0, end: 'rest', stp: false };
    return this.compareTake(op, group, state, taker, predicted);
  }

  private judgeCancelAllInput(
    op: Op,
    group: Group,
    state: VenueState,
    account: string,
  ): (() => void) | undefined {
    const symbol = (op.action as { symbol?: unknown }).symbol;
    const reply = op.reply as Answered;
    if (symbol !== undefined && state.instrument(symbol) === undefined) {
      this.count(VALID_ACCEPTED);
      if (reply.status === 'ok')
        this.find(
          VALID_ACCEPTED,
          `${what(op)} was accepted although ${String(symbol)} is no instrument (unknown_symbol)`,
          group.slice(0, 2),
          [op.step],
        );
      return undefined;
    }
    if (reply.status !== 'ok') {
      this.judgeRefusal(op, 'cancel_all', reply.code, [], group.slice(0, 2));
      return undefined;
    }
    this.count(VALID_ACCEPTED);
    if (state.hasPending(account, typeof symbol === 'string' ? symbol : undefined)) {
      this.skip('cancel-alls of accounts with stop orders waiting (not modelled)');
      return undefined;
    }
    this.count(EVENTS_CONTENT);
    const targets = state.openOrders(account, typeof symbol === 'string' ? symbol : undefined);
    const cancels = group.filter((r) => is(r, 'order_cancelled'));
    const got = cancels.map((r) => String((r.event as { orderId?: unknown }).orderId));
    const want = targets.map((o) => o.id);
    const wrong: string[] = [];
    if (got.join(',') !== want.join(','))
      wrong.push(
        `it cancelled ${got.join(', ') || 'nothing'}; the rules say ${want.join(', ') || 'nothing'}, in order`,
      );
    const reasons = cancels.filter((r) => (r.event as { reason?: unknown }).reason !== 'cancel_all');
    if (reasons.length > 0)
      wrong.push(
        `cancels with reason ${reasons.map((r) => JSON.stringify((r.event as { reason?: unknown }).reason)).join(', ')} (the rules say cancel_all)`,
      );
    for (const rec of cancels) {
      const e = rec.event as unknown as Record<string, unknown>;
      const order = state.orders.get(String(e.orderId));
      const inst = order ? state.instrument(order.symbol) : undefined;
      if (order === undefined || inst === undefined) continue;
      if (toAtoms(e.cancelledQty as number, inst.qtyDecimals) !== remaining(order))
        wrong.push(`${order.id} cancelledQty ${String(e.cancelledQty)}`);
    }
    const result = reply.result as { kind?: unknown; cancelled?: unknown } | null;
    if (result?.kind !== 'cancel_all' || result.cancelled !== got.length)
      wrong.push(`the reply says ${JSON.stringify(result)} for ${got.length} cancelled`);
    if (wrong.length > 0)
      this.find(EVENTS_CONTENT, `${what(op)}: ${wrong.join('; ')}`, cancels.slice(0, 6), [op.step]);
    return undefined;
  }

  private judgeMarkInput(op: Op, group: Group, state: VenueState): (() => void) | undefined {
    const action = op.action as Extract<TradingAction, { kind: 'set_mark' }>;
    const verdict = judgeSetMark(state, action.symbol, action.price);
    if (verdict.unclear !== undefined) {
      this.skip(`requests the rules cannot settle (${verdict.unclear})`);
      return undefined;
    }
    const reply = op.reply as Answered;
    if (reply.status !== 'ok') {
      this.judgeRefusal(op, 'set_mark', reply.code, verdict.failed, group.slice(0, 2));
      return undefined;
    }
    if (!this.judgeAcceptance(op, verdict.failed, group.slice(0, 2))) return undefined;
    const inst = state.instrument(action.symbol)!;
    const mark = verdict.mark as number;
    const band = bandEdges(mark, inst.bandPct, inst.tick);
    if (state.hasPending(undefined, inst.symbol)) {
      this.skip('mark moves on symbols with stop orders waiting (not modelled)');
      return undefined;
    }
    this.count(EVENTS_CONTENT);
    const wrong: string[] = [];
    const markEvent = group.find((r) => r.stream === `market:${inst.symbol}` && is(r, 'mark_price'));
    if (markEvent === undefined) wrong.push(`no mark_price on market:${inst.symbol}`);
    else if (toAtoms((markEvent.event as { price: number }).price, inst.priceDecimals) !== mark)
      wrong.push(`mark_price says ${String((markEvent.event as { price?: unknown }).price)}`);
    const want = outsideBand(state, inst.symbol, band).map((o) => o.id);
    const cancels = group.filter((r) => is(r, 'order_cancelled'));
    const got = cancels.map((r) => String((r.event as { orderId?: unknown }).orderId));
    if (got.join(',') !== want.join(','))
      wrong.push(
        `it cancelled ${got.join(', ') || 'nothing'}; the new band [${fmt(band.low, inst.priceScale)}, ${fmt(band.high, inst.priceScale)}] leaves out ${want.join(', ') || 'nothing'}, in order`,
      );
    const reasons = cancels.filter((r) => (r.event as { reason?: unknown }).reason !== 'band');
    if (reasons.length > 0)
      wrong.push(
        `cancels with reason ${reasons.map((r) => JSON.stringify((r.event as { reason?: unknown }).reason)).join(', ')} (the rules say band)`,
      );
    const result = reply.result as { kind?: unknown; symbol?: unknown; price?: unknown } | null;
    if (
      result?.kind !== 'mark' ||
      result.symbol !== inst.symbol ||
      toAtoms(result.price as number, inst.priceDecimals) !== mark
    )
      wrong.push(`the reply says ${JSON.stringify(result)}`);
    if (wrong.length > 0)
      this.find(EVENTS_CONTENT, `${what(op)}: ${wrong.join('; ')}`, [markEvent, ...cancels].slice(0, 6), [
        op.step,
      ]);
    return undefined;
  }

  // ---------------------------------------------------------------- requests without an input

  /** Answers that came with no input: a refused set_mark or cancel_all, a cancel-all with nothing to do. */
  private judgeWithoutInput(op: Op, complete: boolean, timeline: { txn: number; open: Set<string> }[]): void {
    const kind = kindOf(op);
    const rules = this.rules as VenueRules;
    const reply = op.reply as Answered;
    // The configured start (only its instruments are read: nothing here changes it).
    this.start ??= new VenueState(rules);
    const state = this.start;
    if (kind === 'set_mark') {
      const action = op.action as Extract<TradingAction, { kind: 'set_mark' }>;
      const verdict = judgeSetMark(state, action.symbol, action.price);
      if (verdict.unclear !== undefined) {
        this.skip(`requests the rules cannot settle (${verdict.unclear})`);
        return;
      }
      if (reply.status === 'fail') {
        this.judgeRefusal(op, 'set_mark', reply.code, verdict.failed, []);
        return;
      }
      this.count(EVENTS_CONTENT);
      this.find(
        EVENTS_CONTENT,
        `${what(op)} was answered ok without an input (no txn): a mark that moved emits mark_price`,
        [],
        [op.step],
      );
      return;
    }
    if (kind === 'cancel_all') {
      const symbol = (op.action as { symbol?: unknown }).symbol;
      const unknown = symbol !== undefined && state.instrument(symbol) === undefined;
      if (reply.status === 'fail') {
        this.judgeRefusal(
          op,
          'cancel_all',
          reply.code,
          unknown ? [{ check: 'unknown_symbol', reasons: ['unknown_symbol'] }] : [],
          [],
        );
        return;
      }
      this.count(VALID_ACCEPTED);
      if (unknown) {
        this.find(
          VALID_ACCEPTED,
          `${what(op)} was accepted although ${String(symbol)} is no instrument (unknown_symbol)`,
          [],
          [op.step],
        );
        return;
      }
      const cancelled = (reply.result as { cancelled?: unknown } | null)?.cancelled;
      this.count(EVENTS_CONTENT);
      if (cancelled !== 0) {
        this.find(
          EVENTS_CONTENT,
          `${what(op)} says it cancelled ${String(cancelled)} but had no input (no txn, no events)`,
          [],
          [op.step],
        );
        return;
      }
      if (!complete) {
        this.skip('cancel-alls with nothing cancelled, once the record is incomplete');
        return;
      }
      // It took effect after every input its client had seen before sending it. If the account
      // had open orders in every state from there on, nothing to cancel is impossible.
      const account = this.accountOf(op.client);
      let seen = 0;
      for (const rec of eventsByClient(this.evidence.events ?? []).get(op.client) ?? []) {
        if (rec.time < op.invokedAt && typeof rec.txn === 'number') seen = Math.max(seen, rec.txn);
      }
      let from = 0;
      for (let i = 0; i < timeline.length; i++) if (timeline[i].txn <= seen) from = i;
      const key = `${account}|${typeof symbol === 'string' ? symbol : '*'}`;
      if (timeline.slice(from).every((s) => s.open.has(key)))
        this.find(
          EVENTS_CONTENT,
          `${what(op)} answered cancelled: 0 with no input, but ${account} had open orders${typeof symbol === 'string' ? ` on ${symbol}` : ''} in every state of the venue from txn ${timeline[from].txn} (the last its client had seen) to the end of the run`,
          [],
          [op.step],
        );
      return;
    }
    this.skip('requests answered without a txn (refused before the engine)');
  }

  // ---------------------------------------------------------------- every input

  /**
   * Cancel and expiry reasons are non-empty and from the documented sets, on every event (and
   * the accounts the admin follows, in the same pass).
   */
  private checkReasonNames(): void {
    const cancel = CANCEL_REASON_SET;
    const expire = EXPIRE_REASON_SET;
    for (const rec of adminRecord(this.evidence.events ?? [])) {
      // The accounts the admin follows, read on the way (checkPositions needs them).
      const stream = rec.stream;
      if (stream.startsWith('account:') && !this.followedStreams.has(stream)) {
        this.followedStreams.add(stream);
        this.followed.add(stream.slice(8));
      }
      const e = rec.event as unknown as Record<string, unknown>;
      if (e.type === 'order_cancelled' && !cancel.has(e.reason as string)) {
        this.count(EVENTS_CONTENT);
        this.find(
          EVENTS_CONTENT,
          `order_cancelled of ${String(e.orderId)} has reason ${JSON.stringify(e.reason)}, none of ${[...cancel].join(', ')}`,
          [rec],
          [],
        );
      } else if (e.type === 'order_expired' && !expire.has(e.reason as string)) {
        this.count(EVENTS_CONTENT);
        this.find(
          EVENTS_CONTENT,
          `order_expired of ${String(e.orderId)} has reason ${JSON.stringify(e.reason)}, none of ${[...expire].join(', ')}`,
          [rec],
          [],
        );
      }
    }
  }

  /** The final snapshot's open orders: partially_filled exactly when something is filled. */
  private checkSnapshotStatuses(): void {
    const orders = (this.evidence.snapshot as { orders?: unknown } | undefined)?.orders;
    if (!Array.isArray(orders)) return;
    for (const o of orders) {
      if (typeof o?.filledQty !== 'number') continue;
      const want = o.filledQty > 0 ? 'partially_filled' : 'open';
      this.count(EVENTS_CONTENT);
      if (o.status !== want)
        this.find(
          EVENTS_CONTENT,
          `the final snapshot shows ${String(o.orderId)} ${String(o.status)} with ${o.filledQty} of ${String(o.qty)} filled: an open order is ${want}`,
          [],
          [],
        );
    }
  }

  /** Each fill says the order's filled and remaining quantity right after it. */
  private checkFills(group: Group, state: VenueState): void {
    // Only fills are checked: an input without any has nothing to say.
    if (!group.some((r) => is(r, 'fill'))) return;
    // Quantities as the input leaves them before its fills: accepted here, or replaced here.
    const totals = new Map<string, { symbol: string; qty: number; filled: number }>();
    for (const rec of group) {
      const e = rec.event as unknown as Record<string, unknown>;
      const id = e.orderId as string;
      if (e.type === 'order_accepted') {
        const inst = state.instrument(e.symbol);
        if (inst)
          totals.set(id, { symbol: inst.symbol, qty: toAtoms(e.qty as number, inst.qtyDecimals), filled: 0 });
      } else if (e.type === 'order_replaced') {
        const order = state.orders.get(id);
        const inst = order ? state.instrument(order.symbol) : undefined;
        if (order && inst)
          totals.set(id, {
            symbol: inst.symbol,
            qty: toAtoms(e.qty as number, inst.qtyDecimals),
            filled: order.filled,
          });
      }
    }
    for (const rec of group) {
      if (!is(rec, 'fill')) continue;
      const e = rec.event;
      const order = state.orders.get(e.orderId);
      const total =
        totals.get(e.orderId) ??
        (order ? { symbol: order.symbol, qty: order.qty, filled: order.filled } : undefined);
      const inst = total ? state.instrument(total.symbol) : undefined;
      if (total === undefined || inst === undefined) continue;
      total.filled += toAtoms(e.qty, inst.qtyDecimals);
      totals.set(e.orderId, total);
      this.count(EVENTS_CONTENT);
      const wrong: string[] = [];
      if (toAtoms(e.filledQty, inst.qtyDecimals) !== total.filled)
        wrong.push(`filledQty ${e.filledQty} (the fills add up to ${fmt(total.filled, inst.qtyScale)})`);
      if (toAtoms(e.remainingQty, inst.qtyDecimals) !== total.qty - total.filled)
        wrong.push(`remainingQty ${e.remainingQty} (${fmt(total.qty - total.filled, inst.qtyScale)} left)`);
      if (wrong.length > 0)
        this.find(EVENTS_CONTENT, `fill ${e.tradeId} of ${e.orderId}: ${wrong.join(', ')}`, [rec], []);
    }
  }

  /**
   * Position events come exactly when a position changes, or when the mark of a symbol the
   * account holds moves (set_mark), and say the new position and mark.
   */
  private checkPositions(group: Group, state: VenueState): void {
    // Only fills, position events and marks say anything about positions (and not after a reset).
    let relevant = false;
    for (const rec of group) {
      const type = rec.event.type;
      if (type === 'reset') return;
      if (type === 'fill' || type === 'position' || type === 'mark_price') relevant = true;
    }
    if (!relevant) return;
    // Per account|symbol: the net the fills moved it by, and the position events sent.
    const moved = new Map<string, number>();
    const sent = new Map<string, TradingRecord[]>();
    const marked = new Set<string>();
    for (const rec of group) {
      const e = rec.event as unknown as Record<string, unknown>;
      if (e.type === 'mark_price') marked.add(rec.stream.slice(7));
      if (e.type !== 'fill' && e.type !== 'position') continue;
      if (!rec.stream.startsWith('account:')) continue;
      const key = `${rec.stream.slice(8)}|${String(e.symbol)}`;
      if (e.type === 'fill') {
        const inst = state.instrument(e.symbol);
        if (inst === undefined) continue;
        const qty = toAtoms(e.qty as number, inst.qtyDecimals) * (e.side === 'sell' ? -1 : 1);
        moved.set(key, (moved.get(key) ?? 0) + qty);
      } else {
        const list = sent.get(key);
        if (list === undefined) sent.set(key, [rec]);
        else list.push(rec);
      }
    }
    // Nothing moved, sent or marked: nothing to say about positions in this input.
    if (moved.size === 0 && sent.size === 0 && marked.size === 0) return;
    const keys = new Set<string>(moved.keys());
    for (const key of sent.keys()) keys.add(key);
    for (const symbol of marked) {
      for (const acct of state.accounts.values())
        if (state.position(acct.id, symbol) !== 0) keys.add(`${acct.id}|${symbol}`);
    }
    const txn = group[0].txn;
    for (const key of keys) {
      const bar = key.indexOf('|');
      const account = key.slice(0, bar);
      const inst = state.instrument(key.slice(bar + 1));
      if (inst === undefined || !this.followed.has(account)) continue;
      const pos = state.position(account, inst.symbol);
      const changed = (moved.get(key) ?? 0) !== 0;
      const expected = changed || (marked.has(inst.symbol) && pos !== 0);
      const events = sent.get(key) ?? [];
      this.count(EVENTS_CONTENT);
      // Fills that net to nothing (an account on both sides of one input, as triggered stops
      // can make it) moved the position and back: one event is as right as none.
      if (!expected && moved.has(key) && events.length <= 1) continue;
      if (!expected) {
        this.find(
          EVENTS_CONTENT,
          `txn ${txn}: position event for ${account} on ${inst.symbol} although neither its position nor the mark changed`,
          events,
          [],
        );
        continue;
      }
      if (events.length !== 1) {
        this.find(
          EVENTS_CONTENT,
          `txn ${txn}: ${events.length} position events for ${account} on ${inst.symbol}, whose ${changed ? 'position changed' : 'mark moved'}: the rules say one`,
          events.length > 0 ? events : group.slice(0, 2),
          [],
        );
        continue;
      }
      const e = events[0].event as { qty: number; markPrice: number };
      const wrong: string[] = [];
      if (toAtoms(e.qty, inst.qtyDecimals) !== pos)
        wrong.push(`qty ${e.qty} (the fills make it ${fmt(pos, inst.qtyScale)})`);
      if (toAtoms(e.markPrice, inst.priceDecimals) !== state.mark(inst.symbol))
        wrong.push(`markPrice ${e.markPrice}`);
      if (wrong.length > 0)
        this.find(
          EVENTS_CONTENT,
          `txn ${txn}: position of ${account} on ${inst.symbol} says ${wrong.join(', ')}`,
          events,
          [],
        );
    }
    for (const rec of group) {
      if (!is(rec, 'mark_price')) continue;
      const inst = state.instrument(rec.stream.slice(7));
      if (inst === undefined) continue;
      const band = bandEdges(state.mark(inst.symbol), inst.bandPct, inst.tick);
      const e = rec.event;
      this.count(EVENTS_CONTENT);
      if (
        toAtoms(e.bandLow, inst.priceDecimals) !== band.low ||
        toAtoms(e.bandHigh, inst.priceDecimals) !== band.high
      )
        this.find(
          EVENTS_CONTENT,
          `mark_price ${e.price} of ${inst.symbol} announces the band [${e.bandLow}, ${e.bandHigh}]; bandPct ${inst.bandPct} on the tick grid makes it [${fmt(band.low, inst.priceScale)}, ${fmt(band.high, inst.priceScale)}]`,
          [rec],
          [],
        );
    }
  }
}

// ---------------------------------------------------------------- outcomes

const fmt = (atoms: number, scale: number): string => String(atoms / scale);

/** What the record shows matching did for one taker in one input. */
function actualTake(group: Group, takerId: string, state: VenueState): Outcome {
  const steps: Step[] = [];
  let filled = 0;
  let end: Outcome['end'] = 'rest';
  const order = state.orders.get(takerId);
  const inst = order ? state.instrument(order.symbol) : undefined;
  for (const rec of group) {
    const e = rec.event as unknown as Record<string, unknown>;
    if (e.type === 'fill' && e.orderId === takerId && inst !== undefined) {
      const maker = group.find(
        (r) => is(r, 'fill') && r.event.tradeId === e.tradeId && r.event.orderId !== takerId,
      );
      const qty = toAtoms(e.qty as number, inst.qtyDecimals);
      steps.push({
        kind: 'trade',
        maker: maker ? String((maker.event as { orderId?: unknown }).orderId) : '?',
        qty,
        price: toAtoms(e.price as number, inst.priceDecimals),
      });
      filled += qty;
    } else if (e.type === 'order_cancelled') {
      steps.push({ kind: 'stp', order: String(e.orderId) });
      if (e.orderId === takerId) end = 'cancelled';
    } else if (e.type === 'order_expired' && e.orderId === takerId) end = 'expired';
  }
  if (end === 'rest' && order !== undefined && !order.open && order.status === 'filled') end = 'filled';
  return { steps, filled, end, stp: false };
}

function differ(a: Outcome, b: Outcome): boolean {
  if (a.end !== b.end || a.steps.length !== b.steps.length) return true;
  return a.steps.some((s, i) => {
    const t = b.steps[i];
    if (s.kind !== t.kind) return true;
    if (s.kind === 'stp') return s.order !== (t as typeof s).order;
    const u = t as typeof s;
    return s.maker !== u.maker || s.qty !== u.qty || s.price !== u.price;
  });
}

function describe(o: Outcome, taker: Taker, inst: { qtyScale: number; priceScale: number }): string {
  const parts = o.steps.map((s) =>
    s.kind === 'trade'
      ? `trade ${fmt(s.qty, inst.qtyScale)} with ${s.maker} @ ${fmt(s.price, inst.priceScale)}`
      : s.order === taker.id
        ? `cancel the taker ${s.order}`
        : `cancel ${s.order}`,
  );
  const end =
    o.end === 'filled'
      ? 'filled'
      : o.end === 'rest'
        ? `rest${o.filled > 0 || parts.length > 0 ? ` what is left` : ''}`
        : o.end === 'expired'
          ? `expire${o.filled === 0 ? ' with nothing traded' : ''}`
          : 'cancelled';
  return `${parts.length === 0 ? 'no trade' : parts.join(', ')}, then ${end}`;
}

function matchingRule(taker: Taker, predicted: Outcome): string {
  if (taker.tif === 'fok')
    return predicted.end === 'expired'
      ? 'a fok the book cannot cover expires untouched'
      : 'a fok the book can cover fills';
  if (taker.orderType === 'market' || taker.tif === 'ioc')
    return 'an ioc or market order takes what it can reach and expires the rest';
  if (predicted.steps.length === 0) return 'a limit order that does not cross rests';
  return 'a crossing order trades against the resting liquidity it can reach, best price first, oldest first';
}

function stpRule(taker: Taker): string {
  switch (taker.stp) {
    case 'cancel_newest':
      return 'cancel_newest cancels the taker on reaching its own resting order, which stays';
    case 'cancel_oldest':
      return 'cancel_oldest cancels the own resting order and the taker goes on';
    case 'cancel_both':
      return 'cancel_both cancels the own resting order, then the taker';
    default:
      return 'self-trade prevention cancels the order its mode names';
  }
}

/**
 * One of the oracle's invariants: its findings in a run, with its scope (how many things it
 * judged, and the requests it left out because the run did not let it judge them exactly).
 */
export function oracleInvariant(
  name: string,
  description: string,
  needs: readonly TradingCapability[],
): ScopedInvariant {
  const invariant = scopedInvariant(name, description, (evidence: TradingEvidence): Inspection => {
    const report = oracleReport(evidence);
    const violations = report.findings
      .filter((f) => f.invariant === name)
      .map((f) => violation(name, f.message, f.events, f.steps));
    return {
      violations,
      scope: {
        checked: report.checked.get(name) ?? 0,
        skipped: [...report.skipped].map(([reason, n]) => `${n} ${reason}`),
      },
    };
  });
  return { ...invariant, needs, counts: 'requests and events judged' };
}
