import { type SurfaceId, type SurfaceRegistry, surfaceId } from './surface-registry.ts';

/**
 * The surface ids a property's tag names. `reject:qty_zero` is qualified (its prefix is a
 * category) and names itself, if declared; a bare `fill` names every category declaring it.
 * Items may hold dots (`frame.drop`) and arrows (`open->filled`), never a category prefix.
 */
export function resolveTag(registry: SurfaceRegistry, tag: string): SurfaceId[] {
  const colon = tag.indexOf(':');
  if (colon > 0) {
    const category = registry.categories.find((c) => c.name === tag.slice(0, colon));
    if (category) {
      const item = tag.slice(colon + 1);
      return category.items.includes(item) ? [surfaceId(category.name, item)] : [];
    }
  }
  return registry.categories.filter((c) => c.items.includes(tag)).map((c) => surfaceId(c.name, tag));
}
