/**
 * FNV-1a over the UTF-16 code units of a string, as an unsigned 32-bit integer: a stable,
 * dependency-free hash for deriving seeds and shard owners that every machine computes alike.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
