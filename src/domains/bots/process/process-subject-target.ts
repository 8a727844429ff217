import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncScheduler, defer, Observable, of, Subject, type Subscription } from 'rxjs';
import { startWsChaosProxy, type WsChaosProxy } from '../../../core/chaos-proxy/ws-chaos-proxy.ts';
import type { Fault } from '../../../core/faults/fault.ts';
import { FaultLog } from '../../../core/faults/fault-record.ts';
import type { Client, ClientEvent, Reply } from '../../../core/model/client.ts';
import type { Target } from '../../../core/model/target.ts';
import { disownDir, ownDir } from '../../../core/process/owned-resources.ts';
import { type RunningExchange, startExchangeServer } from '../../../exchange/index.ts';
import type { ExchangeConfig } from '../../trading/protocol/exchange-config.ts';
import type { ClientRequest, ServerMessage } from '../../trading/protocol/protocol-messages.ts';
import { tradingTextFrameHooks } from '../../trading/transport/trading-frame-hooks.ts';
import { BAD_FRAME_FROM_TARGET } from '../../trading/transport/ws-dialer.ts';
import type { BotAction, StateCorruption } from '../bot-action.ts';
import type { BotEvent, BotsSnapshot } from '../bot-event.ts';
import { BOT_ACCOUNT, BOT_SYMBOL, DEFAULT_RISK_LIMITS, subjectInstrument } from '../bots-venue.ts';
import {
  type DeclaredCheck,
  type IntentAck,
  SUBJECT_ENV,
  type SubjectIntent,
  type SubjectRiskLimits,
  type SubjectState,
} from '../subject.ts';
import { VenueSide } from '../venue-side.ts';
import { corruptStateDir } from './corrupt-state-dir.ts';
import { DirectoryStateStore } from './directory-state-store.ts';
import { SubjectProcess } from './subject-process.ts';
import { type SubjectRelay, startSubjectRelay } from './subject-relay.ts';

export interface ProcessSubjectTargetOptions {
  /** The subject's command line (run by /bin/sh, with `exec`). */
  command: string;
  config: ExchangeConfig;
  seed: number;
  /** The subject's planted bugs, handed over as SHAKEDOWN_BUGS. */
  bugs: readonly string[];
  /** Its environment besides the SHAKEDOWN_ variables (the host's by default). */
  env?: Readonly<Record<string, string | undefined>>;
  risk?: SubjectRiskLimits;
  cwd?: string;
  /** How long a control request may wait for its answer before it is indeterminate (default 2 s). */
  answerTimeoutMs?: number;
  /** How long a start may take to print `{"ready":true}` (default 30 s). */
  startTimeoutMs?: number;
  name?: string;
}

/** The lanes of a run: the subject's wire and life, the venue's truth. */
const SUBJECT_STREAM = 'subject';
const VENUE_STREAM = 'venue';
/** How often the subject is asked whether it has settled, while a run waits on it. */
const SETTLED_POLL_MS = 50;
/** How many times a restarted subject is asked whether it has booted, at most, before its state is sampled anyway. */
const BOOT_POLLS = 100;
/**
 * The subject's wire is recorded at the relay, not inside the subject: a frame it sent that
 * reached the relay within this many ms after one the relay handed it may have been written
 * before the subject read that one (a burst in flight, a busy event loop), so the two cannot
 * be ordered. Invariants that order a send after a receipt (backoff after a 429) allow for it,
 * except for a retry of the very request answered, which cannot cross its own answer.
 */
export const WIRE_SKEW_MS = 50;

type BotReply = Reply<unknown>;

/**
 * One run of a subject that is a separate process: a fresh reference exchange on 127.0.0.1, a
 * chaos proxy in front of it for the subject's link (and a relay in front of that which records
 * the subject's wire and applies the venue modes), a fresh state directory, and the subject
 * started from its command line with all of that in its environment, on the real clock. The
 * rest of the market and the operator act on the venue directly, and an observer session reads
 * the venue's truth, as in process (inproc-subject-target.ts): the same actions, the same lanes.
 * Intents, state reads and its declared checks go over the control channel; a restart is a
 * SIGKILL through the supervisor, then the same command again on the same state directory.
 */
