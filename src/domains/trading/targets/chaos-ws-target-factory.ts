import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, map, type Observable, of } from 'rxjs';
import type { WsChaosProxy } from '../../../core/chaos-proxy/ws-chaos-proxy.ts';
import {
  CONNECTION_EFFECTS,
  type Fault,
  type FaultKind,
  FRAME_EFFECTS,
  PROCESS_EFFECTS,
  RESPONSE_EFFECTS,
} from '../../../core/faults/fault.ts';
import { FaultLog } from '../../../core/faults/fault-record.ts';
import type { Reply } from '../../../core/model/client.ts';
import type { TargetFactory } from '../../../core/model/target.ts';
import { disownDir, ownDir } from '../../../core/process/owned-resources.ts';
import type { BugName, ReferenceExchangeProcess } from '../../../exchange/index.ts';
import type { ExchangeConfig } from '../protocol/exchange-config.ts';
import type { ExchangeSnapshot } from '../protocol/exchange-snapshot.ts';
import type { TradingAction } from '../trading-action.ts';
import { ALL_TRADING_CAPABILITIES, TRADING_CAPABILITIES } from '../trading-capabilities.ts';

/**
 * Everything the reference venue provides but the journal: over a socket the run sees no state
 * rebuilt from the venue's journal, so durability.journal-replay is skipped (and said so)
 * rather than passed with nothing checked. Nor a venue per run: the server is started once, from
 * the campaign's config, so a run's `configure` action cannot change it.
 */
export const REFERENCE_OVER_SOCKET = ALL_TRADING_CAPABILITIES.filter(
  (c) => c !== TRADING_CAPABILITIES.journal && c !== TRADING_CAPABILITIES.venueConfig,
);

import type { TradingClientEvent } from '../trading-client-event.ts';
import type { CrashRecord } from '../trading-evidence.ts';
import type { ClientBug } from '../transport/client-bugs.ts';
import { tradingTextFrameHooks } from '../transport/trading-frame-hooks.ts';
import { makeTradingTarget } from '../transport/trading-target.ts';
import type { VenueDialer } from '../transport/venue-connection.ts';
import { wsDialer } from '../transport/ws-dialer.ts';

export interface ChaosWsOptions {
  config: ExchangeConfig;
  bugs: readonly BugName[];
  clientBugs?: readonly ClientBug[];
  /** Run the venue as a child process, so process faults (SIGKILL, SIGSTOP) can hit it. */
  process: boolean;
  /** A venue someone else runs: link faults only, through the proxy in front of it. */
  url?: string;
  requestTimeoutMs?: number;
}

/** The venue under test: in this process, or a child process under a supervisor. */
interface Venue {
  url(): string;
  process?: ReferenceExchangeProcess;
  stop(): Promise<void>;
}

const LINK_KINDS: readonly FaultKind[] = [
  ...FRAME_EFFECTS.map((e) => `frame.${e}` as const),
  ...CONNECTION_EFFECTS.map((e) => `connection.${e}` as const),
  ...RESPONSE_EFFECTS.map((e) => `response.${e}` as const),
];
const PROCESS_KINDS: readonly FaultKind[] = PROCESS_EFFECTS.map((e) => `process.${e}` as const);

/**
 * The reference exchange over real sockets with faults: every trader dials a chaos proxy on
 * 127.0.0.1 that stands between it and the venue (frame, response and connection faults act
 * on real frames and sockets there); with `process`, the venue runs in a child process (that
 * serves as `shakedown serve` does) under a supervisor, so a crash is a SIGKILL and a restart
 * recovers from the journal on disk. The
 * admin dials the venue directly: it is the observer, never a victim of link faults.
 */
