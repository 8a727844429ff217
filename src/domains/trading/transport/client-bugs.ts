/**
 * Planted bugs of the reference trading client. A venue is only half the system: bots and
 * execution kernels mishandle retries and reconnects in these exact ways. Each is off by
 * default and names the invariant that must catch it, which proves that invariant can fail.
 */
export const CLIENT_BUGS = [
  {
    name: 'retry_fresh_client_order_id',
    summary: 'a timed-out place is retried under a new client order id, so it can execute twice',
    invariant: 'retries.execute-once',
  },
  {
    name: 'ignore_retry_after',
    summary: 'after a 429 the client retries at once instead of waiting the retry-after',
    invariant: 'client.backoff',
  },
  {
    name: 'no_backoff',
    summary: 'after a lost connection the client redials at once, again and again',
    invariant: 'client.backoff',
  },
  {
    name: 'reconnect_without_catch_up',
    summary: 'after a lost connection the client logs in again but neither resyncs nor resumes',
    invariant: 'reconnect.ghost-fills-found',
  },
] as const;

export type ClientBug = (typeof CLIENT_BUGS)[number]['name'];
export const CLIENT_BUG_NAMES: readonly ClientBug[] = CLIENT_BUGS.map((b) => b.name);

export function isClientBug(value: string): value is ClientBug {
  return (CLIENT_BUG_NAMES as readonly string[]).includes(value);
}
