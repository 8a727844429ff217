import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { ClientEvent } from '../src/core/model/client.ts';
import type { RecordedEvent, RunEvidence } from '../src/core/model/evidence.ts';
import type { Invariant } from '../src/core/model/invariant.ts';
import type { Property } from '../src/core/model/property.ts';
import { type CampaignResult, runCampaign } from '../src/core/runner/campaign.ts';
import { EventSequencer } from '../src/core/sequencer/event-sequencer.ts';
import { gridOf, priceAt, qtyAt } from '../src/domains/trading/generation/instrument-grid.ts';
import { defaultExchangeConfig } from '../src/domains/trading/protocol/exchange-config.ts';
import type { ExchangeInput, Side } from '../src/domains/trading/protocol/exchange-input.ts';
import { inprocTargetFactory } from '../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../src/domains/trading/trading-action.ts';
import { tradingPack } from '../src/domains/trading/trading-pack.ts';
import { Engine } from '../src/exchange/engine/engine.ts';
import type { BenchRow } from './bench-table.ts';
import { tradingVenueProperty } from './trading-venue-property.ts';

const SEED = 20261122;
const PILOT_RUNS = 30;
/** Runs whose events are kept to drive the sequencer-only loop. */
const SAMPLE_RUNS = 40;

interface CampaignFigures {
  result: CampaignResult<TradingAction>;
  wallMs: number;
}

async function campaign(
  property: Property<TradingAction>,
  invariants: readonly Invariant[],
  runs: number,
  seed: number,
  budgetMs: number,
): Promise<CampaignFigures> {
  const start = performance.now();
  const result = await runCampaign<TradingAction>({
    properties: [property],
    invariants,
    projection: tradingPack.projection,
    clients: tradingPack.clients,
    factory: inprocTargetFactory(),
    seed,
    runs,
    timeBudgetMs: budgetMs,
    shrinkBudgetMs: budgetMs,
    now: Date.now,
  });
  const wallMs = performance.now() - start;
  const outcome = result.properties[0];
  if (outcome && !outcome.passed) {
    throw new Error(
      `benchmark: ${property.name} did not pass (seed ${seed}); the figures would include shrinking`,
    );
  }
  return { result, wallMs };
}

// ---------------------------------------------------------------------------------------
// The ceiling: a bare fast-check model run, every command one engine.apply on a fresh Engine.

const config = defaultExchangeConfig();
const SANDBOX = config.instruments.filter((i) => i.symbol.startsWith(config.sandboxPrefix)).map(gridOf);
const TRADERS = ['maker', 'taker', 'bystander'] as const;

interface BareModel {
  time: number;
  placed: { account: string; clientOrderId: string }[];
  executed: number;
}

class BarePlace implements fc.Command<BareModel, Engine> {
  constructor(
    private readonly account: string,
    private readonly symbol: number,
    private readonly side: Side,
    private readonly market: boolean,
    private readonly offsetTicks: number,
    private readonly lots: number,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: BareModel, engine: Engine): void {
    const grid = SANDBOX[this.symbol];
    const clientOrderId = `b${model.placed.length}`;
    const input: ExchangeInput = this.market
      ? {
          op: 'place',
          account: this.account,
          symbol: grid.symbol,
          side: this.side,
          type: 'market',
          qty: qtyAt(grid, this.lots),
          clientOrderId,
        }
      : {
          op: 'place',
          account: this.account,
          symbol: grid.symbol,
          side: this.side,
          type: 'limit',
          price: priceAt(grid, grid.markTicks + (this.side === 'buy' ? -this.offsetTicks : this.offsetTicks)),
          qty: qtyAt(grid, this.lots),
          clientOrderId,
        };
    engine.apply(input, ++model.time);
    model.placed.push({ account: this.account, clientOrderId });
    model.executed++;
  }
  toString(): string {
    return `place(${this.account},${this.symbol},${this.side},${this.market},${this.offsetTicks},${this.lots})`;
  }
}

class BareCancel implements fc.Command<BareModel, Engine> {
  constructor(private readonly pick: number) {}
  check(model: Readonly<BareModel>): boolean {
    return model.placed.length > 0;
  }
  run(model: BareModel, engine: Engine): void {
    const target = model.placed[this.pick % model.placed.length];
    engine.apply(
      { op: 'cancel', account: target.account, clientOrderId: target.clientOrderId },
      ++model.time,
    );
    model.executed++;
  }
  toString(): string {
    return `cancel(${this.pick})`;
  }
}

