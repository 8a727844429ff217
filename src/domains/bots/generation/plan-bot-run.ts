import type { Fault } from '../../../core/faults/fault.ts';
import type { BotAction, IntentAction, MarketAccount } from '../bot-action.ts';
import type { SubjectInstrument, SubjectIntent, SubjectRiskLimits } from '../subject.ts';
import type { TimedCommand } from './bot-commands.ts';

/** The grid a run opens with: around the starting mark, `levels` each side, `step` apart. */
export interface RunGrid {
  step: number;
  levels: number;
  lots: number;
}

function onTick(price: number, tick: number): number {
  return Math.round(Math.round(price / tick) * tick * 1e9) / 1e9;
}

function lots(n: number, lot: number): number {
  return Math.round(n * lot * 1e9) / 1e9;
}

/**
 * Turns a generated run into actions: the first is the grid intent, the rest follow the
 * commands, with prices on the ladder of that grid, intent ids and the market's client order ids
 * numbered in order (so a shrunk run is still well-formed), calm marks within a fraction of the
 * risk limit of the starting mark, and spikes beyond it.
 */
export function planBotRun(
  grid: RunGrid,
  commands: readonly TimedCommand[],
  instrument: SubjectInstrument,
  risk: SubjectRiskLimits,
): BotAction[] {
  const center = instrument.markPrice;
  const tick = instrument.tickSize;
  const qty = lots(grid.lots, Math.max(instrument.lotSize, instrument.minQty) * 10);
  const at = (j: number, shift = 0): number => onTick(center + (j + shift) * grid.step, tick);
  const intents: IntentAction[] = [];
  const marketOrders: { account: MarketAccount; clientOrderId: string }[] = [];
  let nextIntent = 0;
  let nextOrder = 0;
  let gridShift = 0;
  const intent = (gap: number, make: (id: string) => SubjectIntent): IntentAction => {
    const action: IntentAction = {
      kind: 'intent',
      client: 'subject',
      gapMs: gap,
      intent: make(`i${nextIntent++}`),
    };
    intents.push(action);
    return action;
  };
  const out: BotAction[] = [
    intent(0, (id) => ({ type: 'set_grid', id, center, step: grid.step, levels: grid.levels, qty })),
  ];
  for (const { gapMs, command } of commands) {
    switch (command.c) {
      case 'cross': {
        // A sell at a price the subject bids at (j < 0) or a buy where it offers (j > 0) trades with it.
        const side = command.j <= 0 ? 'sell' : 'buy';
        const size = command.partial ? lots(Math.max(1, Math.floor(grid.lots * 5)), instrument.lotSize) : qty;
        const clientOrderId = `m${nextOrder++}`;
        marketOrders.push({ account: command.account, clientOrderId });
        out.push({
          kind: 'market_place',
          client: 'market',
          gapMs,
          account: command.account,
          side,
          price: at(command.j, gridShift),
          qty: size,
          tif: command.rest ? 'gtc' : 'ioc',
          clientOrderId,
        });
        break;
      }
      case 'rest': {
        // Resting away from the grid: the subject's own orders may trade with it later.
        const side = command.j <= 0 ? 'buy' : 'sell';
        const clientOrderId = `m${nextOrder++}`;
        marketOrders.push({ account: command.account, clientOrderId });
        out.push({
          kind: 'market_place',
          client: 'market',
          gapMs,
          account: command.account,
          side,
          price: at(command.j + (command.j <= 0 ? -grid.levels - 1 : grid.levels + 1), gridShift),
          qty,
          tif: 'gtc',
          clientOrderId,
        });
        break;
      }
      case 'market_cancel': {
        if (marketOrders.length === 0) break;
        const order = marketOrders[command.k % marketOrders.length];
        out.push({
          kind: 'market_cancel',
          client: 'market',
          gapMs,
          account: order.account,
          clientOrderId: order.clientOrderId,
        });
        break;
      }
      case 'calm_mark': {
        const pct = (risk.maxMarkMovePct / 10) * command.delta;
        out.push({ kind: 'mark', client: 'admin', gapMs, price: onTick(center * (1 + pct / 100), tick) });
        break;
      }
      case 'spike': {
        const pct = risk.maxMarkMovePct * 1.6 * (command.up ? 1 : -1);
        out.push({
          kind: 'mark',
          client: 'admin',
          gapMs,
          price: onTick(center * (1 + pct / 100), tick),
          spike: true,
        });
        break;
      }
      case 'enter':
        out.push(
          intent(gapMs, (id) => ({
            type: 'enter',
            id,
            side: command.buy ? 'buy' : 'sell',
            qty: lots(command.lots * 7, instrument.lotSize),
            price: at(command.j, gridShift),
          })),
        );
        break;
      case 'exit': {
        // Off the grid's prices (half a step, plus a tick per intent), so no exit looks like another order.
        const price = onTick(at(command.j, gridShift) + grid.step / 2 + (nextIntent % 5) * tick, tick);
        const size = lots(3 * grid.lots, instrument.lotSize);
        out.push(
          intent(gapMs, (id) =>
            command.all ? { type: 'exit', id, price } : { type: 'exit', id, qty: size, price },
          ),
        );
        break;
      }
      case 'retry': {
        if (intents.length === 0) break;
        const earlier = intents[command.k % intents.length];
        out.push({ ...earlier, gapMs });
        break;
      }
      case 'cancel': {
        const targets = intents.filter((a) => a.intent.type === 'enter' || a.intent.type === 'set_grid');
        const target =
          command.all || targets.length === 0 ? undefined : targets[command.k % targets.length].intent.id;
        out.push(
          intent(gapMs, (id) =>
            target === undefined ? { type: 'cancel', id } : { type: 'cancel', id, target },
          ),
        );
        break;
      }
      case 'reconcile':
        out.push(intent(gapMs, (id) => ({ type: 'reconcile', id })));
        break;
      case 'observe': {
        // A reference price the subject is told of, as calm as the calm marks.
        const pct = (risk.maxMarkMovePct / 10) * command.delta;
        out.push(
          intent(gapMs, (id) => ({ type: 'mark', id, price: onTick(center * (1 + pct / 100), tick) })),
        );
        break;
      }
      case 'params':
        out.push(intent(gapMs, (id) => ({ type: 'set_params', id, params: { note: 'shakedown' } })));
        break;
      case 'resume':
        out.push(intent(gapMs, (id) => ({ type: 'resume', id })));
        break;
      case 'regrid':
        gridShift = command.shift;
        out.push(
          intent(gapMs, (id) => ({
            type: 'set_grid',
            id,
            center: at(0, gridShift),
            step: grid.step,
            levels: grid.levels,
            qty,
          })),
        );
        break;
      case 'modes':
        out.push({
          kind: 'venue_mode',
          client: 'admin',
          gapMs,
          modes: {
            rejectEntries: command.rejectEntries,
            rejectExits: command.rejectExits,
            rejectCancels: command.rejectCancels,
            partialFills: command.partialFills,
          },
        });
        break;
      case 'calm_venue':
        out.push({
          kind: 'venue_mode',
          client: 'admin',
          gapMs,
          modes: { rejectEntries: false, rejectExits: false, rejectCancels: false, partialFills: false },
        });
        break;
      case 'fault': {
        const fault = faultOf(command);
        if (fault !== undefined) out.push({ kind: 'fault', client: 'subject', gapMs, fault });
        break;
      }
      case 'restart':
        out.push({
          kind: 'restart',
          client: 'subject',
          gapMs,
          downMs: command.downMs,
          ...(command.corrupt === null ? {} : { corrupt: command.corrupt }),
          seed: command.seed,
        });
        break;
    }
  }
  return out;
}

function faultOf(command: Extract<TimedCommand['command'], { c: 'fault' }>): Fault | undefined {
  switch (command.kind) {
    case 'response.reject_429':
      return {
        type: 'response',
        effect: 'reject_429',
        nth: command.n,
        every: command.every,
        count: command.count,
        retryAfterMs: command.ms,
      };
    case 'response.error_5xx':
      return {
        type: 'response',
        effect: 'error_5xx',
        nth: command.n,
        count: Math.min(2, command.count),
        afterEffect: command.after,
      };
    case 'frame.drop':
      return { type: 'frame', effect: 'drop', direction: 'to_target', count: 1 };
    case 'frame.delay':
      return {
        type: 'frame',
        effect: 'delay',
        direction: command.after ? 'from_target' : 'to_target',
        count: Math.min(3, command.count),
        delayMs: command.ms,
        seed: command.seed,
      };
    case 'connection.close':
    case 'connection.reset':
      return {
        type: 'connection',
        effect: command.kind === 'connection.close' ? 'close' : 'reset',
        downMs: command.ms,
      };
    default:
      return undefined;
  }
}
