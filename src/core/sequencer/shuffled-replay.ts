import seedrandom from 'seedrandom';
import type { RecordedEvent } from '../model/evidence.ts';
import type { Projection } from '../model/projection.ts';
import { inGseqOrder, ViewFold } from './ordered-replay.ts';

/**
 * 'interleave': each (client, stream) keeps its own order and the streams are interleaved at
 * random, which is what a client may legitimately see (streams are ordered, not each other).
 * 'all': every event of a client may land anywhere, which a robust client kernel survives too.
 */
export type ShuffleMode = 'interleave' | 'all';

export interface ShuffleOptions {
  seed: number;
  /** Default 'interleave'. */
  mode?: ShuffleMode;
}

export interface ShuffledReplayOptions extends ShuffleOptions {
  /** Clients that get a view even when they received nothing (see replayOrdered). */
  clients?: readonly string[];
}

/** One place where a shuffled replay's view is not the ordered one; paths are relative to the view. */
export interface ViewDifference {
  client: string;
  /** '' for the whole view, else like `orders.o1.status` or `books["BTC-USD"].bids[0]`. */
  path: string;
  ordered: unknown;
  shuffled: unknown;
}

const DEFAULT_MAX_DIFFERENCES = 10;

/**
 * Reorders the events, deterministically for a seed, without ever moving an event to another
 * client: each client's events are shuffled among the positions that client's events held
 * (in gseq order), so every client's projection still sees only its own events.
 */
export function shuffleEvents<E>(
  events: readonly RecordedEvent<E>[],
  options: ShuffleOptions,
): RecordedEvent<E>[] {
  const mode = options.mode ?? 'interleave';
  const random = seedrandom(String(options.seed));
  const ordered = inGseqOrder(events);
  const slotsByClient = new Map<string, number[]>();
  ordered.forEach((event, index) => {
    const slots = slotsByClient.get(event.client);
    if (slots === undefined) slotsByClient.set(event.client, [index]);
    else slots.push(index);
  });
  const result: RecordedEvent<E>[] = new Array(ordered.length);
  // Map iteration follows first appearance, so the random draws happen in a fixed order.
  for (const slots of slotsByClient.values()) {
    const own = slots.map((index) => ordered[index]);
    const reordered = mode === 'all' ? permute(own, random) : interleave(own, random);
    slots.forEach((slot, k) => {
      result[slot] = reordered[k];
    });
  }
  return result;
}

/** Folds the shuffled events into fresh views, in the shuffled order. */
export function replayShuffled<E, V>(
  events: readonly RecordedEvent<E>[],
  projection: Projection<E, V>,
  options: ShuffledReplayOptions,
): Record<string, V> {
  const fold = new ViewFold(projection, options.clients);
  for (const event of shuffleEvents(events, options)) fold.add(event);
  return fold.result();
}

/**
 * Where two sets of views differ, compared through `projection.normalize` when there is one:
 * a deep diff that walks keys in sorted order, so the same views always give the same list,
 * stopping after `maxDifferences` (default 10) paths.
 */
export function compareViews<V>(
  ordered: Record<string, V>,
  shuffled: Record<string, V>,
  projection: Pick<Projection<unknown, V>, 'normalize'>,
  options: { maxDifferences?: number } = {},
): ViewDifference[] {
  const max = options.maxDifferences ?? DEFAULT_MAX_DIFFERENCES;
  const plain = (views: Record<string, V>, client: string): unknown => {
    if (!Object.hasOwn(views, client)) return undefined;
    const view = views[client];
    return projection.normalize === undefined ? view : projection.normalize(view);
  };
  const clients = [
    ...Object.keys(ordered),
    ...Object.keys(shuffled).filter((c) => !Object.hasOwn(ordered, c)),
  ];
  const found: ViewDifference[] = [];
  for (const client of clients) {
    if (found.length >= max) break;
    diff(plain(ordered, client), plain(shuffled, client), '', (path, a, b) => {
      found.push({ client, path, ordered: a, shuffled: b });
      return found.length < max;
    });
  }
  return found;
}

/** Fisher–Yates on a copy. */
function permute<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = out[i];
    out[i] = out[j];
    out[j] = swap;
  }
  return out;
}

/**
 * A uniformly random interleaving of the streams: shuffle one stream label per event, then
 * give each label the next event of its stream, so each stream's own order is untouched.
 */
function interleave<E>(events: readonly RecordedEvent<E>[], random: () => number): RecordedEvent<E>[] {
  const queues = new Map<string, { events: RecordedEvent<E>[]; next: number }>();
  for (const event of events) {
    const queue = queues.get(event.stream);
    if (queue === undefined) queues.set(event.stream, { events: [event], next: 0 });
    else queue.events.push(event);
  }
  return permute(
    events.map((event) => event.stream),
    random,
  ).map((stream) => {
    const queue = queues.get(stream)!;
    return queue.events[queue.next++];
  });
}

type Report = (path: string, ordered: unknown, shuffled: unknown) => boolean;

/** Reports differing leaves under `path`; returns false once `report` asks to stop. */
function diff(a: unknown, b: unknown, path: string, report: Report): boolean {
  if (Object.is(a, b)) return true;
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return report(path, a, b);
  switch (kind) {
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        if (!diff(x[i], y[i], `${path}[${i}]`, report)) return false;
      }
      return true;
    }
    case 'set':
      return diff(sortedMembers(a as Set<unknown>), sortedMembers(b as Set<unknown>), path, report);
    case 'map': {
      const x = a as Map<unknown, unknown>;
      const y = b as Map<unknown, unknown>;
      const keys = new Map<string, unknown>();
      for (const key of [...x.keys(), ...y.keys()]) keys.set(String(key), key);
      for (const name of [...keys.keys()].sort()) {
        const key = keys.get(name);
        if (!diff(x.get(key), y.get(key), childPath(path, name), report)) return false;
      }
      return true;
    }
    case 'object': {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
      for (const key of keys) {
        if (!diff(x[key], y[key], childPath(path, key), report)) return false;
      }
      return true;
    }
    case 'date':
      return (a as Date).getTime() === (b as Date).getTime() || report(path, a, b);
    default:
      return report(path, a, b);
  }
}

function kindOf(value: unknown): 'array' | 'set' | 'map' | 'date' | 'object' | 'leaf' {
  if (Array.isArray(value)) return 'array';
  if (value instanceof Set) return 'set';
  if (value instanceof Map) return 'map';
  if (value instanceof Date) return 'date';
  return typeof value === 'object' && value !== null ? 'object' : 'leaf';
}

/** Insertion order of a set is an artefact of event order; its members are what count. */
function sortedMembers(set: Set<unknown>): unknown[] {
  const keyed = [...set].map((member) => ({ member, key: JSON.stringify(member) ?? String(member) }));
  keyed.sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0));
  return keyed.map((entry) => entry.member);
}

function childPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}
