import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TargetSpec } from '../../core/model/domain-pack.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';

export const TARGET_FORMS =
  'inproc | ws | ws://host:port | wss://host:port | ./adapter.ts (or .js, .mjs: a module of your own)';

/** How a target string names a command line the domain starts (`--subject` writes it; replay files keep it). */
export const COMMAND_PREFIX = 'command:';

function usage(flag: string, value: string, why: string): ShakedownError {
  return new ShakedownError('SHK_USAGE', `${flag} ${value}: ${why}; supported: ${TARGET_FORMS}`, {
    exitCode: EXIT.usage,
    context: { flag, target: value },
  });
}

/**
 * `--target` as the user wrote it, turned into what the domain pack understands. Anything
 * that is not one of the supported forms (another URL scheme; with `moduleMustExist`, a
 * module path that is not a file) is a usage error naming them, before any target is started.
 */
export function parseTargetSpec(
  value: string,
  flag = '--target',
  options: { moduleMustExist?: boolean } = {},
): TargetSpec {
  if (value === 'inproc') return { kind: 'inproc' };
  if (value === 'ws') return { kind: 'embedded-ws' };
  if (value.startsWith(COMMAND_PREFIX)) {
    const command = value.slice(COMMAND_PREFIX.length).trim();
    if (command === '') return usageThrow(flag, JSON.stringify(value), 'an empty command');
    return { kind: 'command', command };
  }
  if (value.startsWith('ws://') || value.startsWith('wss://')) return { kind: 'url', url: value };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme && ['ws', 'wss'].includes(scheme[1].toLowerCase())) return { kind: 'url', url: value };
  if (scheme)
    return usageThrow(flag, value, `the ${scheme[1]}:// scheme is not supported, only ws:// and wss://`);
  if (value.trim() === '') return usageThrow(flag, JSON.stringify(value), 'an empty target');
  if (!options.moduleMustExist) return { kind: 'module', path: value };
  const absolute = resolve(process.cwd(), value);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    // Missing or unreadable: not a module that can be loaded.
  }
  if (!isFile) return usageThrow(flag, value, `not a known target, and no adapter module at ${absolute}`);
  return { kind: 'module', path: value };
}

function usageThrow(flag: string, value: string, why: string): never {
  throw usage(flag, value, why);
}
