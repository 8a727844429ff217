import { describeFault } from '../../../core/faults/fault.ts';
import type { FeedsAction } from '../feeds-action.ts';

/** One line per feeds action, for reports and counterexamples. */
export function describeFeedsAction(action: FeedsAction): string {
  const who = `${action.client} +${action.gapMs}ms`;
  switch (action.kind) {
    case 'subscribe':
      return `${who} subscribe ${action.tag} ${action.channel}${action.filter ? ` ${JSON.stringify(action.filter)}` : ''}`;
    case 'unsubscribe':
      return `${who} unsubscribe ${action.tag}`;
    case 'eth_getBlockByNumber':
      return `${who} eth_getBlockByNumber ${action.block}`;
    case 'eth_getLogs':
      return `${who} eth_getLogs ${JSON.stringify(action.filter)}`;
    case 'eth_blockNumber':
      return `${who} eth_blockNumber`;
    case 'upstream': {
      const { kind, ...rest } = action.control;
      return `${who} upstream ${kind} ${JSON.stringify(rest)}`;
    }
    case 'configure':
      return `${who} configure ${JSON.stringify(action.config)}`;
    case 'fault':
      return `${who} fault ${describeFault(action.fault)}`;
  }
}