const bareCommands = fc.commands(
  [
    fc
      .record({
        account: fc.constantFrom(...TRADERS),
        symbol: fc.integer({ min: 0, max: SANDBOX.length - 1 }),
        side: fc.constantFrom<Side>('buy', 'sell'),
        market: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        // Both sides of the mark, a few ticks to a few hundred: some cross, most rest.
        offsetTicks: fc.integer({ min: -20, max: 400 }),
        lots: fc.integer({ min: 1, max: 50 }),
      })
      .map((p) => new BarePlace(p.account, p.symbol, p.side, p.market, p.offsetTicks, p.lots)),
    fc.nat().map((pick) => new BareCancel(pick)),
  ],
  { maxCommands: tradingVenueProperty().settings?.maxActions ?? 60, size: 'max' },
);

/** `fc.check` + `fc.modelRun` over fresh engines, nothing else: one batch of 50 runs. */
export function bareModelRunBatch(seed: number): number {
  const model: BareModel = { time: 0, placed: [], executed: 0 };
  let executed = 0;
  const result = fc.check(
    fc.property(bareCommands, (commands) => {
      model.time = 0;
      model.placed = [];
      model.executed = 0;
      fc.modelRun(() => ({ model, real: new Engine({ config }) }), commands);
      executed += model.executed;
    }),
    { seed, numRuns: 50 },
  );
  if (result.failed) throw new Error(`benchmark: the bare model run failed: ${String(result.errorInstance)}`);
  return executed;
}

// ---------------------------------------------------------------------------------------
// The recorder's own cost: the EventSequencer fed the campaign's events, nothing else.

interface SampledRun {
  events: { client: string; event: ClientEvent }[];
  /** attributeStep calls, placed after the event at the same index (-1: before any event). */
  replies: { after: number; txn: number; step: number }[];
}

function sampleOf(evidence: RunEvidence): SampledRun {
  const events = evidence.events.map((e: RecordedEvent) => {
    const event: ClientEvent = { stream: e.stream, seq: e.seq, time: e.time, event: e.event };
    if (e.txn !== undefined) event.txn = e.txn;
    return { client: e.client, event };
  });
  // A reply reaches the sequencer about when the first event of its txn does.
  const firstOfTxn = new Map<number, number>();
  evidence.events.forEach((e, i) => {
    if (e.txn !== undefined && !firstOfTxn.has(e.txn)) firstOfTxn.set(e.txn, i);
  });
  const replies: SampledRun['replies'] = [];
  for (const op of evidence.history) {
    const reply = op.reply as { status: string; txn?: number } | undefined;
    if (reply && reply.status !== 'info' && reply.txn !== undefined) {
      replies.push({
        after: firstOfTxn.get(reply.txn) ?? evidence.events.length - 1,
        txn: reply.txn,
        step: op.step,
      });
    }
  }
  replies.sort((a, b) => a.after - b.after);
  return { events, replies };
}

/** Milliseconds the sequencer alone takes to record `total` events (sampled runs, repeated). */
function sequencerMs(samples: SampledRun[], total: number): number {
  if (total === 0 || samples.every((run) => run.events.length === 0)) return 0;
  const pass = (limit: number): number => {
    let done = 0;
    while (done < limit) {
      for (const run of samples) {
        const sequencer = new EventSequencer();
        let r = 0;
        while (r < run.replies.length && run.replies[r].after < 0) {
          sequencer.attributeStep(run.replies[r].txn, run.replies[r].step);
          r++;
        }
        for (let i = 0; i < run.events.length; i++) {
          sequencer.record(run.events[i].client, run.events[i].event);
          while (r < run.replies.length && run.replies[r].after === i) {
            sequencer.attributeStep(run.replies[r].txn, run.replies[r].step);
            r++;
          }
        }
        done += sequencer.finish().length;
        if (done >= limit) break;
      }
    }
    return done;
  };
  pass(Math.min(total, 200_000));
  const start = performance.now();
  const done = pass(total);
  return ((performance.now() - start) * total) / done;
}

// ---------------------------------------------------------------------------------------

interface Tally {
  runs: number;
  actions: number;
  ms: number;
}

function add(tally: Tally, figures: CampaignFigures): void {
  tally.runs += figures.result.runs;
  tally.actions += figures.result.actions;
  tally.ms += figures.wallMs;
}

/**
 * Three rounds, each a full campaign, the same campaign without invariants (same seed, same
 * runs, so the same actions) and a stretch of the bare model run: load that drifts during the
 * benchmark hits every figure alike. Each figure gets about `ms` in all.
 */
