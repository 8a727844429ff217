import type { ControlRequest } from '../subject.ts';

/**
 * The control channel between shakedown and a subject run as a separate process
 * (docs/bots.md, "The control channel"): one JSON object per line, requests (subject.ts
 * ControlRequest) on the subject's stdin, replies (subject.ts ControlReply) and its own lines
 * on its stdout. This file reads and writes those lines; what they carry is subject.ts'.
 */

export type ControlOp = ControlRequest['op'];

export const CONTROL_OPS: readonly ControlOp[] = [
  'intent',
  'state',
  'settled',
  'consume',
  'invariants',
  'stop',
];

/**
 * The line a subject prints once it has booted and takes requests: `{"ready":true}`. The
 * supervisor waits for it before the subject counts as started (a start that never prints it
 * fails after the start timeout; a subject that exits first, refusing bad state, is seen so).
 */
export const READY_LINE = /^\s*(\{\s*"ready"\s*:\s*true\s*\})\s*$/;

/** One stdout line of the subject, classified. */
export type ControlLine =
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'log'; text: string }
  | { kind: 'ready' }
  | { kind: 'blank' }
  | { kind: 'bad'; why: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one stdout line of the subject. Never throws: a line that is none of the shapes of the
 * channel is `bad`, with the reason; the caller reports it with the line itself.
 */
export function parseControlLine(line: string): ControlLine {
  if (line.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { kind: 'bad', why: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!isRecord(value)) return { kind: 'bad', why: 'JSON but not an object' };
  if (!('id' in value)) {
    if (typeof value.log === 'string') return { kind: 'log', text: value.log };
    if (value.ready === true) return { kind: 'ready' };
    return { kind: 'bad', why: 'neither a reply (no id) nor {"log": "..."} nor {"ready": true}' };
  }
  const id = value.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) {
    return { kind: 'bad', why: 'id must be a positive integer' };
  }
  if (value.ok === true) return { kind: 'reply', id, ok: true, result: value.result };
  if (value.ok === false) {
    if (typeof value.error !== 'string' || value.error === '') {
      return { kind: 'bad', why: 'a reply with ok:false must carry error, a non-empty string (its code)' };
    }
    return { kind: 'reply', id, ok: false, error: value.error };
  }
  return { kind: 'bad', why: 'a reply must have ok: true or ok: false' };
}

/** A request as one line of the subject's stdin. */
export function encodeControlRequest(request: ControlRequest): string {
  return `${JSON.stringify(request)}\n`;
}
