/**
 * Pieces a domain's `validateAction` builds its field checks from: a check answers a problem in
 * words (or undefined when the value is sound), and says what it got the way `describeValue` does.
 */
export type FieldCheck = (value: unknown) => string | undefined;

/** A value read from a file, in a few words for a message: `nothing`, `an array`, `"x"`, `12`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A string among `allowed`. */
export const oneOf =
  (allowed: readonly string[]): FieldCheck =>
  (value) =>
    typeof value === 'string' && allowed.includes(value)
      ? undefined
      : `must be one of ${allowed.join(', ')}, got ${describeValue(value)}`;
