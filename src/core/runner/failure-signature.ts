import type { Verdict } from '../model/invariant.ts';
import { HANG_INVARIANT } from './run-hang.ts';

/**
 * What makes two failing runs the same failure (`--keep-going` reports each distinct one once
 * and counts the others): the first violation's invariant and its message with every number
 * and id (any word with a digit in it: O17, s3-1, 0.002) made `#`, and the run's client names
 * (maker, taker: the same bug hits whichever client) made `<client>`. Every hang is one
 * failure, whatever it hung on. Undefined for a run that did not fail.
 */
export function failureSignature(verdict: Verdict, clients: readonly string[] = []): string | undefined {
  if (verdict.status === 'hang') return HANG_INVARIANT;
  if (verdict.status !== 'fail') return undefined;
  const first = verdict.violations[0];
  if (first === undefined) return 'fail';
  return `${first.invariant}: ${normalizeMessage(first.message, clients)}`;
}

/** A violation's message with the numbers, ids and client names that change from run to run made placeholders. */
export function normalizeMessage(message: string, clients: readonly string[] = []): string {
  let normalized = message.replace(/[\w.-]*\d[\w.-]*/g, '#');
  for (const client of clients) {
    if (client === '') continue;
    const escaped = client.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    normalized = normalized.replace(new RegExp(`(?<![\\w.-])${escaped}(?![\\w-])`, 'g'), '<client>');
  }
  return normalized;
}

/** The invariant a signature names. */
export function invariantOfSignature(signature: string): string {
  const colon = signature.indexOf(': ');
  return colon < 0 ? signature : signature.slice(0, colon);
}

/**
 * Whether a shrink candidate still shows the failure being shrunk (`--keep-going`): a hang for
 * a hang, else a violation of the same invariant. Shrinking one failure then does not slide
 * into another one the campaign reports on its own.
 */
export function showsFailure(signature: string, verdict: Verdict): boolean {
  if (signature === HANG_INVARIANT) return verdict.status === 'hang';
  if (verdict.status !== 'fail') return false;
  const invariant = invariantOfSignature(signature);
  return signature === 'fail' || verdict.violations.some((v) => v.invariant === invariant);
}
