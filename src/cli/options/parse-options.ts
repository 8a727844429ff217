import { ShakedownError } from '../../core/shakedown-error.ts';

/** Flag parsers for commander: each rejects bad input with one line naming the flag (exit 2). */
function usage(flag: string, message: string): ShakedownError {
  return new ShakedownError('SHK_USAGE', `${flag}: ${message}`, { exitCode: 2, context: { flag } });
}

export function parseInteger(
  flag: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) throw usage(flag, `expected an integer, got ${JSON.stringify(value)}`);
    const n = Number(value);
    if (n < min || n > max) throw usage(flag, `expected an integer from ${min} to ${max}, got ${value}`);
    return n;
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Marks the parsers parseDuration makes, so that help can show their defaults as durations. */
export const DURATION_PARSER: unique symbol = Symbol('shakedown.durationParser');

/** "60s", "500ms", "2m", "1h", or a bare number of seconds; 0 only where `allowZero`. */
export function parseDuration(flag: string, allowZero = false): (value: string) => number {
  const parse = (value: string): number => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
    if (!m) throw usage(flag, `expected a duration such as 30s, 500ms or 2m, got ${JSON.stringify(value)}`);
    const ms = Number(m[1]) * UNITS[m[2] ?? 's'];
    if (ms < 0 || (ms === 0 && !allowZero)) throw usage(flag, 'the duration must be positive');
    return Math.round(ms);
  };
  return Object.assign(parse, { [DURATION_PARSER]: true });
}

/** Milliseconds as a user writes a duration: 60s, 500ms, 10m, 2h (what parseDuration reads back). */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 120 || s % 60 !== 0) return `${s}s`;
  const m = s / 60;
  return m < 120 || m % 60 !== 0 ? `${m}m` : `${m / 60}h`;
}

/** Collects a repeatable flag, checking each value against the allowed names. */
export function collectChoice(
  flag: string,
  allowed: readonly string[],
): (value: string, previous: string[]) => string[] {
  return (value, previous) => {
    const names = value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    for (const name of names) {
      if (!allowed.includes(name))
        throw usage(flag, `unknown name ${JSON.stringify(name)}; one of: ${allowed.join(', ')}`);
    }
    return [...previous, ...names];
  };
}

export function parseChoice(flag: string, allowed: readonly string[]): (value: string) => string {
  return (value) => {
    if (!allowed.includes(value))
      throw usage(flag, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return value;
  };
}
