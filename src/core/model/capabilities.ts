/**
 * What a target provides and what an invariant needs, as plain names the domain defines (the
 * core knows none of them: trading says `accounts`, `margin`, `stream-seq`...). A campaign checks
 * only the invariants whose needs the target provides, and says which it skipped and why.
 */
export type Capability = string;

/** One invariant left out of a campaign, and why: a missing capability, or the user's choice. */
export interface SkippedInvariant {
  invariant: string;
  /** `missing: accounts, margin` or `--skip-invariants` or `not in --invariants`. */
  reason: string;
  /** The capabilities the target lacks (empty when the user skipped it). */
  missing: readonly Capability[];
}

/**
 * The capabilities in `needs` that `provided` lacks, in the order `needs` lists them. A target
 * that declares nothing (`provided` undefined) is taken to provide everything: the reference
 * targets and older adapters keep every invariant they had.
 */
export function missingCapabilities(
  needs: readonly Capability[] | undefined,
  provided: readonly Capability[] | undefined,
): Capability[] {
  if (needs === undefined || provided === undefined) return [];
  const have = new Set(provided);
  return needs.filter((need) => !have.has(need));
}

/** Whether a target providing `provided` (undefined: everything) has every capability in `wanted`. */
export function provides(provided: readonly Capability[] | undefined, wanted: Capability): boolean {
  return provided === undefined || provided.includes(wanted);
}