export async function runCampaignBenchmark(ms = 3000): Promise<{ rows: BenchRow[]; runs: number }> {
  const venue = tradingVenueProperty();
  const invariants = tradingPack.invariants;
  const rounds = 3;
  // "Without invariants": a property must name one (a run that checks nothing cannot pass),
  // so it names a checker that looks at nothing.
  const nothing: Invariant = {
    name: 'bench.nothing',
    description: 'benchmark: checks nothing',
    check: () => [],
  };
  const unchecked = { ...venue, invariants: [nothing.name] };

  // Warm-up (the whole stack needs a few hundred runs to reach its steady speed; other seeds),
  // then a pilot: how many runs make a round's full campaign last about ms / rounds.
  const warmStart = performance.now();
  let warmSeed = SEED + 1000;
  while (performance.now() - warmStart < Math.max(1500, ms / 2)) {
    await campaign(venue, invariants, PILOT_RUNS, warmSeed, 60_000);
    await campaign(unchecked, [nothing], PILOT_RUNS, warmSeed++, 60_000);
  }
  const pilot = await campaign(venue, invariants, PILOT_RUNS, warmSeed, 60_000);
  let runs = Math.max(10, Math.round((ms / rounds / pilot.wallMs) * PILOT_RUNS));
  let modelSeed = SEED;
  bareModelRunBatch(modelSeed++);

  // One extra checker in the full campaign only reads how many events each run recorded and
  // keeps the first runs' evidence for the sequencer loop below: a length read per run.
  let events = 0;
  const samples: SampledRun[] = [];
  const counter: Invariant = {
    name: 'bench.count-events',
    description: 'benchmark bookkeeping, never fails',
    check: (evidence) => {
      events += evidence.events.length;
      if (samples.length < SAMPLE_RUNS) samples.push(sampleOf(evidence));
      return [];
    },
  };
  const counted = { ...venue, invariants: [...venue.invariants, counter.name] };
  const withCounter = [...invariants, counter];
  const full: Tally = { runs: 0, actions: 0, ms: 0 };
  const bare: Tally = { runs: 0, actions: 0, ms: 0 };
  const model = { commands: 0, ms: 0 };
  for (let round = 0; round < rounds; round++) {
    const figures = await campaign(counted, withCounter, runs, SEED + round, ms * 20);
    add(full, figures);
    add(bare, await campaign(unchecked, [nothing], runs, SEED + round, ms * 20));
    const start = performance.now();
    do model.commands += bareModelRunBatch(modelSeed++);
    while (performance.now() - start < ms / rounds);
    model.ms += performance.now() - start;
    // Later rounds sized on this round's speed.
    runs = Math.max(10, Math.round((ms / rounds / figures.wallMs) * figures.result.runs));
  }
  const fullRate = (full.actions / full.ms) * 1000;
  const bareCampaignRate = (bare.actions / bare.ms) * 1000;
  const modelRunRate = (model.commands / model.ms) * 1000;

  const recorderMs = sequencerMs(samples, events);
  const withoutRecorderRate = (full.actions / (full.ms - recorderMs)) * 1000;

  const modelRunName = 'bare fc.modelRun, 1 command = 1 engine.apply';
  const invariantShare = 1 - fullRate / bareCampaignRate;
  return {
    runs: full.runs,
    rows: [
      {
        name: `campaign actions/s (trading-venue, ${venue.invariants.length} invariants)`,
        value: fullRate,
        unit: 'actions/s',
        ceilingName: modelRunName,
        ceiling: modelRunRate,
        target: '>= 50k actions/s and >= 30% of bare modelRun',
        note: `${full.runs} runs (${rounds} rounds, seeds ${SEED}..${SEED + rounds - 1}), ${full.actions} actions, ${events} recorded events (${(events / full.actions).toFixed(1)}/action) in ${Math.round(full.ms)} ms; bare model run: ${model.commands} commands in ${Math.round(model.ms)} ms`,
      },
      {
        name: 'campaign actions/s without invariants',
        value: bareCampaignRate,
        unit: 'actions/s',
        ceilingName: modelRunName,
        ceiling: modelRunRate,
        note: `same seeds and runs, the property's one invariant a no-op; the ${venue.invariants.length} invariants take ${(invariantShare * 100).toFixed(1)}% of the full campaign's time`,
      },
      {
        name: 'EventSequencer share of the campaign (estimated)',
        value: fullRate,
        unit: 'actions/s',
        ceilingName: 'same campaign minus the EventSequencer cost',
        ceiling: withoutRecorderRate,
        note: `estimated, not separated: the runner always records (invariants need the events), so the EventSequencer alone was fed the same ${events} events (${samples.length} sampled runs, replayed with their replies) in a loop: ${recorderMs.toFixed(0)} ms, ${((recorderMs / full.ms) * 100).toFixed(1)}% of the full campaign's wall time`,
      },
    ],
  };
}

// Alone: `node --import ./bin/register-ts.mjs benchmarks/campaign-throughput.ts` (BENCH_MS as in npm run bench).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { formatTable } = await import('./bench-table.ts');
  const { rows } = await runCampaignBenchmark(Number(process.env.BENCH_MS ?? 3000));
  process.stdout.write(`${formatTable(rows)}\n\n`);
  for (const r of rows) process.stdout.write(`- ${r.name}: ${r.note}\n`);
}
