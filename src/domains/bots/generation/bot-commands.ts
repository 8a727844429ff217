import * as fc from 'fast-check';
import type { FaultKind } from '../../../core/faults/fault.ts';
import {
  MARKET_ACCOUNTS,
  type MarketAccount,
  STATE_CORRUPTIONS,
  type StateCorruption,
} from '../bot-action.ts';

/**
 * The generated form of a bots run before it is planned into actions: each command names
 * prices by their place on the run's price ladder (the grid's center plus j steps), so that
 * the rest of the market trades where the subject's orders rest, and shrinking a command keeps
 * it aimed there.
 */
export type BotCommand =
  | { c: 'cross'; account: MarketAccount; j: number; partial: boolean; rest: boolean }
  | { c: 'rest'; account: MarketAccount; j: number }
  | { c: 'market_cancel'; account: MarketAccount; k: number }
  | { c: 'calm_mark'; delta: number }
  | { c: 'spike'; up: boolean }
  | { c: 'enter'; buy: boolean; j: number; lots: number }
  | { c: 'exit'; all: boolean; j: number }
  | { c: 'retry'; k: number }
  | { c: 'cancel'; k: number; all: boolean }
  | { c: 'reconcile' }
  | { c: 'observe'; delta: number }
  | { c: 'params' }
  | { c: 'resume' }
  | { c: 'regrid'; shift: number }
  | {
      c: 'modes';
      rejectEntries: boolean;
      rejectExits: boolean;
      rejectCancels: boolean;
      partialFills: boolean;
    }
  | { c: 'calm_venue' }
  | {
      c: 'fault';
      kind: FaultKind;
      n: number;
      every: number;
      count: number;
      ms: number;
      after: boolean;
      seed: number;
    }
  | { c: 'restart'; downMs: number; corrupt: StateCorruption | null; seed: number };
export type BotCommandKind = BotCommand['c'];

/** How often each command comes, by kind (0 or absent: never). */
export type BotMix = Partial<Record<BotCommandKind, number>>;

/** A command and the virtual time to wait before it. */
export interface TimedCommand {
  gapMs: number;
  command: BotCommand;
}

const account = fc.constantFrom(...MARKET_ACCOUNTS);
const ladder = fc.integer({ min: -4, max: 4 });

function commandOf(kind: BotCommandKind, faultKinds: readonly FaultKind[]): fc.Arbitrary<BotCommand> {
  switch (kind) {
    case 'cross':
      return fc.record({
        c: fc.constant('cross' as const),
        account,
        j: ladder,
        partial: fc.boolean(),
        rest: fc.boolean(),
      });
    case 'rest':
      return fc.record({ c: fc.constant('rest' as const), account, j: ladder });
    case 'market_cancel':
      return fc.record({ c: fc.constant('market_cancel' as const), account, k: fc.nat(20) });
    case 'calm_mark':
      return fc.record({ c: fc.constant('calm_mark' as const), delta: fc.integer({ min: -4, max: 4 }) });
    case 'spike':
      return fc.record({ c: fc.constant('spike' as const), up: fc.boolean() });
    case 'enter':
      return fc.record({
        c: fc.constant('enter' as const),
        buy: fc.boolean(),
        j: ladder,
        lots: fc.integer({ min: 1, max: 3 }),
      });
    case 'exit':
      return fc.record({ c: fc.constant('exit' as const), all: fc.boolean(), j: ladder });
    case 'retry':
      return fc.record({ c: fc.constant('retry' as const), k: fc.nat(20) });
    case 'cancel':
      return fc.record({ c: fc.constant('cancel' as const), k: fc.nat(20), all: fc.boolean() });
    case 'reconcile':
      return fc.constant({ c: 'reconcile' as const });
    case 'observe':
      return fc.record({ c: fc.constant('observe' as const), delta: fc.integer({ min: -4, max: 4 }) });
    case 'params':
      return fc.constant({ c: 'params' as const });
    case 'resume':
      return fc.constant({ c: 'resume' as const });
    case 'regrid':
      return fc.record({ c: fc.constant('regrid' as const), shift: fc.integer({ min: -2, max: 2 }) });
    case 'modes':
      return fc.record({
        c: fc.constant('modes' as const),
        rejectEntries: fc.boolean(),
        rejectExits: fc.boolean(),
        rejectCancels: fc.boolean(),
        partialFills: fc.boolean(),
      });
    case 'calm_venue':
      return fc.constant({ c: 'calm_venue' as const });
    case 'fault':
      return fc.record({
        c: fc.constant('fault' as const),
        kind: fc.constantFrom(
          ...(faultKinds.length > 0 ? faultKinds : (['response.reject_429'] as FaultKind[])),
        ),
        n: fc.integer({ min: 1, max: 3 }),
        every: fc.integer({ min: 2, max: 3 }),
        count: fc.integer({ min: 1, max: 4 }),
        ms: fc.integer({ min: 20, max: 400 }),
        after: fc.boolean(),
        seed: fc.nat(1_000_000),
      });
    case 'restart':
      return fc.record({
        c: fc.constant('restart' as const),
        downMs: fc.integer({ min: 5, max: 400 }),
        corrupt: fc.constant(null),
        seed: fc.nat(1_000_000),
      });
  }
}

/** A restart on a damaged state file: its own kind in a mix, so a property can ask for it alone. */
export function corruptedRestart(): fc.Arbitrary<BotCommand> {
  return fc.record({
    c: fc.constant('restart' as const),
    downMs: fc.integer({ min: 5, max: 200 }),
    corrupt: fc.constantFrom(...STATE_CORRUPTIONS),
    seed: fc.nat(1_000_000),
  });
}

/** One command, drawn by the mix's weights (`corrupt` weighs restarts on a damaged state file). */
export function botCommand(
  mix: BotMix & { corrupt?: number },
  faultKinds: readonly FaultKind[],
): fc.Arbitrary<BotCommand> {
  const parts: { weight: number; arbitrary: fc.Arbitrary<BotCommand> }[] = [];
  for (let [kind, weight] of Object.entries(mix) as [BotCommandKind | 'corrupt', number][]) {
    if (!(weight > 0)) continue;
    weight = Math.max(1, Math.round(weight * 10));
    if (kind === 'corrupt') parts.push({ weight, arbitrary: corruptedRestart() });
    else if (kind !== 'fault' || faultKinds.length > 0)
      parts.push({ weight, arbitrary: commandOf(kind, faultKinds) });
  }
  return fc.oneof(...parts);
}

/** The wait before a command: mostly a few ms (races), sometimes long enough for things to settle. */
export const gapMs: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 2, arbitrary: fc.integer({ min: 40, max: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 300, max: 1500 }) },
);
