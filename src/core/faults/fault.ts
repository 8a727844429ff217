import type { ActionBase } from '../model/action.ts';

/**
 * Faults are data: an entry in the same generated sequence as the actions, so fast-check
 * shrinks them together. The core knows the kinds of harm a link, a connection, a process or
 * a clock can suffer; which frames are requests and how a forged answer looks is the domain's.
 */

/** to_target: client → system under test; from_target: the other way. */
export type FrameDirection = 'to_target' | 'from_target';
export const FRAME_DIRECTIONS: readonly FrameDirection[] = ['to_target', 'from_target'];

export const FRAME_EFFECTS = ['drop', 'delay', 'duplicate', 'reorder', 'truncate', 'garble'] as const;
export const CONNECTION_EFFECTS = ['close', 'reset', 'half_open', 'flap'] as const;
export const RESPONSE_EFFECTS = ['reject_429', 'error_5xx'] as const;
export const PROCESS_EFFECTS = ['crash_restart', 'pause'] as const;
export const CLOCK_EFFECTS = ['jump'] as const;

export type FrameEffect = (typeof FRAME_EFFECTS)[number];
export type ConnectionEffect = (typeof CONNECTION_EFFECTS)[number];
export type ResponseEffect = (typeof RESPONSE_EFFECTS)[number];
export type ProcessEffect = (typeof PROCESS_EFFECTS)[number];
export type ClockEffect = (typeof CLOCK_EFFECTS)[number];

/** Acts on the next `count` frames one way on one client's link. */
export interface FrameFault {
  type: 'frame';
  effect: FrameEffect;
  direction: FrameDirection;
  count: number;
  /** delay: how long each frame is held; later frames queue behind it, as on one TCP stream. */
  delayMs?: number;
  /** delay: up to this much more, drawn from `seed`. */
  jitterMs?: number;
  /** reorder: the frame is released after this many later frames went past it. */
  holdFor?: number;
  /** Drives jitter, cut points and garbling, so a fault replays exactly. */
  seed?: number;
}

/** Acts on one client's connection. The client must notice (or not) and come back by itself. */
export interface ConnectionFault {
  type: 'connection';
  effect: ConnectionEffect;
  /** After the cut, new connections from this client are refused for this long. */
  downMs: number;
  /** flap: how many cuts, `intervalMs` apart. */
  times?: number;
  intervalMs?: number;
}

/** Answers in place of the system: the `nth` request from now, then every `every`-th, `count` times. */
export interface ResponseFault {
  type: 'response';
  effect: ResponseEffect;
  nth: number;
  every?: number;
  count: number;
  /** reject_429: the retry-after the forged answer carries. */
  retryAfterMs?: number;
  /**
   * error_5xx: forward the request and replace its answer (the effect happened, the client
   * was told it failed), instead of answering without forwarding.
   */
  afterEffect?: boolean;
}

/** Acts on the process of a target the tool started itself. */
export interface ProcessFault {
  type: 'process';
  effect: ProcessEffect;
  /** crash_restart: how long the process stays dead; pause: how long it stays stopped. */
  downMs: number;
}

/** Moves the target's clock (in-process targets only): the venue sees time jump ahead. */
export interface ClockFault {
  type: 'clock';
  effect: ClockEffect;
  ms: number;
}

export type Fault = FrameFault | ConnectionFault | ResponseFault | ProcessFault | ClockFault;

/** A fault's kind, as counters and `--faults` name it: `frame.drop`, `process.crash_restart`... */
export type FaultKind =
  | `frame.${FrameEffect}`
  | `connection.${ConnectionEffect}`
  | `response.${ResponseEffect}`
  | `process.${ProcessEffect}`
  | `clock.${ClockEffect}`;

export const FAULT_KINDS: readonly FaultKind[] = [
  ...FRAME_EFFECTS.map((e) => `frame.${e}` as const),
  ...CONNECTION_EFFECTS.map((e) => `connection.${e}` as const),
  ...RESPONSE_EFFECTS.map((e) => `response.${e}` as const),
  ...PROCESS_EFFECTS.map((e) => `process.${e}` as const),
  ...CLOCK_EFFECTS.map((e) => `clock.${e}` as const),
];

export function faultKind(fault: Fault): FaultKind {
  return `${fault.type}.${fault.effect}` as FaultKind;
}

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

/** Faults that hit the whole target rather than one client's link. */
export function isTargetWide(fault: Fault): boolean {
  return fault.type === 'process' || fault.type === 'clock';
}

/**
 * A fault in the action sequence. `client` names whose link it hits; target-wide faults
 * (process, clock) name the client that "noticed" them, which only matters for the record.
 */
export interface FaultAction extends ActionBase {
  kind: 'fault';
  fault: Fault;
}

export function isFaultAction(action: ActionBase): action is FaultAction {
  return action.kind === 'fault';
}

/** One line describing a fault, for timelines and messages. */
export function describeFault(fault: Fault): string {
  switch (fault.type) {
    case 'frame': {
      const extra =
        fault.effect === 'delay'
          ? ` ${fault.delayMs ?? 0}ms±${fault.jitterMs ?? 0}`
          : fault.effect === 'reorder'
            ? ` past ${fault.holdFor ?? 1}`
            : '';
      return `${fault.effect} next ${fault.count} frame(s) ${fault.direction}${extra}`;
    }
    case 'connection':
      return fault.effect === 'flap'
        ? `flap ${fault.times ?? 2}x every ${fault.intervalMs ?? 0}ms, down ${fault.downMs}ms`
        : `${fault.effect}, down ${fault.downMs}ms`;
    case 'response':
      return `${fault.effect} on request ${fault.nth}${fault.every ? ` then every ${fault.every}` : ''} x${fault.count}${fault.afterEffect ? ' (after effect)' : ''}`;
    case 'process':
      return `${fault.effect} for ${fault.downMs}ms`;
    case 'clock':
      return `clock jumps ${fault.ms}ms`;
  }
}
