import { type Capability, missingCapabilities, type SkippedInvariant } from '../model/capabilities.ts';
import type { Invariant } from '../model/invariant.ts';
import { EXIT, ShakedownError } from '../shakedown-error.ts';

/** The user's explicit choice of invariants (`--invariants`, `--skip-invariants`), by name. */
export interface InvariantSelection {
  /** Check only these (of each property's own); every one the property names when absent. */
  only?: readonly string[];
  /** Never check these. */
  skip?: readonly string[];
}

/** What one property checks against one target, and what it leaves out and why. */
export interface InvariantPlan<I extends Invariant = Invariant> {
  property: string;
  checked: I[];
  skipped: SkippedInvariant[];
}

/**
 * A property's invariants against a target's capabilities and the user's selection: those it
 * checks (in the property's order) and those it skips, each with the reason. The user's choice
 * is named first (`--skip-invariants`, `not in --invariants`), then the capabilities the target
 * lacks (`missing: accounts, margin`). A target that declares no capabilities provides them all.
 */
export function planInvariants<I extends Invariant>(
  property: { name: string; invariants: readonly string[] },
  byName: ReadonlyMap<string, I>,
  provided: readonly Capability[] | undefined,
  selection: InvariantSelection = {},
): InvariantPlan<I> {
  const checked: I[] = [];
  const skipped: SkippedInvariant[] = [];
  for (const name of property.invariants) {
    const invariant = byName.get(name);
    if (!invariant) throw new Error(`property ${property.name} names an unknown invariant ${name}`);
    if (selection.skip?.includes(name)) {
      skipped.push({ invariant: name, reason: '--skip-invariants', missing: [] });
      continue;
    }
    if (selection.only !== undefined && !selection.only.includes(name)) {
      skipped.push({ invariant: name, reason: 'not in --invariants', missing: [] });
      continue;
    }
    const missing = missingCapabilities(invariant.needs, provided);
    if (missing.length > 0) {
      skipped.push({ invariant: name, reason: `missing: ${missing.join(', ')}`, missing });
      continue;
    }
    checked.push(invariant);
  }
  return { property: property.name, checked, skipped };
}

/**
 * Every property's plan; throws SHK_NOTHING_TO_CHECK (exit 2) when a property is left with no
 * invariant to check, naming each and why: a campaign that checks nothing must not pass. Called
 * before any run (the CLI before the regression corpus too).
 */
export function planCampaignInvariants<I extends Invariant>(
  properties: readonly { name: string; invariants: readonly string[] }[],
  invariants: readonly I[],
  provided: readonly Capability[] | undefined,
  selection: InvariantSelection = {},
): InvariantPlan<I>[] {
  if (provided !== undefined && (!Array.isArray(provided) || provided.some((c) => typeof c !== 'string')))
    throw new ShakedownError(
      'SHK_ADAPTER_INVALID',
      `the target's capabilities must be a list of names, got ${JSON.stringify(provided)}`,
      { exitCode: EXIT.usage, context: { capabilities: provided } },
    );
  const byName = new Map(invariants.map((i) => [i.name, i]));
  const plans = properties.map((property) => planInvariants(property, byName, provided, selection));
  const empty = plans.filter((plan) => plan.checked.length === 0);
  if (empty.length > 0) throw nothingToCheck(empty, provided);
  return plans;
}

function nothingToCheck(
  empty: readonly InvariantPlan[],
  provided: readonly Capability[] | undefined,
): ShakedownError {
  const lines = empty.map(
    (plan) =>
      `${plan.property}: ${plan.skipped.length === 0 ? 'it names no invariant' : plan.skipped.map((s) => `${s.invariant} (${s.reason})`).join(', ')}`,
  );
  const target = provided === undefined ? '' : `; the target provides: ${provided.join(', ') || 'nothing'}`;
  return new ShakedownError(
    'SHK_NOTHING_TO_CHECK',
    `nothing to check: ${empty.length === 1 ? 'a property is' : `${empty.length} properties are`} left with no invariant, and a run that checks nothing cannot pass (choose others with --property or --invariants)${target}. ${lines.join('; ')}`,
    {
      exitCode: EXIT.usage,
      context: {
        properties: empty.map((plan) => ({ property: plan.property, skipped: plan.skipped })),
        ...(provided === undefined ? {} : { capabilities: [...provided] }),
      },
    },
  );
}
