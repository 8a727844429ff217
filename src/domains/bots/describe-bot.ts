import { describeFault } from '../../core/faults/fault.ts';
import type { BotAction } from './bot-action.ts';
import type { BotEvent } from './bot-event.ts';
import type { SubjectIntent } from './subject.ts';

/** One line for an intent: `set_grid i0 20000±25 x3 0.01`, `enter i3 buy 0.007 @ 19975`. */
export function describeIntent(intent: SubjectIntent): string {
  switch (intent.type) {
    case 'set_grid':
      return `set_grid ${intent.id} ${intent.center}±${intent.step} x${intent.levels} ${intent.qty}`;
    case 'enter':
      return `enter ${intent.id} ${intent.side} ${intent.qty}${intent.price === undefined ? ' at market' : ` @ ${intent.price}`}`;
    case 'exit':
      return `exit ${intent.id} ${intent.qty ?? 'all'}${intent.price === undefined ? '' : ` @ ${intent.price}`}`;
    case 'cancel':
      return `cancel ${intent.id} ${intent.target ?? 'everything'}`;
    case 'mark':
      return `mark ${intent.id} ${intent.price}`;
    case 'set_params':
      return `set_params ${intent.id} ${JSON.stringify(intent.params)}`;
    default:
      return `${intent.type} ${intent.id}`;
  }
}

/** One line per action of a bots run, for timelines and counterexamples. */
export function describeBotAction(action: BotAction): string {
  switch (action.kind) {
    case 'intent':
      return `subject ← ${describeIntent(action.intent)}`;
    case 'restart':
      return `subject killed, restarts after ${action.downMs} ms${action.corrupt ? ` on a ${action.corrupt} state file` : ''}`;
    case 'market_place':
      return `${action.account} ${action.side} ${action.qty} @ ${action.price} ${action.tif} (${action.clientOrderId})`;
    case 'market_cancel':
      return `${action.account} cancels ${action.clientOrderId}`;
    case 'mark':
      return `mark → ${action.price}${action.spike ? ' (volatility spike)' : ''}`;
    case 'venue_mode': {
      const on = Object.entries(action.modes)
        .filter(([, v]) => v)
        .map(([k]) => k);
      return `venue modes: ${on.length === 0 ? 'calm' : on.join(', ')}`;
    }
    case 'fault':
      return `fault on the subject's link: ${describeFault(action.fault)}`;
  }
}

/** One line per event of a bots run. */
export function describeBotEvent(event: BotEvent): string {
  switch (event.type) {
    case 'sent':
      return `[boot ${event.boot} conn ${event.conn}] → ${event.request.type} ${JSON.stringify(event.request)}`;
    case 'received': {
      const m = event.message;
      if (m.type === 'event')
        return `[boot ${event.boot} conn ${event.conn}] ← ${m.stream}#${m.seq} ${m.event.type}`;
      if (m.type === 'response')
        return `[boot ${event.boot} conn ${event.conn}] ← response #${String(m.id)} ${m.ok ? 'ok' : m.error.code}`;
      return `[boot ${event.boot} conn ${event.conn}] ← error ${m.error.code}`;
    }
    case 'mode_refused':
      return `[boot ${event.boot}] ${event.request.type} refused by venue mode ${event.mode}`;
    case 'dialing':
      return `[boot ${event.boot}] dialing`;
    case 'dialed':
      return event.conn === null
        ? `[boot ${event.boot}] dial refused: ${event.error ?? ''}`
        : `[boot ${event.boot}] connected (conn ${event.conn})`;
    case 'closed':
      return `[boot ${event.boot}] conn ${event.conn} closed by ${event.by}`;
    case 'started':
      return `boot ${event.boot} started${event.corrupted ? ` on a ${event.corrupted} state file` : ''}`;
    case 'killed':
      return `boot ${event.boot} ${event.exited ? 'exited' : 'killed'}`;
    case 'intent':
      return `[boot ${event.boot}] ${describeIntent(event.intent)}: ${event.ack.accepted ? 'accepted' : `refused (${event.ack.reason})`}`;
    case 'state': {
      const s = event.state;
      return `[boot ${event.boot}] ${event.why} state: ${Object.keys(s.openOrders).length} open, positions ${JSON.stringify(s.positions)}, cash ${s.cash}${s.halted ? `, halted (${s.haltReason ?? ''})` : ''}`;
    }
    case 'declared':
      return `[boot ${event.boot}] declared checks: ${event.checks
        .filter((c) => c.problems.length > 0)
        .map((c) => `${c.name}: ${c.problems[0]}`)
        .join('; ')}`;
    case 'log':
      return `[boot ${event.boot}] ${event.message}`;
    case 'venue':
      return `venue ${event.message.stream}#${event.message.seq} ${event.message.event.type}`;
    case 'modes':
      return `venue modes ${JSON.stringify(event.modes)}`;
  }
}
