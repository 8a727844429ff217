import { fileURLToPath } from 'node:url';
import { BOTS_INVARIANTS, type BotsEvidence } from '../../../../../invariants/bots/index.ts';
import type { FaultKind } from '../../../../../src/core/faults/fault.ts';
import type { RunEvidence } from '../../../../../src/core/model/evidence.ts';
import type { Invariant, Violation } from '../../../../../src/core/model/invariant.ts';
import type { Property } from '../../../../../src/core/model/property.ts';
import { type CampaignResult, runCampaign } from '../../../../../src/core/runner/campaign.ts';
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
  /** The violations of the first failing run, as the invariants reported them. */
  firstFailure: Violation[] | undefined;
  /** Every run's evidence, in the order judged (shrink runs included). */
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
}

/**
 * A campaign of `property` against a subject run as a process, every run on the real clock,
 * with the bots invariants; what each run did to the process is tallied from its evidence.
 */
export async function runProcessCampaign(
  c: ProcessCampaign,
): Promise<{ result: CampaignResult<BotAction>; tally: ProcessTally }> {
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
  const factory = processSubjectFactory(
    { kind: 'command', command: c.command },
    { bugs: c.bugs ?? [], seed: c.seed, faults: c.faults ?? [] },
    { cwd: REPO, env: { ...process.env, GRID_BOT_BUGS: '' } },
  );
  const result = await runCampaign<BotAction>({
    properties: [property],
    invariants: [...(watched as Invariant[]), recorder],
    projection: botsProjection as never,
    clients: BOTS_CLIENTS,
    factory: factory as never,
    seed: c.seed,
    runs: c.runs,
    timeBudgetMs: BACKSTOP_MS,
    shrinkAttempts: c.shrinkAttempts ?? 3,
    ...(c.faults === undefined ? {} : { faults: c.faults }),
    now: () => performance.now(),
  });
  return { result, tally };
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
