import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../../src/core/faults/fault.ts';
import type { Client } from '../../../src/core/model/client.ts';
import type { Invariant } from '../../../src/core/model/invariant.ts';
import type { Property } from '../../../src/core/model/property.ts';
import type { Target, TargetFactory } from '../../../src/core/model/target.ts';
import { DEFAULT_SETTINGS, executeRun, type RunReport } from '../../../src/core/runner/campaign.ts';
import { inprocTargetFactory } from '../../../src/domains/trading/targets/inproc-target-factory.ts';
import type { TradingAction } from '../../../src/domains/trading/trading-action.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';
import type { BugName } from '../../../src/exchange/index.ts';

/**
 * The in-process run takes a direct path: the reference client's `sendTo` and `listen`
 * (Client's optional callback forms) instead of an Observable per request and a Subscriber per
 * event. Real transports keep the Observable contract. Both paths must leave the same evidence,
 * byte for byte: the history (replies and their times), the recorded events (numbering, times,
 * steps), each client's projection, the venue's snapshot and the extra evidence (faults fired,
 * crashes, the state rebuilt from the journal). Generated runs of properties with and without
 * faults, on a clean venue and on venues with planted bugs, each run on both paths.
 */

const nothing: Invariant = { name: 'test.nothing', description: 'checks nothing', check: () => [] };

function property(name: string): Property<TradingAction> {
  const found = tradingPack.properties.find((p) => p.name === name);
  if (!found) throw new Error(`no property ${name}`);
  return found;
}

/** The same factory, its clients seen only through the Observable contract (send, events$). */
function observableOnly(factory: TargetFactory<TradingAction>): TargetFactory<TradingAction> {
  return {
    ...factory,
    create: async (run) => {
      const target: Target<TradingAction> = await factory.create(run);
      return {
        ...target,
        open: (name: string) =>
          target.open(name).pipe(
            map(
              (client): Client<TradingAction> => ({
                name: client.name,
                events$: client.events$,
                send: (action, step) => client.send(action, step),
                settled: () => client.settled?.() ?? true,
                sync: () => client.sync!(),
                close: () => client.close(),
              }),
            ),
          ),
      };
    },
  };
}

/** Counts the requests that took the direct path. */
function countingDirect(factory: TargetFactory<TradingAction>, counter: { direct: number }) {
  return {
    ...factory,
    create: async (run?: { actions: readonly TradingAction[] }) => {
      const target: Target<TradingAction> = await factory.create(run);
      return {
        ...target,
        open: (name: string) =>
          target.open(name).pipe(
            map((client) => {
              const sendTo = client.sendTo!.bind(client);
              client.sendTo = (action, step, onReply) => {
                counter.direct++;
                return sendTo(action, step, onReply);
              };
              return client;
            }),
          ),
      };
    },
  } as TargetFactory<TradingAction>;
}

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Everything a run left behind, as the invariants would read it. */
function evidenceOf(report: RunReport<TradingAction>) {
  const { history, events, projections, snapshot, extra } = report.evidence;
  return { verdict: report.verdict, history, events, projections, snapshot, extra };
}

async function bothPaths(name: string, seed: number, bugs: BugName[]) {
  const p = property(name);
  const faults = p.faults === 'all' ? [...FAULT_KINDS] : [...(p.faults ?? [])];
  const settings = { ...DEFAULT_SETTINGS, ...p.settings };
  const [actions] = fc.sample(p.actions({ seed, maxActions: settings.maxActions, faults }), {
    seed,
    numRuns: 1,
  });
  const options = {
    clients: tradingPack.clients,
    projection: tradingPack.projection,
    invariants: [nothing],
    settings,
  };
  const counter = { direct: 0 };
  const direct = await executeRun(countingDirect(inprocTargetFactory({ bugs }), counter), actions, options);
  const viaObservables = await executeRun(observableOnly(inprocTargetFactory({ bugs })), actions, options);
  return { actions, counter, direct: evidenceOf(direct), viaObservables: evidenceOf(viaObservables) };
}

describe('the in-process direct path leaves the evidence the Observable path leaves', () => {
  const cases: { name: string; bugs: BugName[] }[] = [
    { name: 'trading-venue', bugs: [] },
    { name: 'chaos-recovery', bugs: [] },
    { name: 'reconnect-convergence', bugs: [] },
    { name: 'stop-orders', bugs: [] },
    { name: 'chaos-recovery', bugs: ['duplicate_fill_on_resync'] },
    { name: 'trading-venue', bugs: ['reserve_leak_on_cancel'] },
  ];
  for (const { name, bugs } of cases) {
    it(`${name}${bugs.length > 0 ? ` with ${bugs.join(', ')}` : ''}: generated runs, both paths equal`, async () => {
      let faultsFired = 0;
      let directRequests = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 30 }), async (seed) => {
          const { actions, counter, direct, viaObservables } = await bothPaths(name, seed, bugs);
          // Compared as values and as bytes (the pinned campaign results digest them as JSON).
          expect(direct).toEqual(viaObservables);
          expect(digest(direct)).toBe(digest(viaObservables));
          // The direct path was taken: every client request went through sendTo.
          const clientActions = actions.filter((a) => a.kind !== 'fault').length;
          expect(counter.direct).toBe(clientActions);
          directRequests += counter.direct;
          faultsFired += ((direct.extra as { faults?: unknown[] }).faults ?? []).length;
        }),
        { seed: 20261207, numRuns: 15 },
      );
      expect(directRequests).toBeGreaterThan(0);
      // A property with faults had them fire on both paths (the extra evidence is equal above).
      if (property(name).faults !== undefined) expect(faultsFired).toBeGreaterThan(0);
    }, 60_000);
  }
});
