import { createHash } from 'node:crypto';
import type { CampaignResult, PropertyOutcome } from '../../src/core/runner/campaign.ts';

// What a campaign decided, without its wall-clock figures (or a pool's own report): for tests
// that hold two ways of running one campaign (property orders, pools) to the same outcome.

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Everything a property's outcome decided, without wall-clock figures. */
export function decided<A>(outcome: PropertyOutcome<A>): unknown {
  const { durationMs: _, failure, failures, ...rest } = outcome;
  return JSON.parse(
    JSON.stringify({
      ...rest,
      failures: (failures ?? (failure ? [failure] : [])).map((f) => ({
        path: f.path,
        runIndex: f.runIndex,
        shrinks: f.shrinks,
        signature: f.signature,
        duplicates: f.duplicates,
        actions: f.report.actions,
        verdict: f.report.verdict,
        events: digest(f.report.evidence.events),
      })),
    }),
  );
}

/** The campaign as a whole, without wall-clock figures. */
export function decidedCampaign<A>(result: CampaignResult<A>): unknown {
  return {
    runs: result.runs,
    actions: result.actions,
    interrupted: result.interrupted,
    faults: result.faults,
    unfired: result.unfired,
    exercised: result.exercised,
    latency: result.latency,
    properties: result.properties.map(decided),
  };
}
