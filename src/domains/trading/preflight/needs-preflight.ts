import type { TargetSpec } from '../../../core/model/domain-pack.ts';

/**
 * Whether the target is a venue shakedown did not start itself, so it may be shared with other
 * people and other campaigns: such a target must be proven sandbox-sealed and taken under the
 * run lock before anything runs. `inproc` and `ws` are venues the run starts for itself.
 *
 * Only a `url` target can be probed by `runSandboxPreflight` (it speaks the reference protocol).
 * A `module` target speaks whatever its adapter speaks, so the adapter is responsible for its own
 * isolation check and `run` warns that it is (docs/adapters.md, "Preflight and the run lock").
 */
export function needsPreflight(spec: TargetSpec): boolean {
  return spec.kind === 'url' || spec.kind === 'module';
}

/**
 * Whether a campaign must hold the run lock: only a venue at a URL, which other people and
 * other campaigns may be using at the same time. An adapter module's system is built by the
 * campaign's own factory (an in-process library, one instance per run), so two campaigns
 * against one library do not share anything and are not locked against each other.
 */
export function needsRunLock(spec: TargetSpec): boolean {
  return spec.kind === 'url';
}
