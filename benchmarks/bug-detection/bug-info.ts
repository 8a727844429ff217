import { CLIENT_BUGS } from '../../src/domains/trading/transport/client-bugs.ts';
import { PLANTED_BUGS } from '../../src/exchange/bugs/planted-bugs.ts';

/** A planted bug as the report needs it: which invariant should catch it, and what it needs. */
export interface BugInfo {
  name: string;
  invariant: string;
  /** Venue bugs: trading, reconnect or restart; client bugs need faults. */
  needs: string;
}

export function bugInfo(name: string): BugInfo {
  const venue = PLANTED_BUGS.find((b) => b.name === name);
  if (venue) return { name, invariant: venue.invariant, needs: venue.needs };
  const client = CLIENT_BUGS.find((b) => b.name === name);
  if (client) return { name, invariant: client.invariant, needs: 'client (faults)' };
  throw new Error(`bug-detection: unknown bug ${name}`);
}
