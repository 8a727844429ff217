import * as fc from 'fast-check';
import { type ValueDifference, valueDifferences } from '../../core/diff/value-differences.ts';
import type { RecordedEvent } from '../../core/model/evidence.ts';
import type { Property, PropertySettings } from '../../core/model/property.ts';
import { executeRun } from '../../core/runner/execute-run.ts';
import type { BotAction } from './bot-action.ts';
import { BOTS_CLIENTS } from './bot-action.ts';
import type { BotEvent, BotsSnapshot } from './bot-event.ts';
import { botsProjection } from './bots-projection.ts';
import { inprocSubjectFactory } from './inproc-subject-factory.ts';
import type { SubjectFactory } from './subject.ts';
import { type ComparedState, comparedState } from './subject-convergence.ts';

/** One side of a differential run: a subject implementation and how to start it. */
export interface SubjectUnderDiff {
  name: string;
  factory: SubjectFactory;
  bugs?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
}

/** An order request as compared between implementations: what it asks, not what it is called. */
export type ComparedOrder =
  | { type: 'place'; side: string; price: unknown; qty: unknown; symbol: string; clientOrderId?: string }
  | { type: 'cancel'; clientOrderId?: string }
  | { type: 'cancel_all'; symbol?: string };

/** Where two subjects first part ways on one sequence. */
export interface SubjectDivergence {
  /** `orders`: the requests they sent differ at `index`; `state`: their final beliefs differ. */
  kind: 'orders' | 'state';
  index?: number;
  left: unknown;
  right: unknown;
  /** For `state`: the first differing field. */
  field?: ValueDifference;
  message: string;
}

export interface SubjectDiffRun {
  actions: BotAction[];
  left: { orders: ComparedOrder[]; state: ComparedState | null };
  right: { orders: ComparedOrder[]; state: ComparedState | null };
  divergence?: SubjectDivergence;
}

export interface SubjectDiffOptions {
  /** Compare client order ids too (two implementations usually name orders differently). */
  compareIds?: boolean;
  settings?: Partial<PropertySettings>;
  seed?: number;
}

const SETTINGS: PropertySettings = { maxActions: 30, requestTimeoutMs: 2000, quietMs: 150 };

/** The order requests a subject sent, in order, as compared. */
export function ordersSent(events: readonly RecordedEvent<unknown>[], compareIds = false): ComparedOrder[] {
  const out: ComparedOrder[] = [];
  for (const record of events) {
    const event = record.event as BotEvent | undefined;
    if (record.client !== 'subject' || (event?.type !== 'sent' && event?.type !== 'mode_refused')) continue;
    const r = event.request;
    const id = (clientOrderId: string | undefined) =>
      compareIds && clientOrderId !== undefined ? { clientOrderId } : {};
    if (r.type === 'place')
      out.push({
        type: 'place',
        side: r.side,
        price: r.price,
        qty: r.qty,
        symbol: r.symbol,
        ...id(r.clientOrderId),
      });
    else if (r.type === 'cancel') out.push({ type: 'cancel', ...id(r.clientOrderId) });
    else if (r.type === 'cancel_all')
      out.push({ type: 'cancel_all', ...(r.symbol === undefined ? {} : { symbol: r.symbol }) });
  }
  return out;
}

/**
 * Runs two subjects on the same action sequence, each on its own fresh venue in process, and
 * compares the orders they sent (in order) and their final beliefs: seed 002's two engines in
 * shadow mode. The first difference is the divergence.
 */
export async function diffSubjectsOnce(
  left: SubjectUnderDiff,
  right: SubjectUnderDiff,
  actions: readonly BotAction[],
  options: SubjectDiffOptions = {},
): Promise<SubjectDiffRun> {
  const run = async (side: SubjectUnderDiff) => {
    const factory = inprocSubjectFactory({
      factory: side.factory,
      name: side.name,
      bugs: side.bugs ?? [],
      env: side.env ?? {},
      seed: options.seed ?? 0,
    });
    const report = await executeRun(factory as never, actions, {
      clients: BOTS_CLIENTS,
      projection: botsProjection as never,
      invariants: [],
      settings: { ...SETTINGS, ...options.settings },
    });
    const snapshot = report.evidence.snapshot as BotsSnapshot | undefined;
    return {
      orders: ordersSent(report.evidence.events, options.compareIds === true),
      state: snapshot?.subject ? comparedState(snapshot.subject) : null,
    };
  };
  const a = await run(left);
  const b = await run(right);
  const result: SubjectDiffRun = { actions: [...actions], left: a, right: b };
  const n = Math.max(a.orders.length, b.orders.length);
  for (let i = 0; i < n; i++) {
    const x = a.orders[i];
    const y = b.orders[i];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    result.divergence = {
      kind: 'orders',
      index: i,
      left: x,
      right: y,
      message: `order request ${i + 1} differs: ${left.name} sent ${x === undefined ? 'nothing' : JSON.stringify(x)}, ${right.name} ${y === undefined ? 'nothing' : JSON.stringify(y)}`,
    };
    return result;
  }
  const differences = valueDifferences(a.state, b.state, 1);
  if (differences.length > 0) {
    const field = differences[0];
    result.divergence = {
      kind: 'state',
      left: a.state,
      right: b.state,
      field,
      message: `final state differs at ${field.path || 'the state'}: ${left.name} ${JSON.stringify(field.left)}, ${right.name} ${JSON.stringify(field.right)}`,
    };
  }
  return result;
}

export interface SubjectDiffCampaign {
  runs: number;
  /** The first divergence found, shrunk to the fewest actions that still diverge. */
  divergence?: SubjectDiffRun;
  shrinks: number;
}

/**
 * `shakedown diff --subject A --against-subject B`: generates sequences from a bots property
 * with a seed, runs both subjects on each, and shrinks the first sequence on which they
 * diverge (fast-check), so the report is the smallest input that tells them apart.
 */
export async function diffSubjects(
  left: SubjectUnderDiff,
  right: SubjectUnderDiff,
  options: SubjectDiffOptions & {
    property: Property<BotAction>;
    seed: number;
    runs: number;
    maxActions?: number;
  },
): Promise<SubjectDiffCampaign> {
  const settings = { ...SETTINGS, ...options.property.settings, ...options.settings };
  const arbitrary = options.property.actions({
    seed: options.seed,
    maxActions: options.maxActions ?? settings.maxActions,
    faults: [],
  });
  let last: SubjectDiffRun | undefined;
  const outcome = await fc.check(
    fc.asyncProperty(arbitrary, async (actions) => {
      const run = await diffSubjectsOnce(left, right, actions, { ...options, settings });
      if (run.divergence) last = run;
      return run.divergence === undefined;
    }),
    { seed: options.seed, numRuns: options.runs, endOnFailure: false },
  );
  if (!outcome.failed || outcome.counterexample === null) return { runs: outcome.numRuns, shrinks: 0 };
  const [shrunk] = outcome.counterexample;
  const divergence = await diffSubjectsOnce(left, right, shrunk, { ...options, settings });
  return {
    runs: outcome.numRuns,
    shrinks: outcome.numShrinks,
    divergence: divergence.divergence ? divergence : last,
  };
}
