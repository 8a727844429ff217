import type { SchedulerLike, Subscription } from 'rxjs';
import seedrandom from 'seedrandom';
import {
  type FaultKind,
  type FrameDirection,
  type FrameFault,
  faultKind,
  type ResponseFault,
} from './fault.ts';
import type { FaultLog } from './fault-record.ts';

/** What the chaos layer must know of a protocol's frames; the domain supplies it. */
export interface FrameHooks<F> {
  /** The frame as text, to cut or garble it. */
  text(frame: F): string;
  /** The id of a request going to the target, or undefined for anything else. */
  requestId(frame: F): string | undefined;
  /** The request id a frame from the target answers, or undefined for anything else. */
  responseId(frame: F): string | undefined;
  /** An answer to request `id` in the target's name, as the response fault says. */
  forge(id: string, fault: ResponseFault): F;
  /** A short name for a frame the chaos destroys (trading: `stream#seq`), for the fault record. */
  label?(frame: F): string | undefined;
}

export interface LinkChaosOptions<F> {
  client: string;
  scheduler: SchedulerLike;
  log: FaultLog;
  hooks: FrameHooks<F>;
  /** Hands a frame on (a damaged frame is handed on as text). */
  deliver(direction: FrameDirection, frame: F | string): void;
  /** A frame held back to reorder goes out after this long even if too few frames came. */
  maxHoldMs?: number;
}

interface ArmedFrame {
  fault: FrameFault;
  step: number;
  remaining: number;
  random: () => number;
}

interface ArmedResponse {
  fault: ResponseFault;
  step: number;
  /** Requests to let through before the next injection. */
  countdown: number;
  remaining: number;
}

interface Queued<F> {
  frame: F | string;
  readyAt: number;
}

interface Held<F> {
  frame: F;
  passesLeft: number;
  timer: Subscription;
}

class Lane<F> {
  readonly queue: Queued<F>[] = [];
  readonly held: Held<F>[] = [];
  readonly armed: ArmedFrame[] = [];
  timer: Subscription | undefined;
  timerAt = Number.POSITIVE_INFINITY;
}

/**
 * One client's link seen as two lanes of frames, each FIFO like the TCP stream under a
 * WebSocket. Faults armed on it act on the frames that cross it next: drop, delay (later
 * frames queue behind a delayed one), duplicate, reorder (held back until k later frames
 * passed), truncate and garble (handed on as broken text); response faults answer requests
 * in the target's name. With nothing armed and nothing queued, a frame goes straight through
 * in the same call, so a quiet link costs next to nothing. Time is the given scheduler's.
 */
export class LinkChaos<F> {
  private readonly lanes: Record<FrameDirection, Lane<F>> = {
    to_target: new Lane(),
    from_target: new Lane(),
  };
  private readonly responses: ArmedResponse[] = [];
  /** Requests whose answer is replaced (error_5xx after the effect), by id. */
  private readonly replaceAnswer = new Map<string, ArmedResponse>();
  private blackholeStep: number | undefined;

  constructor(private readonly options: LinkChaosOptions<F>) {}

  arm(fault: FrameFault | ResponseFault, step: number): void {
    if (fault.type === 'frame') {
      this.lanes[fault.direction].armed.push({
        fault,
        step,
        remaining: Math.max(1, fault.count),
        random: seedrandom(`${fault.seed ?? step}`),
      });
      return;
    }
    this.responses.push({
      fault,
      step,
      countdown: Math.max(1, fault.nth),
      remaining: fault.every === undefined ? 1 : Math.max(1, fault.count),
    });
  }

  /** Half-open: from now on nothing crosses either way, and nothing says so. */
  blackhole(step: number): void {
    this.blackholeStep = step;
  }

  get isBlackholed(): boolean {
    return this.blackholeStep !== undefined;
  }

  /** Whether anything is armed, queued or held (a link with nothing pending can be dropped). */
  get busy(): boolean {
    return (
      this.responses.length > 0 ||
      this.replaceAnswer.size > 0 ||
      this.lanes.to_target.armed.length > 0 ||
      this.lanes.from_target.armed.length > 0 ||
      this.inFlight
    );
  }

  /** Frames delayed or held back that have not crossed yet. */
  get inFlight(): boolean {
    // Read on every quiet check of every link: the two lanes by name, with nothing allocated.
    const { to_target: to, from_target: from } = this.lanes;
    return to.queue.length > 0 || to.held.length > 0 || from.queue.length > 0 || from.held.length > 0;
  }

  /** The connection died: frames queued or held die with it; armed faults wait for the next one. */
  clear(): void {
    for (const lane of Object.values(this.lanes)) {
      lane.queue.length = 0;
      for (const held of lane.held) held.timer.unsubscribe();
      lane.held.length = 0;
      lane.timer?.unsubscribe();
      lane.timer = undefined;
      lane.timerAt = Number.POSITIVE_INFINITY;
    }
    this.replaceAnswer.clear();
    this.blackholeStep = undefined;
  }

  /** One frame enters the link going `direction`. */
  pass(direction: FrameDirection, frame: F): void {
    if (this.blackholeStep !== undefined) {
      this.hit(this.blackholeStep, 'connection.half_open', { direction }, frame);
      return;
    }
    const lane = this.lanes[direction];
    if (this.responses.length > 0 || this.replaceAnswer.size > 0) {
      if (this.answeredInstead(direction, frame)) return;
    }
    const armed = lane.armed[0];
    if (armed === undefined) {
      this.enqueue(direction, frame, 0);
      this.countPass(direction);
      return;
    }
    if (--armed.remaining <= 0) lane.armed.shift();
    this.applyFrameFault(direction, frame, armed);
  }

