import fc from 'fast-check';
import type { TradingAction } from '../trading-action.ts';
import { describeAction } from './describe-action.ts';
import { leanArray } from './lean-array.ts';
import { type SpellingChoice, spellAction } from './number-spellings.ts';
import type { TradingModel } from './trading-model.ts';

/** The empty lists a command starts with, shared (never pushed to: a run replaces them). */
const NO_ACTIONS: TradingAction[] = [];
const NO_SPELLINGS: readonly SpellingChoice[] = [];

/** What the commands build: the concrete action list of one run. */
export interface PlanBuilder {
  readonly actions: TradingAction[];
  /** Called after each command ran (a background nemesis adds its faults here, through the model). */
  afterCommand?(model: TradingModel): void;
}

/**
 * Appends an action to the plan and lets the model predict its effect; false when the shrinker
 * has dropped this part of the command, in which case nothing is sent.
 */
export type Emit = (action: TradingAction) => boolean;

/**
 * One flag per action a command may send, all but always true when generated. They exist for
 * shrinking: a flag shrinks to false, so the shrinker can drop single actions out of a composite
 * scenario (and the last command, which fast-check never removes), not only whole commands.
 */
export function keepMaskArb(parts: number): fc.Arbitrary<boolean[]> {
  return leanArray(keepFlagArb, { minLength: parts, maxLength: parts });
}

/** One flag of a keep mask: `fc.noBias(fc.nat(999)).map((n) => n !== 0)`. */
const keepFlagArb = fc.noBias(fc.nat(999)).map((n) => n !== 0);

/**
 * A fast-check command that resolves its abstract choices (which order, which price) against
 * the model when it runs, and appends the concrete actions to the plan. fast-check keeps only
 * the commands that ran when it shrinks, and the plan is rebuilt from scratch on every try, so
 * a shrunk command list always means a consistent action list.
 */
export abstract class PlanCommand implements fc.Command<TradingModel, PlanBuilder> {
  // Declared, and set in the constructor: class fields would be defined through an initializer
  // on every command object, and fast-check builds one per generated command.
  declare readonly kind: string;
  /** The most actions this command may append; it is skipped when they do not fit. */
  declare private readonly size: number;
  /** Which of its actions to send (see keepMaskArb); missing flags mean send. */
  declare private readonly keep: readonly boolean[];
  /** The actions of the last run (shared empty until a run sends one). */
  declare private emitted: TradingAction[];
  /** How each action it sends spells its price and quantity (number-spellings.ts). */
  declare private spellings: readonly SpellingChoice[];

  protected constructor(kind: string, size: number, keep: readonly boolean[]) {
    this.kind = kind;
    this.size = size;
    this.keep = keep;
    this.emitted = NO_ACTIONS;
    this.spellings = NO_SPELLINGS;
  }

  check(model: Readonly<TradingModel>): boolean {
    return model.room >= this.size && this.ready(model);
  }

  /** A command's own precondition, besides room in the run. */
  protected ready(_model: Readonly<TradingModel>): boolean {
    return true;
  }

  run(model: TradingModel, plan: PlanBuilder): void {
    this.emitted = NO_ACTIONS;
    let part = 0;
    this.build(model, (action) => {
      const kept = this.keep[part] ?? true;
      part += 1;
      if (!kept) return false;
      const spelled = spellAction(action, this.spellings[part - 1], model.spellings);
      plan.actions.push(spelled);
      model.apply(spelled);
      if (this.emitted === NO_ACTIONS) this.emitted = [spelled];
      else this.emitted.push(spelled);
      return true;
    });
    plan.afterCommand?.(model);
  }

  protected abstract build(model: TradingModel, emit: Emit): void;

  /**
   * This command with its actions spelled as chosen: a copy, since fast-check reuses a command
   * value across the candidates it shrinks through.
   */
  withSpellings(spellings: readonly SpellingChoice[]): this {
    if (spellings.length === 0 && this.spellings.length === 0) return this;
    const copy = Object.assign(Object.create(Object.getPrototypeOf(this)), this) as this;
    copy.spellings = spellings;
    copy.emitted = NO_ACTIONS;
    return copy;
  }

  /** The concrete actions of the last run, which is what a counterexample should show. */
  toString(): string {
    return `${this.kind}[${this.emitted.map(describeAction).join(' | ')}]`;
  }
}