export async function createProcessSubjectTarget(
  options: ProcessSubjectTargetOptions,
): Promise<Target<BotAction, BotEvent, unknown, BotsSnapshot>> {
  const scheduler = asyncScheduler;
  const account = BOT_ACCOUNT;
  const symbol = BOT_SYMBOL;
  const resources: { exchange?: RunningExchange; proxy?: WsChaosProxy; relay?: SubjectRelay; dir?: string } =
    {};
  const release = async (): Promise<void> => {
    await resources.relay?.close();
    await resources.proxy?.close();
    await resources.exchange?.close();
    if (resources.dir !== undefined) {
      rmSync(resources.dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
      disownDir(resources.dir);
    }
  };

  const subjectLane = new Lane();
  const venueLane = new Lane();
  const seqs = { [SUBJECT_STREAM]: 0, [VENUE_STREAM]: 0 };
  const emit = (lane: Lane, stream: 'subject' | 'venue', event: BotEvent, time = scheduler.now()): void => {
    const txn = txnOf(event);
    lane.next({ stream, seq: ++seqs[stream], time, ...(txn === undefined ? {} : { txn }), event });
  };
  const record = (event: BotEvent, time?: number): void => emit(subjectLane, SUBJECT_STREAM, event, time);
  /**
   * The subject's wire while a control request (an intent, a state read) is answered: the
   * control channel and the wire are two channels with no order between them, so the subject
   * may send the orders an intent asks for before its answer reaches us, and a state it reports
   * may have been read before it saw a frame the relay handed it meanwhile. What crosses the
   * wire meanwhile is held and put on the lane after the answer, each at its own time, and the
   * answer at the time it was asked: the intent given, then its orders; the state read, then
   * what the subject may not have seen yet.
   */
  let controlInFlight = 0;
  const held: { event: BotEvent; time: number }[] = [];
  const wire = (event: BotEvent): void => {
    if (controlInFlight > 0) held.push({ event, time: scheduler.now() });
    else record(event);
  };
  const releaseWire = (): void => {
    if (controlInFlight > 0) return;
    for (const { event, time } of held.splice(0)) record(event, time);
  };
  /** The one Reply of a request. */
  const ask = <T>(make: () => Observable<Reply<T>>): Promise<Reply<T>> =>
    new Promise((resolve) => {
      make().subscribe((reply) => resolve(reply));
    });

  /** One control request, with the wire held while it is answered; its Reply and when it was asked. */
  const control = async <T>(
    make: () => Observable<Reply<T>>,
  ): Promise<{ reply: Reply<T>; askedAt: number }> => {
    const askedAt = scheduler.now();
    controlInFlight++;
    try {
      return { reply: await ask(make), askedAt };
    } finally {
      controlInFlight--;
    }
  };

  let boot = -1;
  /** The boot a kill ended: closes of its connections are the kill's. */
  let killedBoot = -1;

  let exchange: RunningExchange;
  let proxy: WsChaosProxy;
  let relay: SubjectRelay;
  let side: VenueSide;
  const log = new FaultLog();
  try {
    exchange = await startExchangeServer({ port: 0, host: '127.0.0.1', config: options.config });
    resources.exchange = exchange;
    proxy = await startWsChaosProxy({ upstream: () => exchange.url, hooks: tradingTextFrameHooks });
    resources.proxy = proxy;
    proxy.beginRun(log);
    const running = exchange;
    side = new VenueSide({
      host: () => running.host,
      config: options.config,
      account,
      symbol,
      emitVenue: (event) => emit(venueLane, VENUE_STREAM, event),
      venueEvents$: venueLane.events$,
      marketEvents$: new Subject<ClientEvent<BotEvent>>().asObservable(),
      reply: (make) => fromAsync(async () => make()),
    });
    const venueSide = side;
    relay = await startSubjectRelay({
      upstream: proxy.urlFor(SUBJECT_STREAM),
      hooks: {
        dialed: (conn, error) =>
          wire({ type: 'dialed', boot, conn, ...(error === undefined ? {} : { error }) }),
        fromSubject: (conn, text) => {
          const request = parseObject(text) as ClientRequest | undefined;
          if (request === undefined) {
            wire({
              type: 'log',
              boot,
              message: `sent a frame that is not a JSON object: ${text.slice(0, 200)}`,
            });
            return undefined;
          }
          const mode = venueSide.refusal(request);
          if (mode === undefined) {
            wire({ type: 'sent', boot, conn, request });
            return undefined;
          }
          wire({ type: 'mode_refused', boot, conn, request, mode });
          const answer: ServerMessage = {
            type: 'response',
            id: request.id,
            ok: false,
            error: { code: 'venue_rejected', message: `refused by the venue mode ${mode}` },
          };
          return JSON.stringify(answer);
        },
        fromVenue: (conn, text) => {
          for (const message of serverMessages(text)) wire({ type: 'received', boot, conn, message });
        },
        closed: (conn, by) =>
          wire({ type: 'closed', boot, conn, by: by === 'subject' && killedBoot === boot ? 'kill' : by }),
      },
    });
    resources.relay = relay;
    resources.dir = mkdtempSync(join(tmpdir(), 'shakedown-subject-'));
    ownDir(resources.dir);
  } catch (error) {
    await release();
    throw error;
  }
  const stateDir = resources.dir;
  const store = new DirectoryStateStore(stateDir);

  const subject = new SubjectProcess({
    command: options.command,
    env: {
      ...(options.env ?? process.env),
      [SUBJECT_ENV.venueUrl]: relay.url,
      [SUBJECT_ENV.account]: account.id,
      [SUBJECT_ENV.apiKey]: account.key,
      [SUBJECT_ENV.stateDir]: stateDir,
      [SUBJECT_ENV.instrument]: JSON.stringify(subjectInstrument(options.config, symbol)),
      [SUBJECT_ENV.risk]: JSON.stringify(options.risk ?? DEFAULT_RISK_LIMITS),
      [SUBJECT_ENV.seed]: String(options.seed),
      [SUBJECT_ENV.bugs]: options.bugs.join(','),
    },
    bootVariable: SUBJECT_ENV.boot,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.answerTimeoutMs === undefined ? {} : { answerTimeoutMs: options.answerTimeoutMs }),
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
    onLog: (message) => record({ type: 'log', boot, message }),
    // A line the channel could not use goes on the lane too, where the timeline shows it.
    onProblem: (problem) =>
      record({ type: 'log', boot, message: `${problem.code}: ${problem.why}: ${problem.line}` }),
  });

  // --- The subject's life: starts, kills, restarts, and whether it has settled. ---
  const timers = new Set<Subscription>();
  const later = (work: () => void, ms: number): void => {
    const timer = scheduler.schedule(() => {
      timers.delete(timer);
      work();
    }, ms);
    timers.add(timer);
  };
  let downUntil = Number.NEGATIVE_INFINITY;
  /** From a restart's kill until its start is over (ready, or refused). */
  let restarting = false;
  /** Starts under way (a restart waiting for its ready line). */
  let starting = 0;
  let subjectSettled = true;
  let settledAsking = false;
  let stopped = false;
  let declaredNames: string[] = [];
  /** Why the last start failed (its stderr's tail included), for a run that cannot begin. */
  let lastStartError: string | undefined;
  let declaredSamples = 0;

  const pollSettled = (): void => {
    if (stopped || settledAsking || !subject.running) return;
    settledAsking = true;
    void ask(() => subject.request('settled', {})).then((reply) => {
      settledAsking = false;
      // An answer that does not say settled (or no answer) leaves it unsettled: the run waits, within its bounds.
      subjectSettled = reply.status === 'ok' && (reply.result as { settled?: unknown })?.settled === true;
      if (!subjectSettled) later(pollSettled, SETTLED_POLL_MS);
    });
  };

  /** Its state and declared checks onto the lane; the state, or undefined when it did not answer. */
  const sample = async (why: 'step' | 'booted' | 'final'): Promise<SubjectState | undefined> => {
    const sampledBoot = boot;
    const { reply, askedAt } = await control(() => subject.request('state', {}));
    if (reply.status !== 'ok') {
      releaseWire();
      return undefined;
    }
    const state = reply.result;
    record({ type: 'state', boot: sampledBoot, state, why }, askedAt);
    releaseWire();
    const checks = await ask(() => subject.request('invariants', {}));
    if (checks.status === 'ok' && Array.isArray(checks.result)) {
      const list = checks.result as DeclaredCheck[];
      declaredSamples++;
      declaredNames = list.map((c) => c.name);
      if (list.some((c) => Array.isArray(c.problems) && c.problems.length > 0))
        record({ type: 'declared', boot: sampledBoot, checks: list });
    }
    return state;
  };

  const start = async (corrupted: StateCorruption | null): Promise<boolean> => {
    boot++;
    starting++;
    record({ type: 'started', boot, corrupted, files: store.list() });
    try {
      await subject.start();
    } catch (error) {
      // A subject that exits instead of starting (it refused its state) is down for good.
      lastStartError = error instanceof Error ? error.message : String(error);
      record({ type: 'log', boot, message: `did not start: ${lastStartError}` });
      record({ type: 'killed', boot, exited: true });
      return false;
    } finally {
      starting--;
    }
    subjectSettled = false;
    let polls = 0;
    const booted = (): void => {
      if (stopped || !subject.running) return;
      if (subjectSettled || polls++ >= BOOT_POLLS) void sample('booted');
      else later(booted, SETTLED_POLL_MS);
    };
    pollSettled();
    later(booted, SETTLED_POLL_MS);
    return true;
  };

  const restart = async (
    downMs: number,
    corrupt: StateCorruption | undefined,
    seed: number,
  ): Promise<BotReply> => {
    // One restart at a time: another one that comes while this one kills, waits or starts finds it down.
    if (restarting || scheduler.now() < downUntil || starting > 0)
      return { status: 'ok', result: { restart: 'already down' } };
    restarting = true;
    // A kill is verified: one that finds no process (it exited by itself) did nothing, and says so.
    let wasRunning = subject.running;
    if (wasRunning) {
      killedBoot = boot;
      try {
        await subject.kill();
      } catch {
        // It exited by itself between the look and the kill (SHK_FAULT_NO_PROCESS).
        wasRunning = false;
      }
      // Whatever of its connections the relay still holds ends with it.
      relay.terminateAll();
      if (wasRunning) record({ type: 'killed', boot });
    }
    downUntil = scheduler.now() + downMs;
    later(() => {
      if (stopped) return;
      const changed = corrupt !== undefined && corruptStateDir(stateDir, corrupt, seed);
      void start(changed ? (corrupt ?? null) : null).finally(() => {
        restarting = false;
      });
    }, downMs);
    const then = `starts again in ${downMs} ms${corrupt ? ` on a ${corrupt} state file` : ''}`;
    return wasRunning
      ? { status: 'ok', result: { restart: `killed; ${then}` } }
      : {
          status: 'fail',
          code: 'SHK_FAULT_NO_PROCESS',
          message: `the subject was not running (it had exited): nothing to kill; it ${then}`,
        };
  };

  const intent = async (what: SubjectIntent): Promise<BotReply> => {
    if (!subject.running) {
      return {
        status: 'fail',
        code: 'subject_down',
        message: restarting || starting > 0 ? 'the subject is down (restarting)' : 'the subject exited',
      };
    }
    const intentBoot = boot;
    const { reply, askedAt: givenAt } = await control(() => subject.request('intent', { intent: what }));
    if (reply.status !== 'ok') {
      releaseWire();
      return reply;
    }
    const ack = reply.result as IntentAck;
    record({ type: 'intent', boot: intentBoot, intent: what, ack }, givenAt);
    releaseWire();
    subjectSettled = false;
    pollSettled();
    await sample('step');
    return ack.accepted
      ? { status: 'ok', result: ack }
      : { status: 'fail', code: 'intent_refused', message: ack.reason };
  };

  // --- The rest of the market and the operator, on the venue directly; the observer. ---
  side.observe();

  const subjectClient: Client<BotAction, BotEvent, unknown> = {
    name: 'subject',
    events$: subjectLane.events$,
    send: (action) =>
      fromAsync(async (): Promise<BotReply> => {
        if (action.kind === 'intent') return intent(action.intent);
        if (action.kind === 'restart') return restart(action.downMs, action.corrupt, action.seed ?? 0);
        return {
          status: 'fail',
          code: 'not_a_subject_action',
          message: `${action.kind} is not for the subject`,
        };
      }),
    settled: () => settled(),
    close: () => undefined,
  };
  const marketClient = side.marketClient();
  const adminClient = side.adminClient();

  /** Not down, not starting, and the subject itself says it has no work under way. */
  const settled = (): boolean => {
    if (restarting || scheduler.now() < downUntil || starting > 0) return false;
    if (!subject.running) return true;
    if (!subjectSettled) pollSettled();
    return subjectSettled;
  };

  /**
   * The subject's final belief. A subject that is running but never answers is asked again and
   * again: the run then ends by the run timeout, with the verdict `hang`. One that is down or
   * gone believes nothing (null).
   */
  const finalState = async (): Promise<SubjectState | null> => {
    for (;;) {
      if (!subject.running) return null;
      const state = await sample('final');
      if (state !== undefined) return state;
      if (stopped) return null;
      // A pause between attempts (a macrotask): the process's exit must get a chance to be seen.
      await new Promise<void>((resolve) => later(resolve, SETTLED_POLL_MS));
    }
  };

  return {
    name: options.name ?? `process-subject ${options.command}`,
    scheduler,
    virtual: false,
    open: (client) =>
      fromAsync(async () => {
        if (client === 'admin') return adminClient;
        if (client === 'market') return marketClient;
        if (client === 'subject') {
          if (boot < 0 && !(await start(null))) {
            // The subject must start once for the run to mean anything: its refusal ends the run.
            throw new Error(`the subject did not start: ${lastStartError ?? options.command}`);
          }
          return subjectClient;
        }
        throw new Error(`a bots run has no client named ${client}`);
      }),
    snapshot: () =>
      fromAsync(async (): Promise<BotsSnapshot> => {
        const state = await finalState();
        return { venue: exchange.host.engine.snapshot(), account: account.id, symbol, subject: state };
      }),
    extraEvidence: () =>
      of({
        faults: log.list(),
        declared: { names: declaredNames, samples: declaredSamples },
        process: subject.record(),
        wireSkewMs: WIRE_SKEW_MS,
      }),
    inject: (fault: Fault, _client: string, step: number) => of(injectLink(proxy, fault, step)),
    settled: () => settled(),
    stop: () =>
      fromAsync(async () => {
        stopped = true;
        for (const timer of timers) timer.unsubscribe();
        timers.clear();
        await subject.stop();
        side.close();
        await release();
      }),
  };
}

