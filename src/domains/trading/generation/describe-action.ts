import { describeFault } from '../../../core/faults/fault.ts';
import type { OrderTarget, TradingAction } from '../trading-action.ts';

/** Wire values printed as JSON, so that junk stays visible: "NaN" (a string) is not NaN. */
const wire = (value: unknown): string => (value === undefined ? '-' : JSON.stringify(value));

const target = (t: OrderTarget): string =>
  `${t.byOrderId ? 'orderIdOf' : 'clientOrderId'} ${t.clientOrderId}@${t.step}`;

/** One line per action, for counterexamples: who, what, and how long after the previous one. */
export function describeAction(action: TradingAction): string {
  const head = `+${action.gapMs}ms ${action.client} ${action.kind}`;
  switch (action.kind) {
    case 'place': {
      const tif = action.tif ? `/${action.tif}` : '';
      const stp = action.stp ? ` stp=${action.stp}` : '';
      const stop = action.stopPrice === undefined ? '' : ` stop=${wire(action.stopPrice)}`;
      return `${head} ${action.symbol} ${action.side} ${action.orderType}${tif} ${wire(action.qty)}@${wire(action.price)}${stop} ${action.clientOrderId}${stp}`;
    }
    case 'cancel':
      return `${head} ${target(action.target)}`;
    case 'replace':
      return `${head} ${target(action.target)} price=${wire(action.price)} qty=${wire(action.qty)}`;
    case 'cancel_all':
      return `${head} ${action.symbol ?? '*'}`;
    case 'set_mark':
      return `${head} ${action.symbol} ${wire(action.price)}`;
    case 'reconnect':
      return `${head} ${action.mode}`;
    case 'halt':
    case 'resume_trading':
      return `${head} ${action.symbol ?? '*'}`;
    case 'reset':
      return head;
    case 'status':
      return `${head} ${target(action.target)}`;
    case 'malformed':
      return `${head} ${JSON.stringify(action.request)}`;
    case 'configure': {
      const c = action.config;
      const instruments = c.instruments.map(
        (i) => `${i.symbol} tick ${i.tickSize} lot ${i.lotSize} x${i.contractMultiplier ?? 1}`,
      );
      return `${head} ${instruments.join(', ')}; retain ${c.retainFinishedOrders}, resume buffer ${c.resumeBuffer}`;
    }
    case 'fault':
      return `${head} ${describeFault(action.fault)}`;
  }
}
