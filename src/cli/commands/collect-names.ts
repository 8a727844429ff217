/** Comma-separated or repeated names, unchecked here (checked once the subject is loaded). */
export function collectNames(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0),
  ];
}