export function chaosWsTargetFactory(
  options: ChaosWsOptions,
): TargetFactory<TradingAction, TradingClientEvent, unknown, ExchangeSnapshot> {
  let started: Promise<{ venue: Venue; proxy: WsChaosProxy }> | undefined;
  let disposed = false;
  /** The venue coming back from a crash or pause: the next run starts only once it is up. */
  let recovering: Promise<void> = Promise.resolve();

  const start = async (): Promise<{ venue: Venue; proxy: WsChaosProxy }> => {
    const venue =
      options.url !== undefined
        ? { url: () => options.url as string, stop: async () => {} }
        : options.process
          ? await childVenue(options)
          : await embeddedVenue(options);
    try {
      // Loaded on first use, as the venue is: a command that never starts them never pays for them.
      const { startWsChaosProxy } = await import('../../../core/chaos-proxy/ws-chaos-proxy.ts');
      const proxy = await startWsChaosProxy({ upstream: () => venue.url(), hooks: tradingTextFrameHooks });
      return { venue, proxy };
    } catch (error) {
      await venue.stop();
      throw error;
    }
  };

  return {
    name: options.url ?? (options.process ? 'ws+chaos+process' : 'ws+chaos'),
    faultKinds: options.process && options.url === undefined ? [...LINK_KINDS, ...PROCESS_KINDS] : LINK_KINDS,
    capabilities: REFERENCE_OVER_SOCKET,
    async create() {
      if (disposed) throw new Error('chaos ws target factory used after dispose()');
      started ??= start();
      const { venue, proxy } = await started;
      await recovering;
      const log = new FaultLog();
      const crashes: CrashRecord[] = [];
      proxy.beginRun(log);
      let processDown = 0;
      const dialer: VenueDialer = (client) =>
        client === 'admin' || client === undefined
          ? wsDialer(venue.url())()
          : wsDialer(proxy.urlFor(client))(client);

      const inject = (fault: Fault, client: string, step: number): Observable<Reply> => {
        if (fault.type === 'frame' || fault.type === 'response' || fault.type === 'connection') {
          const result = proxy.inject(client, fault, step);
          return of<Reply>(
            result.ok
              ? { status: 'ok', result: { fault: result.message } }
              : { status: 'fail', code: 'SHK_FAULT_UNSUPPORTED', message: result.message },
          );
        }
        const child = venue.process;
        if (fault.type === 'clock' || child === undefined) {
          return of<Reply>({
            status: 'fail',
            code: 'SHK_FAULT_UNSUPPORTED',
            message: `${fault.type}.${fault.effect} needs ${fault.type === 'clock' ? 'the in-process target' : 'a venue process the tool started (--faults with process kinds)'}`,
          });
        }
        // A fault that meets the venue down or stopped by an earlier one of this run has nothing to act on.
        if (processDown > 0 || child.supervisor.paused) {
          return of<Reply>({ status: 'ok', result: { fault: 'the venue is not running; nothing to do' } });
        }
        const now = Date.now();
        if (fault.effect === 'pause') {
          return from(
            (async (): Promise<Reply> => {
              child.pause();
              log.hit(step, client, 'process.pause', now, { downMs: fault.downMs });
              processDown++;
              recovering = new Promise<void>((resolve) =>
                setTimeout(() => {
                  processDown--;
                  if (child.supervisor.paused) child.resume();
                  resolve();
                }, fault.downMs),
              );
              return { status: 'ok', result: { fault: `paused for ${fault.downMs} ms` } };
            })(),
          );
        }
        return from(
          (async (): Promise<Reply> => {
            const record: CrashRecord = { step, at: now };
            processDown++;
            try {
              await child.crash();
            } catch (error) {
              processDown--;
              return { status: 'fail', code: codeOf(error), message: messageOf(error) };
            }
            crashes.push(record);
            log.hit(step, client, 'process.crash_restart', now, { downMs: fault.downMs });
            recovering = new Promise<void>((resolve) =>
              setTimeout(() => {
                child
                  .restart()
                  .then(() => {
                    record.restartedAt = Date.now();
                  })
                  .catch(() => undefined)
                  .finally(() => {
                    processDown--;
                    resolve();
                  });
              }, fault.downMs),
            );
            return { status: 'ok', result: { fault: `killed; restarts in ${fault.downMs} ms` } };
          })(),
        );
      };

      return makeTradingTarget(dialer, 'ws+chaos', {
        config: options.config,
        resetOnOpen: true,
        ...(options.clientBugs ? { clientBugs: options.clientBugs } : {}),
        // Loopback answers in a few ms: a short timeout and backoff cap keep a faulted run (a lost
        // request, a half-open link, a restart) costing well under a second of wall time.
        requestTimeoutMs: options.requestTimeoutMs ?? 300,
        backoff: { baseMs: 20, maxMs: 300 },
        inject: (fault, client, step) => inject(fault, client, step).pipe(map((reply) => reply)),
        settled: () => processDown === 0,
        extra: () => ({
          faults: log.list(),
          ...(crashes.length > 0 ? { crashes: crashes.map((c) => ({ ...c })) } : {}),
        }),
      });
    },
    async dispose() {
      disposed = true;
      if (started === undefined) return;
      const running = await started.catch(() => undefined);
      if (running === undefined) return;
      await running.proxy.close();
      await running.venue.stop();
    },
  };
}

async function embeddedVenue(options: ChaosWsOptions): Promise<Venue> {
  const { startExchangeServer } = await import('../../../exchange/index.ts');
  const server = await startExchangeServer({
    port: 0,
    host: '127.0.0.1',
    config: options.config,
    bugs: options.bugs,
  });
  return { url: () => server.url, stop: () => server.close() };
}

/** The reference exchange in a child process, with a journal in a temp directory removed at the end. */
async function childVenue(options: ChaosWsOptions): Promise<Venue> {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-venue-'));
  // Removed by stop(); should shakedown have to exit at once, by whichever thread is left.
  ownDir(dir);
  const remove = (): void => {
    rmSync(dir, { recursive: true, force: true });
    disownDir(dir);
  };
  const configPath = join(dir, 'exchange-config.json');
  writeFileSync(configPath, JSON.stringify(options.config));
  const journalDir = join(dir, 'journal');
  try {
    const { startReferenceExchangeProcess } = await import('../../../exchange/index.ts');
    const child = await startReferenceExchangeProcess({ bugs: options.bugs, configPath, journalDir });
    return {
      url: () => child.url(),
      process: child,
      stop: async () => {
        await child.stop();
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'SHK_FAULT_FAILED';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
