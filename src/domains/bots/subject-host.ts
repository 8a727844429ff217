import type { SchedulerLike, Subscription } from 'rxjs';
import type { InprocVenue } from '../trading/targets/inproc-venue.ts';
import type { StateCorruption } from './bot-action.ts';
import type { AccountTruth, BotEvent } from './bot-event.ts';
import { KillableScheduler } from './killable-scheduler.ts';
import type { MemoryStateStore } from './memory-state-store.ts';
import type {
  DeclaredCheck,
  IntentAck,
  Subject,
  SubjectContext,
  SubjectFactory,
  SubjectInstrument,
  SubjectIntent,
  SubjectRiskLimits,
  SubjectState,
} from './subject.ts';
import { type ModeRefusal, SubjectLink } from './subject-link.ts';

export interface SubjectHostOptions {
  factory: SubjectFactory;
  venue: InprocVenue;
  scheduler: SchedulerLike;
  store: MemoryStateStore;
  account: { id: string; key: string };
  instrument: SubjectInstrument;
  risk: SubjectRiskLimits;
  env: Readonly<Record<string, string | undefined>>;
  bugs: readonly string[];
  seed: number;
  latencyMs: number;
  record: (event: BotEvent) => void;
  refusal: ModeRefusal;
  /** The venue's truth about the subject's account now (sampled with the state once it has booted). */
  truth?: () => AccountTruth | undefined;
}

/** How often a restarted subject is asked whether it has booted, and for how long at most. */
const BOOT_POLL_MS = 5;
const BOOT_POLLS = 400;

/**
 * Runs one subject in process, through its kills and restarts: each start is a fresh instance
 * from the factory, on the same state store, with a scheduler and a link of its own that a kill
 * takes away at once. A factory or a method that throws is the subject exiting: it is down from
 * then on, and the lane says so.
 */
export class SubjectHost {
  private instance: Subject | undefined;
  private link: SubjectLink | undefined;
  private clock: KillableScheduler | undefined;
  private bootCount = -1;
  private conns = 0;
  private downUntil = Number.NEGATIVE_INFINITY;
  private exited = false;
  private readonly timers: Subscription[] = [];
  /** Declared-invariant checks run, over how many samples. */
  declaredSamples = 0;
  declaredNames: string[] = [];

  constructor(private readonly options: SubjectHostOptions) {}

  get boot(): number {
    return this.bootCount;
  }

  /** Up and running (not killed, not waiting to restart, not exited). */
  get up(): boolean {
    return this.instance !== undefined;
  }

  start(corrupted: StateCorruption | null = null): void {
    const o = this.options;
    const boot = ++this.bootCount;
    this.exited = false;
    const clock = new KillableScheduler(o.scheduler);
    const link = new SubjectLink({
      boot,
      dial: () => o.venue.dialer('subject'),
      nextConn: () => ++this.conns,
      record: o.record,
      refusal: o.refusal,
      later: (work) => clock.schedule(work, o.latencyMs),
    });
    this.clock = clock;
    this.link = link;
    o.record({ type: 'started', boot, corrupted, files: o.store.list() });
    const context: SubjectContext = {
      dial: link.dial,
      scheduler: clock,
      account: o.account,
      instrument: o.instrument,
      risk: o.risk,
      store: o.store,
      env: o.env,
      bugs: o.bugs,
      seed: o.seed,
      boot,
      log: (message) => {
        if (!clock.killed) o.record({ type: 'log', boot, message });
      },
    };
    try {
      this.instance = o.factory(context);
    } catch (error) {
      this.exit(error);
      return;
    }
    this.declaredNames = (this.instance.invariants ?? []).map((i) => i.name);
    this.watchBoot(boot, 0);
  }

  /** SIGKILL, then a fresh start after `downMs`, with the state files damaged first if asked. */
  restart(downMs: number, corrupt: StateCorruption | undefined, seed: number): string {
    const now = this.options.scheduler.now();
    if (now < this.downUntil) return 'already down';
    this.kill();
    this.downUntil = now + downMs;
    this.timers.push(
      this.options.scheduler.schedule(() => {
        if (corrupt !== undefined) this.options.store.corrupt(corrupt, seed);
        // Damage from an earlier restart that nothing rewrote since still counts.
        this.start(this.options.store.damaged);
      }, downMs),
    );
    return `killed; restarts in ${downMs} ms${corrupt ? ` on a ${corrupt} state file` : ''}`;
  }