  private applyFrameFault(direction: FrameDirection, frame: F, armed: ArmedFrame): void {
    const { fault, step } = armed;
    const kind = faultKind(fault);
    const destroys = fault.effect === 'drop' || fault.effect === 'truncate' || fault.effect === 'garble';
    this.hit(step, kind, { direction }, destroys ? frame : undefined);
    switch (fault.effect) {
      case 'drop':
        return;
      case 'delay': {
        const jitter = Math.floor(armed.random() * ((fault.jitterMs ?? 0) + 1));
        this.enqueue(direction, frame, Math.max(0, fault.delayMs ?? 0) + jitter);
        this.countPass(direction);
        return;
      }
      case 'duplicate':
        this.enqueue(direction, frame, 0);
        this.enqueue(direction, frame, 0);
        this.countPass(direction);
        return;
      case 'reorder': {
        const lane = this.lanes[direction];
        const held: Held<F> = {
          frame,
          passesLeft: Math.max(1, fault.holdFor ?? 1),
          timer: this.options.scheduler.schedule(
            () => this.release(direction, held),
            this.options.maxHoldMs ?? 100,
          ),
        };
        lane.held.push(held);
        return;
      }
      case 'truncate': {
        const text = this.options.hooks.text(frame);
        const cut = 1 + Math.floor(armed.random() * Math.max(1, text.length - 1));
        this.enqueue(direction, text.slice(0, Math.min(cut, text.length - 1)), 0);
        this.countPass(direction);
        return;
      }
      case 'garble': {
        const text = this.options.hooks.text(frame);
        const at = Math.floor(armed.random() * text.length);
        // Breaks the structure, never just a value: a garbled frame must not parse.
        this.enqueue(direction, `${text.slice(0, at)}\u0000}{${text.slice(at + 1, -1)}`, 0);
        this.countPass(direction);
        return;
      }
    }
  }

  /** Response faults: answers a request itself, or swaps the target's answer. True if handled. */
  private answeredInstead(direction: FrameDirection, frame: F): boolean {
    const hooks = this.options.hooks;
    if (direction === 'from_target') {
      if (this.replaceAnswer.size === 0) return false;
      const id = hooks.responseId(frame);
      const armed = id === undefined ? undefined : this.replaceAnswer.get(id);
      if (id === undefined || armed === undefined) return false;
      this.replaceAnswer.delete(id);
      this.enqueue('from_target', hooks.forge(id, armed.fault), 0);
      return true;
    }
    if (this.responses.length === 0) return false;
    const id = hooks.requestId(frame);
    if (id === undefined) return false;
    let injected: ArmedResponse | undefined;
    for (const armed of this.responses) {
      if (--armed.countdown > 0 || injected !== undefined) continue;
      injected = armed;
      armed.remaining--;
      armed.countdown = armed.fault.every ?? 1;
    }
    for (let i = this.responses.length - 1; i >= 0; i--) {
      if (this.responses[i].remaining <= 0) this.responses.splice(i, 1);
    }
    if (injected === undefined) return false;
    this.hit(injected.step, faultKind(injected.fault), { request: id });
    if (injected.fault.effect === 'error_5xx' && injected.fault.afterEffect) {
      this.replaceAnswer.set(id, injected);
      return false;
    }
    this.enqueue('from_target', hooks.forge(id, injected.fault), 0);
    return true;
  }

  /** A frame went past the held ones: each held frame waits for one fewer. */
  private countPass(direction: FrameDirection): void {
    const lane = this.lanes[direction];
    if (lane.held.length === 0) return;
    for (const held of [...lane.held]) {
      if (--held.passesLeft <= 0) this.release(direction, held);
    }
  }

  private release(direction: FrameDirection, held: Held<F>): void {
    const lane = this.lanes[direction];
    const at = lane.held.indexOf(held);
    if (at < 0) return;
    lane.held.splice(at, 1);
    held.timer.unsubscribe();
    this.enqueue(direction, held.frame, 0);
  }

  private enqueue(direction: FrameDirection, frame: F | string, delayMs: number): void {
    const lane = this.lanes[direction];
    if (delayMs === 0 && lane.queue.length === 0) {
      this.options.deliver(direction, frame);
      return;
    }
    lane.queue.push({ frame, readyAt: this.options.scheduler.now() + delayMs });
    this.drain(direction);
  }

  private drain(direction: FrameDirection): void {
    const lane = this.lanes[direction];
    const now = this.options.scheduler.now();
    while (lane.queue.length > 0 && lane.queue[0].readyAt <= now) {
      const next = lane.queue.shift() as Queued<F>;
      this.options.deliver(direction, next.frame);
    }
    if (lane.queue.length === 0) return;
    const at = lane.queue[0].readyAt;
    if (lane.timer !== undefined && lane.timerAt <= at) return;
    lane.timer?.unsubscribe();
    lane.timerAt = at;
    lane.timer = this.options.scheduler.schedule(() => {
      lane.timer = undefined;
      lane.timerAt = Number.POSITIVE_INFINITY;
      this.drain(direction);
    }, at - now);
  }

  private hit(step: number, kind: FaultKind, detail: Record<string, unknown>, destroyed?: F): void {
    const label = destroyed === undefined ? undefined : this.options.hooks.label?.(destroyed);
    this.options.log.hit(step, this.options.client, kind, this.options.scheduler.now(), detail, label);
  }
}
