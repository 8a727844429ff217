import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyDomainPack } from '../core/model/domain-pack.ts';
import { EXIT, ShakedownError } from '../core/shakedown-error.ts';

/**
 * The domains shakedown ships, by the name `--domain` takes: each a lazy import of its pack, so
 * a command loads only the domain it runs. The only place that names domains; adding one is one
 * line here (its pack does the rest).
 */
const DOMAINS: Readonly<Record<string, () => Promise<AnyDomainPack>>> = {
  bots: async () => (await import('./bots/bots-pack.ts')).botsPack,
  feeds: async () => (await import('./feeds/feeds-pack.ts')).feedsPack,
  trading: async () => (await import('./trading/trading-pack.ts')).tradingPack,
};

/** The domain a command runs when `--domain` is not given. */
export const DEFAULT_DOMAIN = 'trading';

/** The domain `--subject` selects: a bot (or any client program) tested against a reference system. */
export const SUBJECT_DOMAIN = 'bots';

/** A pack and how a replay file names it, so that the file replays without `--domain`. */
export interface LoadedDomain {
  pack: AnyDomainPack;
  /** A registered domain's name, or a module pack's absolute path (with `#export` when given). */
  recordAs: string;
}

/** The registered domains' names, sorted. */
export function knownDomains(): string[] {
  return Object.keys(DOMAINS).sort();
}

/** Whether a name is registered. */
export function isKnownDomain(name: string): boolean {
  return Object.hasOwn(DOMAINS, name);
}

/**
 * Whether `--domain` names a module of the user's (`./my-pack.ts`, `/abs/pack.js#myPack`) rather
 * than a registered domain: a path, or a name ending in .ts, .js or .mjs.
 */
export function isDomainPath(value: string): boolean {
  const path = value.split('#')[0] ?? '';
  return (
    path.startsWith('./') || path.startsWith('../') || isAbsolute(path) || /\.(ts|mts|js|mjs)$/.test(path)
  );
}

const loaded = new Map<string, Promise<LoadedDomain>>();

/**
 * The pack `value` names: a registered domain, or a module path with an optional `#exportName`
 * (default: the module's default export, else its one export that is a pack). A name that is
 * neither is a usage error listing the known ones; a module without a pack, one naming its
 * missing fields. `flag` is how messages name the value (`--domain`, `domain`).
 */
export function loadDomain(value: string, flag = '--domain'): Promise<LoadedDomain> {
  const key = isDomainPath(value) ? moduleKey(value) : value;
  let found = loaded.get(key);
  if (!found) {
    found = isDomainPath(value) ? loadModulePack(value, flag) : loadRegistered(value, flag);
    loaded.set(key, found);
    // A failed load is not cached: the next call says why again.
    found.catch(() => loaded.delete(key));
  }
  return found;
}

async function loadRegistered(name: string, flag: string): Promise<LoadedDomain> {
  const load = isKnownDomain(name) ? DOMAINS[name] : undefined;
  if (!load)
    throw usage(
      flag,
      `unknown domain ${JSON.stringify(name)}; known domains: ${knownDomains().join(', ')} (or a path to a domain pack module, ./my-pack.ts)`,
      { domain: name, known: knownDomains() },
    );
  return { pack: await load(), recordAs: name };
}

/** `path#export` with the path absolute: one cache entry however it was typed. */
function moduleKey(value: string): string {
  const [path = '', exportName] = value.split('#');
  const absolute = resolve(process.cwd(), path);
  return exportName ? `${absolute}#${exportName}` : absolute;
}

async function loadModulePack(value: string, flag: string): Promise<LoadedDomain> {
  const [path = '', exportName] = value.split('#');
  const absolute = resolve(process.cwd(), path);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    // Missing or unreadable: said below.
  }
  if (!isFile)
    throw usage(flag, `${value}: no domain pack module at ${absolute}`, { domain: value, path: absolute });
  const url = pathToFileURL(absolute).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw usage(flag, `${value}: the module failed to load: ${oneLine(error)}`, { domain: value });
  }
  const name = exportName ?? packExportOf(module);
  if (name === undefined)
    throw usage(
      flag,
      `${value}: no domain pack among the module's exports (${Object.keys(module).join(', ') || 'none'}); name one: ${path}#exportName`,
      { domain: value },
    );
  const candidate = module[name];
  const missing = missingPackFields(candidate);
  if (missing.length > 0)
    throw usage(
      flag,
      `${value}: export ${JSON.stringify(name)} is not a domain pack (missing or wrong: ${missing.join(', ')})`,
      { domain: value, missing },
    );
  const pack = candidate as AnyDomainPack;
  const recordAs = exportName ? `${absolute}#${exportName}` : absolute;
  // Workers load the pack the way this thread did, unless it says how itself.
  return {
    pack: pack.reference ? pack : { ...pack, reference: { module: url, exportName: name } },
    recordAs,
  };
}

/** `default` when it is a pack, else the one export that is. */
function packExportOf(module: Record<string, unknown>): string | undefined {
  if (missingPackFields(module.default).length === 0) return 'default';
  const packs = Object.keys(module).filter((key) => missingPackFields(module[key]).length === 0);
  return packs.length === 1 ? packs[0] : undefined;
}

const FUNCTIONS = ['targetFactory', 'exercised', 'describeAction', 'describeEvent'] as const;
const ARRAYS = ['clients', 'invariants', 'properties'] as const;

/** The fields a value lacks to be used as a pack (empty: it is one). */
function missingPackFields(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['the whole pack'];
  const pack = value as Record<string, unknown>;
  return [
    ...(typeof pack.name === 'string' && pack.name !== '' ? [] : ['name']),
    ...ARRAYS.filter((key) => !Array.isArray(pack[key])),
    ...FUNCTIONS.filter((key) => typeof pack[key] !== 'function'),
    ...(typeof pack.projection === 'object' && pack.projection !== null ? [] : ['projection']),
    ...(typeof pack.surface === 'object' && pack.surface !== null ? [] : ['surface']),
  ];
}

function usage(flag: string, message: string, context: Record<string, unknown>): ShakedownError {
  return new ShakedownError('SHK_USAGE', `${flag}: ${message}`, {
    exitCode: EXIT.usage,
    context: { flag, ...context },
  });
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
