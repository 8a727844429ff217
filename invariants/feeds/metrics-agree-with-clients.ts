import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { type FeedsAction, isCallAction } from '../../src/domains/feeds/feeds-action.ts';
import { FEEDS_CAPABILITIES as CAP } from '../../src/domains/feeds/feeds-capabilities.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { FEEDS_METHODS } from '../../src/domains/feeds/protocol/feeds-methods.ts';
import type { ProxyMetrics } from '../../src/domains/feeds/protocol/proxy-metrics.ts';
import { methodOf } from '../../src/domains/feeds/transport/feeds-request.ts';
import { type FeedsRecord, truthOf } from './support/feeds-records.ts';
import { violation } from './support/violation.ts';

const NAME = 'metrics.agree-with-clients';

interface Measured {
  sent: number;
  answered: number;
  errors: number;
  latencySum: number;
  latencyMax: number;
}

function metricsOf(evidence: FeedsEvidence): ProxyMetrics | undefined {
  const read = evidence.extra?.metrics as ProxyMetrics | undefined;
  return read !== undefined && typeof read === 'object' && 'methods' in read ? read : undefined;
}

/**
 * The proxy's own telemetry (read with its admin request at the end of the run) agrees with
 * what the clients measured, per public method: with no fault on any client link, the proxy
 * counted exactly the requests the clients made and the errors they were answered with, and
 * its latencies (the time it held each request) add up to no more than the clients' round
 * trips. Under link faults (lost or doubled frames) it counted at least what was answered. A
 * run in which the proxy crashed is not judged (its counters restart with it), and says so.
 */
export const metricsAgreeWithClients: Invariant<FeedsEvidence> = {
  name: NAME,
  description:
    "the proxy's own metrics (requests, errors, latency per method) agree with what the clients measured",
  needs: [CAP.truth],
  counts: 'methods',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const metrics = metricsOf(evidence);
    // A proxy that crashed counts from its restart only: its totals say nothing of the run's.
    const crashed = (truthOf(evidence)?.proxy.crashes.length ?? 0) > 0;
    if (metrics === undefined || crashed) {
      tally?.count(0);
      return out;
    }
    const measured = new Map<string, Measured>();
    const of = (method: string): Measured => {
      let m = measured.get(method);
      if (m === undefined) {
        m = { sent: 0, answered: 0, errors: 0, latencySum: 0, latencyMax: 0 };
        measured.set(method, m);
      }
      return m;
    };
    const add = (method: string, outcome: 'ok' | 'fail' | 'info', latency: number): void => {
      const m = of(method);
      m.sent++;
      if (outcome === 'info') return;
      m.answered++;
      if (outcome === 'fail') m.errors++;
      m.latencySum += latency;
      m.latencyMax = Math.max(m.latencyMax, latency);
    };
    let faults = false;
    for (const op of evidence.history ?? []) {
      const action = op.action as FeedsAction;
      if (action?.kind === 'fault') faults = true;
      if (
        action?.kind !== 'subscribe' &&
        action?.kind !== 'unsubscribe' &&
        !isCallAction(action ?? { kind: '' })
      )
        continue;
      add(methodOf(action), op.reply?.status ?? 'info', (op.completedAt ?? op.invokedAt) - op.invokedAt);
    }
    for (const rec of (evidence.events ?? []) as FeedsRecord[]) {
      const event = rec.event;
      if (event?.type === 'internal_call' && !event.method.startsWith('shakedown_'))
        add(event.method, event.outcome, event.latencyMs);
    }
    let checked = 0;
    for (const method of FEEDS_METHODS) {
      const client = measured.get(method) ?? {
        sent: 0,
        answered: 0,
        errors: 0,
        latencySum: 0,
        latencyMax: 0,
      };
      const proxy = metrics.methods[method] ?? {
        requests: 0,
        errors: 0,
        timeouts: 0,
        latency: { sumMs: 0, maxMs: 0, count: 0 },
      };
      if (client.sent === 0 && proxy.requests === 0) continue;
      checked++;
      const say = (what: string): void => {
        out.push(violation(NAME, `${method}: ${what}`));
      };
      if (!faults) {
        if (proxy.requests !== client.sent)
          say(`the proxy counted ${proxy.requests} requests; the clients sent ${client.sent}`);
        if (proxy.errors !== client.errors)
          say(`the proxy counted ${proxy.errors} errors; the clients were answered ${client.errors} errors`);
        if (proxy.latency.sumMs > client.latencySum + client.answered)
          say(
            `the proxy's latencies add up to ${proxy.latency.sumMs} ms, more than the clients' round trips (${client.latencySum} ms)`,
          );
      } else {
        if (proxy.requests < client.answered)
          say(`the proxy counted ${proxy.requests} requests; the clients got ${client.answered} answers`);
        if (proxy.errors < client.errors)
          say(`the proxy counted ${proxy.errors} errors; the clients were answered ${client.errors} errors`);
      }
    }
    tally?.count(checked);
    return out;
  },
};