/**
 * One lane's events. The subject boots (dials, logs in, reconciles) before the run listens to
 * its client, on the real clock: what comes before the first subscriber is kept for it.
 */
class Lane {
  private early: ClientEvent<BotEvent>[] | undefined = [];
  private readonly live = new Subject<ClientEvent<BotEvent>>();
  readonly events$ = new Observable<ClientEvent<BotEvent>>((subscriber) => {
    const early = this.early ?? [];
    this.early = undefined;
    for (const event of early) subscriber.next(event);
    return this.live.subscribe(subscriber);
  });

  next(event: ClientEvent<BotEvent>): void {
    if (this.early !== undefined) this.early.push(event);
    else this.live.next(event);
  }
}

/** Link faults act on the subject's link in the proxy; anything else is not for a subject's link. */
function injectLink(proxy: WsChaosProxy, fault: Fault, step: number): BotReply {
  if (fault.type !== 'frame' && fault.type !== 'response' && fault.type !== 'connection') {
    return {
      status: 'fail',
      code: 'SHK_FAULT_UNSUPPORTED',
      message: `${fault.type}.${fault.effect} is not a fault of the subject's link (a restart action kills the subject)`,
    };
  }
  const result = proxy.inject(SUBJECT_STREAM, fault, step);
  return result.ok
    ? { status: 'ok', result: { fault: result.message } }
    : { status: 'fail', code: 'SHK_FAULT_UNSUPPORTED', message: result.message };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The messages of one frame from the venue (an array when batched); a broken frame as the dialer reports one. */
function serverMessages(text: string): ServerMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [{ type: 'error', error: { code: BAD_FRAME_FROM_TARGET, message: 'frame is not JSON' } }];
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((m) =>
    typeof m === 'object' && m !== null && !Array.isArray(m)
      ? (m as ServerMessage)
      : { type: 'error', error: { code: BAD_FRAME_FROM_TARGET, message: 'frame is not a JSON object' } },
  );
}

/** One value from an async function, run when subscribed; a rejection is the Observable's error. */
function fromAsync<T>(make: () => Promise<T>): Observable<T> {
  return defer(make);
}

function txnOf(event: BotEvent): number | undefined {
  if (event.type === 'venue') return event.message.txn;
  if (event.type === 'received' && event.message.type === 'event') return event.message.txn;
  return undefined;
}
