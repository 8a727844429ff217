import { fileURLToPath } from 'node:url';
import { BOTS_INVARIANTS, type BotsEvidence } from '../../../../../invariants/bots/index.ts';
import type { FaultKind } from '../../../../../src/core/faults/fault.ts';
import type { RunEvidence } from '../../../../../src/core/model/evidence.ts';
import type { Invariant, Violation } from '../../../../../src/core/model/invariant.ts';
import type { Property } from '../../../../../src/core/model/property.ts';
import { type CampaignResult, runCampaign } from '../../../../../src/core/runner/campaign.ts';
import { LanePool } from '../../../../../src/core/runner/lane-pool.ts';
import { BOTS_CLIENTS, type BotAction } from '../../../../../src/domains/bots/bot-action.ts';
import { botsProjection } from '../../../../../src/domains/bots/bots-projection.ts';
import { processSubjectFactory } from '../../../../../src/domains/bots/process/process-subject-factory.ts';
import type { SubjectProcessRecord } from '../../../../../src/domains/bots/process/subject-process.ts';

export const REPO = fileURLToPath(new URL('../../../../../', import.meta.url));

/**
 * A backstop, not a bound the tests rely on: run counts decide how much a campaign does. The
 * test's own timeout sits above it.
 */
export const BACKSTOP_MS = 240_000;
export const TEST_TIMEOUT_MS = BACKSTOP_MS + 60_000;

/** What the runs of a campaign did to the subject's processes, added up. */
export interface ProcessTally {
  runs: number;
  starts: number;
  kills: number;
  /** Each run's problems on the control channel, flattened. */
  problems: SubjectProcessRecord['problems'];
  /**
   * The violations of the first failing run judged, as the invariants reported them. On lanes
   * the runs are judged as they complete, so this is the first failure to complete, which may
   * be a later run of the generation order than the campaign's `failure` (it fails all the same).
   */
  firstFailure: Violation[] | undefined;
  /**
   * Every run's evidence (shrink runs included), in the order the runs were judged: generation
   * order one run at a time, completion order on lanes (runs after the first failure included,
   * which the campaign drops). Sum or flatten it; do not read an order into it.
   */
  evidence: BotsEvidence[];
}

export interface ProcessCampaign {
  command: string;
  property: Property<BotAction>;
  runs: number;
  seed: number;
  bugs?: readonly string[];
  faults?: readonly FaultKind[];
  /** Invariants to check (every bots invariant by default). */
  invariants?: readonly string[];
  /** Shrink candidates (a count): few, each is a real run of the process. */
  shrinkAttempts?: number;
  /**
   * Runs of the exploring phase at once, each on a lane of its own (LanePool); 1 (the default)
   * runs them one at a time. Every run has its own venue, proxy, relay, state directory and
   * process whichever lane it is on (createProcessSubjectTarget), and the pool folds the runs in
   * generation order, so a seed finds what it finds one at a time. Shrinking stays sequential.
   */
  lanes?: number;
}

/**
 * A campaign of `property` against a subject run as a process, every run on the real clock,
 * with the bots invariants; what each run did to the process is tallied from its evidence.
 * `peak` is the most runs that were in flight at once (1 without lanes).
 */
