import type { ResponseFault } from '../../../core/faults/fault.ts';
import type { FrameHooks } from '../../../core/faults/link-chaos.ts';
import { logKey } from '../protocol/chain-types.ts';
import { fromHexQuantity } from '../protocol/hex-quantity.ts';
import { JSON_RPC_ERRORS, jsonRpcError } from '../protocol/json-rpc.ts';

type Parsed = { id?: unknown; method?: unknown; result?: unknown; error?: unknown; params?: unknown };

function parse(text: string): Parsed | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Parsed)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The label the fault record gives a frame the chaos destroyed: `sub:<id>#<number>` for a head,
 * `sub:<id>#log:<block hash>:<index>` for a log, `response#<id>` for an answer. The feeds
 * invariants excuse exactly the heads and logs so labelled on that client's link.
 */
export function feedsFrameLabel(text: string): string | undefined {
  const frame = parse(text);
  if (frame === undefined) return undefined;
  if (frame.method === 'eth_subscription') {
    const params = frame.params as { subscription?: unknown; result?: Record<string, unknown> } | undefined;
    const result = params?.result;
    const stream = `sub:${String(params?.subscription)}`;
    if (result !== undefined && 'logIndex' in result) return `${stream}#log:${logKey(result as never)}`;
    const number = fromHexQuantity(result?.number);
    return number === undefined ? stream : `${stream}#${number}`;
  }
  if (frame.method !== undefined && frame.id !== undefined)
    return `${String(frame.method)}#${String(frame.id)}`;
  if (frame.id !== undefined) return `response#${String(frame.id)}`;
  return undefined;
}

/** The proxy's answer to a response fault: rate limited (429-like) or unavailable (5xx-like). */
export function forgedFeedsResponse(id: string, fault: ResponseFault): string {
  const numeric = Number(id);
  const rid = Number.isFinite(numeric) && String(numeric) === id ? numeric : id;
  return JSON.stringify(
    fault.effect === 'reject_429'
      ? jsonRpcError(rid, JSON_RPC_ERRORS.noUpstream, '429 injected by shakedown', {
          retryAfterMs: fault.retryAfterMs ?? 100,
        })
      : jsonRpcError(rid, JSON_RPC_ERRORS.upstreamError, '503 injected by shakedown'),
  );
}

/** The chaos layer's view of JSON-RPC text frames, in process and over the chaos proxy alike. */
export const feedsFrameHooks: FrameHooks<string> = {
  text: (frame) => frame,
  requestId: (frame) => {
    const parsed = parse(frame);
    return parsed?.method !== undefined && parsed.id !== undefined ? String(parsed.id) : undefined;
  },
  responseId: (frame) => {
    const parsed = parse(frame);
    return parsed !== undefined &&
      parsed.method === undefined &&
      parsed.id !== undefined &&
      parsed.id !== null
      ? String(parsed.id)
      : undefined;
  },
  forge: (id, fault) => forgedFeedsResponse(id, fault),
  label: (frame) => feedsFrameLabel(frame),
};
