import type { AnyDomainPack } from '../core/model/domain-pack.ts';

/**
 * What the core's runner takes from a domain pack to execute one run (`executeRun`): the
 * clients to open, the projection that folds their events, and how to word an action. The
 * invariants are the caller's choice (a property's, after the user's selection).
 */
export function runPartsOf(pack: AnyDomainPack) {
  return {
    clients: pack.clients,
    projection: pack.projection,
    describeAction: (action: unknown) => pack.describeAction(action),
  };
}

/**
 * What a campaign (`runCampaign`, a soak's rounds) takes from a domain pack: a run's parts, every
 * invariant (each property picks its own), and the surface its runs are counted against.
 */
export function campaignPartsOf(pack: AnyDomainPack) {
  return {
    ...runPartsOf(pack),
    invariants: pack.invariants,
    surface: { registry: pack.surface, exercised: (evidence: never) => pack.exercised(evidence) },
  };
}
