import { extname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTargetSpec } from '../cli/options/target-spec.ts';
import { adapterRecordOf } from '../cli/replay-of.ts';
import type { FaultKind } from '../core/faults/fault.ts';
import type { AnyDomainPack, TargetSpec } from '../core/model/domain-pack.ts';
import type { AdapterRecord } from '../core/replay/replay-file.ts';
import type { VenueFactory, VitestTarget } from './vitest-options.ts';

/** A target ready for a test: its factory, how a replay file names it, and who disposes of it. */
export interface OpenedTarget {
  factory: VenueFactory;
  /** `target` in a replay file: as `--target` would take it, or your factory's name. */
  name: string;
  /** An adapter module: its path and the options it was loaded with, for the replay file. */
  adapter?: AdapterRecord;
  /** 'inproc' (virtual time), 'ws', or 'module' (an adapter, a factory of yours): shrinking's default count follows it. */
  transport: 'inproc' | 'ws' | 'module';
  /** Whether the reference venue is the target: only it can be built with planted bugs. */
  reference: boolean;
  /** Releases what this test started (a factory you passed as an object is left alone). */
  dispose(): Promise<void>;
}

export interface OpenOptions {
  /** The domain whose factory builds a named target. */
  pack: AnyDomainPack;
  bugs: readonly string[];
  seed: number;
  faults?: readonly FaultKind[] | 'all';
  /** The target as a replay file recorded it (its adapter's options): only for a path. */
  recordedOptions?: unknown;
}

/** Turns a test's `target` into a factory: a built-in target, a module path, or yours. */
export async function openTarget(target: VitestTarget, options: OpenOptions): Promise<OpenedTarget> {
  if (typeof target === 'string' || target instanceof URL) return openNamed(target, options);
  if (isFactory(target)) return ownFactory(target, async () => {});
  if (typeof target !== 'function')
    throw new TypeError(
      'target: expected a TargetFactory (an object with create()), a function making one, or a target string',
    );
  const made = await target();
  if (!isFactory(made))
    throw new TypeError(`target: the function given made ${describeValue(made)}, not a TargetFactory`);
  return ownFactory(made, async () => {
    await made.dispose?.();
  });
}

function ownFactory(factory: VenueFactory, dispose: () => Promise<void>): OpenedTarget {
  return { factory, name: factory.name || 'target factory', transport: 'module', reference: false, dispose };
}

async function openNamed(target: string | URL, options: OpenOptions): Promise<OpenedTarget> {
  const text = target instanceof URL ? urlTarget(target) : target;
  const spec = parseTargetSpec(text, 'target', { moduleMustExist: true });
  const reference = spec.kind === 'inproc' || spec.kind === 'embedded-ws';
  if (spec.kind === 'module') await loadTypeScript(spec.path);
  const withOptions: TargetSpec =
    spec.kind === 'module' && options.recordedOptions !== undefined && options.recordedOptions !== null
      ? { ...spec, options: options.recordedOptions }
      : spec;
  const factory = await options.pack.targetFactory(withOptions, {
    bugs: reference ? options.bugs : [],
    seed: options.seed,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  const adapter = adapterRecordOf(spec, factory);
  return {
    factory,
    name: text,
    ...(adapter ? { adapter } : {}),
    transport: spec.kind === 'inproc' ? 'inproc' : spec.kind === 'module' ? 'module' : 'ws',
    reference,
    dispose: async () => {
      await factory.dispose?.();
    },
  };
}

/** A file URL as a path relative to the working directory, as a user would type it. */
function urlTarget(url: URL): string {
  if (url.protocol !== 'file:') return url.href;
  const path = relative(process.cwd(), fileURLToPath(url));
  return path.startsWith('..') || path.startsWith(sep)
    ? fileURLToPath(url)
    : `./${path.split(sep).join('/')}`;
}

let typeScriptLoader: Promise<void> | undefined;

/**
 * Vitest runs shakedown as it is installed (compiled JavaScript, outside its own transforms), so
 * an adapter module written in TypeScript is imported by Node: tsx's loader is registered for it
 * once (as the CLI's launcher does). A `.cts`, or a `.ts` in a CommonJS folder, is compiled first
 * and needs no loader.
 */
function loadTypeScript(path: string): Promise<void> {
  if (!['.ts', '.mts', '.tsx'].includes(extname(path))) return Promise.resolve();
  typeScriptLoader ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return typeScriptLoader;
}

function isFactory(value: unknown): value is VenueFactory {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { create?: unknown }).create === 'function'
  );
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object without create()' : typeof value;
}
