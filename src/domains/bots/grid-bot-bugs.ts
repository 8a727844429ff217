import type { PlantedBugInfo } from '../../core/model/domain-pack.ts';

/**
 * The planted bugs of the worked example, examples/grid-bot (switched on by GRID_BOT_BUGS or
 * `--bug`), and the bots invariant that catches each. A subject module declares its own bugs
 * (SubjectModule.plantedBugs); these are the example's, for `list --bugs`.
 */
export const GRID_BOT_BUG_INFO: readonly PlantedBugInfo[] = [
  {
    name: 'no_boot_reconciliation',
    invariant: 'bots.reconciliation',
    summary:
      'boots on its state file without resuming or resyncing: fills made while it was down are never found',
    side: 'client',
    needs: 'restart',
  },
  {
    name: 'random_client_ids',
    invariant: 'bots.no-duplicate-execution',
    summary:
      'draws a fresh client order id for every attempt: a place retried after a 5xx or a restart executes twice',
    side: 'client',
    needs: 'faults',
  },
  {
    name: 'retry_at_once_after_429',
    invariant: 'bots.backoff-after-429',
    summary: "sends a rate-limited request again at once, ignoring the 429's retry-after",
    side: 'client',
    needs: 'faults',
  },
  {
    name: 'state_without_checksum',
    invariant: 'bots.fail-closed',
    summary: 'writes its state file without a checksum and trusts whatever it reads back (or starts afresh)',
    side: 'client',
    needs: 'restart',
  },
  {
    name: 'breaker_not_persisted',
    invariant: 'bots.risk-breaker',
    summary: 'keeps a tripped circuit breaker in memory only: after a restart it trades again',
    side: 'client',
    needs: 'restart',
  },
  {
    name: 'fills_applied_twice_after_resync',
    invariant: 'bots.reconciliation',
    summary: 'adds the fills a resume replayed on top of the resync snapshot that already counts them',
    side: 'client',
    needs: 'restart',
  },
];
