import { readFileSync } from 'node:fs';
import { EXIT, ShakedownError } from '../shakedown-error.ts';
import { type CampaignSummary, SUMMARY_FORMAT, SUMMARY_VERSION } from './campaign-summary.ts';

/**
 * Reads a campaign summary written by `run --summary` (or `--json`), checking the fields that
 * merge and coverage rely on. A file that is not one names what is wrong, with exit 2.
 */
export function readSummaryFile(path: string): CampaignSummary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split(',')[0];
    throw invalid(path, `cannot read it (${reason})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return checkSummary(value, path);
}

export function checkSummary(value: unknown, source: string): CampaignSummary {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(source, 'expected a JSON object');
  const o = value as Record<string, unknown>;
  if (o.format !== SUMMARY_FORMAT)
    throw invalid(source, `format is ${JSON.stringify(o.format)}, expected "${SUMMARY_FORMAT}"`);
  if (o.version !== SUMMARY_VERSION)
    throw invalid(
      source,
      `version ${JSON.stringify(o.version)} is not supported (this shakedown reads ${SUMMARY_VERSION})`,
    );
  for (const key of ['seed', 'runs', 'actions', 'durationMs'])
    if (typeof o[key] !== 'number') throw invalid(source, `${key} is missing or not a number`);
  for (const key of ['domain', 'target', 'transport', 'verdict'])
    if (typeof o[key] !== 'string') throw invalid(source, `${key} is missing or not a string`);
  for (const key of ['properties', 'failures', 'latency', 'bugs', 'requiredFaults', 'unfiredFaults'])
    if (!Array.isArray(o[key])) throw invalid(source, `${key} is missing or not a list`);
  for (const key of ['coverage', 'faults'])
    if (typeof o[key] !== 'object' || o[key] === null)
      throw invalid(source, `${key} is missing or not an object`);
  for (const [i, p] of (o.properties as unknown[]).entries()) {
    const entry = p as Record<string, unknown> | null;
    if (typeof entry?.name !== 'string' || typeof entry.runs !== 'number' || !Array.isArray(entry.latency))
      throw invalid(source, `properties[${i}] is not a property summary (name, runs, latency...)`);
  }
  return value as CampaignSummary;
}

function invalid(source: string, reason: string): ShakedownError {
  return new ShakedownError('SHK_SUMMARY_INVALID', `${source}: not a shakedown summary: ${reason}`, {
    exitCode: EXIT.usage,
    context: { file: source },
  });
}