export async function runProcessCampaign(
  c: ProcessCampaign,
): Promise<{ result: CampaignResult<BotAction>; tally: ProcessTally; peak: number }> {
  const tally: ProcessTally = {
    runs: 0,
    starts: 0,
    kills: 0,
    problems: [],
    firstFailure: undefined,
    evidence: [],
  };
  const chosen = new Set(c.invariants ?? BOTS_INVARIANTS.map((i) => i.name));
  // One extra check reads each run's process record (and says nothing about the run).
  const recorder: Invariant = {
    name: 'test.process-record',
    description: 'tallies what the run did to the subject process',
    check(evidence: RunEvidence) {
      const record = (evidence.extra as { process?: SubjectProcessRecord }).process;
      tally.runs++;
      tally.evidence.push(evidence as BotsEvidence);
      if (record !== undefined) {
        tally.starts += record.starts;
        tally.kills += record.kills;
        tally.problems.push(...record.problems);
      }
      return [];
    },
  };
  const watched = BOTS_INVARIANTS.filter((i) => chosen.has(i.name)).map((i) => ({
    ...i,
    check: (evidence: never, counter?: Parameters<Invariant['check']>[1]) => {
      const found = i.check(evidence, counter);
      if (found.length > 0 && tally.firstFailure === undefined) tally.firstFailure = found;
      return found;
    },
  }));
  const property: Property<BotAction> = {
    ...c.property,
    invariants: [...chosen, recorder.name],
    sometimes: undefined,
  };
  const options = { bugs: c.bugs ?? [], seed: c.seed, faults: c.faults ?? [] };
  const tuning = { cwd: REPO, env: { ...process.env, GRID_BOT_BUGS: '' } };
  const spec = { kind: 'command', command: c.command } as const;
  const invariants = [...(watched as Invariant[]), recorder];
  // Each lane builds a factory of its own; each of its runs then starts a venue, a proxy and a
  // relay of its own on 127.0.0.1 port 0 and a fresh state directory, so no two runs share any.
  const lanes = c.lanes ?? 1;
  const pool =
    lanes > 1
      ? new LanePool<BotAction>({
          lanes,
          laneFactory: () => processSubjectFactory(spec, options, tuning) as never,
          clients: BOTS_CLIENTS,
          projection: botsProjection as never,
          invariants,
        })
      : undefined;
  try {
    const result = await runCampaign<BotAction>({
      properties: [property],
      invariants,
      projection: botsProjection as never,
      clients: BOTS_CLIENTS,
      factory: processSubjectFactory(spec, options, tuning) as never,
      seed: c.seed,
      runs: c.runs,
      timeBudgetMs: BACKSTOP_MS,
      shrinkAttempts: c.shrinkAttempts ?? 3,
      ...(c.faults === undefined ? {} : { faults: c.faults }),
      now: () => performance.now(),
      ...(pool === undefined ? {} : { pool }),
    });
    return { result, tally, peak: pool?.peakInFlight() ?? 1 };
  } finally {
    await pool?.close();
  }
}

/** A retry of a request the venue answered 429, sent before its retry-after had passed. */
export interface EarlyRetry {
  request: string;
  afterMs: number;
  retryAfterMs: number;
}

/**
 * The retries of rate-limited requests (`judged`), and those the subject sent too early. Unlike a send of
 * another request (which may have crossed the 429 on the wire, WIRE_SKEW_MS), a retry of the
 * very request answered cannot have been written before its answer was read: the test's exact
 * oracle for the 429 rule over a real socket.
 */
export function retriesAfter429(evidence: BotsEvidence): { judged: number; early: EarlyRetry[] } {
  const early: EarlyRetry[] = [];
  let judged = 0;
  const sent = new Map<string, { type: string; key: string }>();
  const limited: { key: string; at: number; ms: number; boot: number }[] = [];
  const keyOf = (request: Record<string, unknown>): string =>
    `${String(request.type)}:${String(request.clientOrderId ?? request.orderId ?? '')}`;
  for (const record of evidence.events) {
    const event = record.event;
    if (event.type === 'sent') {
      const request = event.request as unknown as Record<string, unknown>;
      const key = keyOf(request);
      sent.set(`${event.boot}/${event.conn}/${String(request.id)}`, { type: String(request.type), key });
      const index = limited.findIndex((h) => h.boot === event.boot && h.key === key);
      if (index < 0 || request.clientOrderId === undefined) continue;
      const [hold] = limited.splice(index, 1);
      judged++;
      if (record.time < hold.at + hold.ms)
        early.push({ request: key, afterMs: record.time - hold.at, retryAfterMs: hold.ms });
    } else if (event.type === 'received') {
      const message = event.message;
      if (message.type !== 'response' || message.ok || message.error.code !== 'rate_limited') continue;
      const asked = sent.get(`${event.boot}/${event.conn}/${String(message.id)}`);
      if (asked !== undefined)
        limited.push({
          key: asked.key,
          at: record.time,
          ms: message.error.retryAfterMs ?? 0,
          boot: event.boot,
        });
    }
  }
  return { judged, early };
}
