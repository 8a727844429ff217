import { readFileSync } from 'node:fs';
import { ShakedownError } from '../../../core/shakedown-error.ts';
import type { ExchangeConfig } from './exchange-config.ts';
import { defaultExchangeConfig } from './exchange-config.ts';
import { validateExchangeConfig } from './validate-config.ts';

/** Reads and checks an exchange config file; without a path, the built-in reference venue. */
export function loadExchangeConfig(path?: string): ExchangeConfig {
  if (path === undefined) return defaultExchangeConfig();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ShakedownError(
      'SHK_CONFIG_UNREADABLE',
      `${path}: cannot read the config file (${describe(error)})`,
      {
        exitCode: 2,
        context: { file: path },
      },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ShakedownError('SHK_CONFIG_INVALID', `${path}: not valid JSON: ${describe(error)}`, {
      exitCode: 2,
      context: { file: path },
    });
  }
  return validateExchangeConfig(raw, path);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