  /** Hands an intent to the running instance; none runs while it is down. */
  intent(intent: SubjectIntent): IntentAck | { down: string } {
    const instance = this.instance;
    if (instance === undefined) return { down: this.exited ? 'the subject exited' : 'the subject is down' };
    let ack: IntentAck;
    try {
      ack = instance.intent(intent);
    } catch (error) {
      this.exit(error);
      return { down: 'the subject threw on an intent and exited' };
    }
    this.options.record({ type: 'intent', boot: this.bootCount, intent, ack });
    return ack;
  }

  /** Its current belief, or undefined while it is down or gone. */
  state(): SubjectState | undefined {
    if (this.instance === undefined) return undefined;
    try {
      return this.instance.state();
    } catch (error) {
      this.exit(error);
      return undefined;
    }
  }

  /** Runs its declared invariants over its current state (none while it is down). */
  declared(): DeclaredCheck[] {
    const instance = this.instance;
    const state = this.state();
    if (instance === undefined || state === undefined) return [];
    this.declaredSamples++;
    return (instance.invariants ?? []).map((inv) => {
      let problems: string[];
      try {
        problems = inv.check(state);
      } catch (error) {
        problems = [`the check threw: ${error instanceof Error ? error.message : String(error)}`];
      }
      return { name: inv.name, description: inv.description, problems };
    });
  }

  /** Samples its state and its declared checks onto the lane. */
  sample(why: 'step' | 'booted' | 'final', withTruth = why === 'booted'): void {
    const state = this.state();
    if (state === undefined) return;
    const venue = withTruth ? this.options.truth?.() : undefined;
    this.options.record({ type: 'state', boot: this.bootCount, state, why, ...(venue ? { venue } : {}) });
    const checks = this.declared();
    if (checks.some((c) => c.problems.length > 0))
      this.options.record({ type: 'declared', boot: this.bootCount, checks });
  }

  /** Down (restarting) or still at work of its own. */
  settled(): boolean {
    if (this.options.scheduler.now() < this.downUntil) return false;
    const instance = this.instance;
    if (instance === undefined) return true;
    try {
      return instance.settled?.() ?? true;
    } catch {
      return true;
    }
  }

  /** The end of the run: a graceful stop of whatever runs, and every timer gone. */
  stop(): void {
    for (const timer of this.timers) timer.unsubscribe();
    const instance = this.instance;
    this.instance = undefined;
    try {
      instance?.stop();
    } catch {
      // A subject that throws on stop is stopped all the same.
    }
    this.link?.kill();
    this.clock?.kill();
  }

  private kill(): void {
    if (this.instance === undefined && this.link === undefined) return;
    this.instance = undefined;
    this.link?.kill();
    this.clock?.kill();
    this.options.record({ type: 'killed', boot: this.bootCount });
  }

  private exit(error: unknown): void {
    const boot = this.bootCount;
    this.options.record({
      type: 'log',
      boot,
      message: `exited: ${error instanceof Error ? error.message : String(error)}`,
    });
    this.instance = undefined;
    this.link?.kill();
    this.clock?.kill();
    this.exited = true;
    this.options.record({ type: 'killed', boot, exited: true });
  }

  /** Once a start has settled (or given up), its state is sampled: the belief it booted with. */
  private watchBoot(boot: number, polls: number): void {
    this.timers.push(
      this.options.scheduler.schedule(() => {
        if (this.bootCount !== boot || this.instance === undefined) return;
        // The venue's truth goes with it only when the subject says it has caught up.
        if (this.settled()) this.sample('booted');
        else if (polls >= BOOT_POLLS) this.sample('booted', false);
        else this.watchBoot(boot, polls + 1);
      }, BOOT_POLL_MS),
    );
  }
}
