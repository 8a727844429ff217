/**
 * The surface a domain pack declares: every action type, event type, reject reason, fault
 * kind and state transition it knows. A campaign counts which of them its runs exercised.
 */
export interface SurfaceCategory {
  name: string;
  label: string;
  items: readonly string[];
}

export interface SurfaceRegistry {
  readonly categories: readonly SurfaceCategory[];
}

/** A surface item, qualified by its category: `reject:qty_zero`, `fault:frame.drop`. */
export type SurfaceId = `${string}:${string}`;

export const surfaceId = (category: string, item: string): SurfaceId => `${category}:${item}`;
