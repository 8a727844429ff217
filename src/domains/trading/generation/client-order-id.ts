/**
 * Client order ids are derived from the run's seed and the step that first places them, so a
 * replayed seed sends byte-identical requests and an id alone tells which step it came from.
 * A duplicate is made by reusing an earlier step's id on purpose, never by chance.
 */
export function clientOrderIdFor(seed: number, step: number): string {
  return `s${seed.toString(36)}-${step}`;
}

/** The seed and step an id was derived from, or undefined for an id not made by clientOrderIdFor. */
export function parseClientOrderId(id: string): { seed: number; step: number } | undefined {
  const match = /^s(-?[0-9a-z]+)-(\d+)$/.exec(id);
  if (!match) return undefined;
  const seed = Number.parseInt(match[1], 36);
  const step = Number(match[2]);
  return clientOrderIdFor(seed, step) === id ? { seed, step } : undefined;
}
