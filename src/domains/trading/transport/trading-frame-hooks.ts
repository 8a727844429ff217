import type { ResponseFault } from '../../../core/faults/fault.ts';
import type { FrameHooks } from '../../../core/faults/link-chaos.ts';
import type { ClientRequest, ErrorResponse, ServerMessage } from '../protocol/protocol-messages.ts';

/** The protocol's answer to a response fault: a 429 with retry-after, or a 5xx-style `unavailable`. */
export function forgedResponse(id: string, fault: ResponseFault): ErrorResponse {
  if (fault.effect === 'reject_429') {
    const retryAfterMs = fault.retryAfterMs ?? 100;
    return {
      type: 'response',
      id,
      ok: false,
      error: {
        code: 'rate_limited',
        message: `429 injected by shakedown; retry after ${retryAfterMs} ms`,
        retryAfterMs,
      },
    };
  }
  return {
    type: 'response',
    id,
    ok: false,
    error: { code: 'unavailable', message: '503 injected by shakedown' },
  };
}

type Frame = ClientRequest | ServerMessage;

/** In-process frames are objects: only a damaged frame is turned into text. */
export const tradingObjectFrameHooks: FrameHooks<Frame> = {
  text: (frame) => JSON.stringify(frame),
  requestId: (frame) =>
    'type' in frame && frame.type !== 'response' && 'id' in frame ? String(frame.id) : undefined,
  responseId: (frame) => (frame.type === 'response' ? String(frame.id) : undefined),
  forge: (id, fault) => forgedResponse(id, fault),
  label: (frame) => labelOf(frame as unknown as Record<string, unknown>),
};

/** `stream#seq` for an event, `response#id` for an answer, the request type and id otherwise. */
function labelOf(frame: Record<string, unknown> | undefined): string | undefined {
  if (frame === undefined) return undefined;
  if (frame.type === 'event') return `${String(frame.stream)}#${String(frame.seq)}`;
  if (frame.type === 'response') return `response#${String(frame.id)}`;
  if (frame.id !== undefined) return `${String(frame.type)}#${String(frame.id)}`;
  return undefined;
}

/** The id field of a frame's JSON, read only when a response fault is armed. */
function idOf(text: string): { type?: unknown; id?: unknown; stream?: unknown; seq?: unknown } | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as { type?: unknown; id?: unknown })
      : undefined;
  } catch {
    return undefined;
  }
}

/** Over WebSocket, frames are text as they crossed the wire. */
export const tradingTextFrameHooks: FrameHooks<string> = {
  text: (frame) => frame,
  requestId: (frame) => {
    const parsed = idOf(frame);
    return parsed?.id !== undefined && parsed.type !== 'response' ? String(parsed.id) : undefined;
  },
  responseId: (frame) => {
    const parsed = idOf(frame);
    return parsed?.type === 'response' && parsed.id !== undefined ? String(parsed.id) : undefined;
  },
  forge: (id, fault) => JSON.stringify(forgedResponse(id, fault)),
  label: (frame) => labelOf(idOf(frame) as Record<string, unknown> | undefined),
};
