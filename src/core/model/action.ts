/**
 * What the core knows of an action: which client sends it, and how long after the previous
 * action it is sent (0 sends it in the same instant, which is how races are made). Everything
 * else belongs to the domain pack.
 */
export interface ActionBase {
  kind: string;
  client: string;
  /** Virtual (or real) milliseconds to wait after sending the previous action. */
  gapMs: number;
  /**
   * Sent to be refused (a malformed request, a value the system must reject): its refusal is
   * the expected answer, so it does not count toward a property's "mostly refused" warning.
   */
  expectRefusal?: boolean;
}
