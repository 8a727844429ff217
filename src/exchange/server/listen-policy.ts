import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../domains/trading/protocol/exchange-config.ts';

/**
 * Whether `serve` may listen where it is asked to. The default venue's keys are printed in the
 * README, so any host other than loopback needs both `--allow-remote` and a config whose
 * every key (each account's and the admin's) differs from the defaults.
 */
export interface ListenRequest {
  host: string;
  allowRemote: boolean;
  config: ExchangeConfig;
  /** The --config path, for the message; undefined: the built-in venue. */
  configPath?: string;
  /** os.networkInterfaces(), passed in so the decision is a pure function. */
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

export type ListenDecision =
  | { remote: false }
  /** Allowed off loopback: the warning names every address it listens on. */
  | { remote: true; addresses: string[]; warning: string };

/** localhost, 127.0.0.0/8 and ::1 (any spelling, IPv4-mapped included). */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name === 'localhost.') return true;
  const kind = isIP(name);
  if (kind === 4) return name.split('.')[0] === '127';
  if (kind !== 6) return false;
  if (name.includes('.')) {
    // An IPv4-mapped address, ::ffff:127.0.0.1: loopback when its IPv4 part is.
    const colon = name.lastIndexOf(':');
    const mapped = expandIPv6(`${name.slice(0, colon + 1)}0:0`) === '0000:0000:0000:0000:0000:ffff:0000:0000';
    return mapped && name.slice(colon + 1).split('.')[0] === '127';
  }
  const expanded = expandIPv6(name);
  // ::1, or 127.0.0.0/8 mapped and written in hex (::ffff:7f00:1).
  return (
    expanded === '0000:0000:0000:0000:0000:0000:0000:0001' ||
    expanded.startsWith('0000:0000:0000:0000:0000:ffff:7f')
  );
}

/** The keys of the default venue that `config` still uses (account keys and the admin key). */
export function defaultKeysIn(config: ExchangeConfig): string[] {
  const defaults = defaultExchangeConfig();
  const known = new Set([defaults.adminKey, ...defaults.accounts.map((a) => a.key)]);
  const kept = config.accounts.filter((a) => known.has(a.key)).map((a) => `${a.id} (${a.key})`);
  if (known.has(config.adminKey)) kept.push(`adminKey (${config.adminKey})`);
  return kept;
}

/** Throws a one-line ShakedownError (exit 2) when the host is refused. */
export function decideListen(request: ListenRequest): ListenDecision {
  const { host } = request;
  if (isLoopbackHost(host)) return { remote: false };
  if (!request.allowRemote) {
    throw new ShakedownError(
      'SHK_REMOTE_NOT_ALLOWED',
      `--host ${host} is not loopback: other machines could reach the exchange; pass --allow-remote ` +
        '(with a --config that replaces every default key) or listen on 127.0.0.1',
      { exitCode: EXIT.usage, context: { host } },
    );
  }
  const kept = defaultKeysIn(request.config);
  if (kept.length > 0) {
    const source = request.configPath === undefined ? 'the built-in venue' : request.configPath;
    throw new ShakedownError(
      'SHK_REMOTE_DEFAULT_KEYS',
      `--host ${host} with --allow-remote needs a --config whose every key differs from the published ` +
        `defaults; ${source} keeps ${kept.join(', ')}`,
      { exitCode: EXIT.usage, context: { host, keys: kept } },
    );
  }
  const addresses = listenAddresses(host, request.interfaces);
  return {
    remote: true,
    addresses,
    warning:
      `warning: listening beyond loopback, ${isWildcard(host) ? `on every interface (${host})` : `on ${host}`}: ` +
      `${addresses.join(', ')}; anyone who can reach these addresses and holds a key can trade`,
  };
}

function isWildcard(host: string): boolean {
  const name = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(name) === 4) return name === '0.0.0.0';
  if (isIP(name) === 6) return /^[0:]+$/.test(name);
  return false;
}

/**
 * What a listen on `host` reaches: for 0.0.0.0 every IPv4 address of the machine, for :: every
 * address (Node listens dual-stack), each with its interface; any other host as given.
 */
export function listenAddresses(host: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const name = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (!isWildcard(name)) {
    for (const [iface, infos] of Object.entries(interfaces)) {
      if (infos?.some((info) => info.address === name)) return [`${name} (${iface})`];
    }
    return [name];
  }
  const ipv4Only = isIP(name) === 4;
  const out: string[] = [];
  for (const [iface, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (ipv4Only && info.family !== 'IPv4') continue;
      out.push(`${info.family === 'IPv6' ? `[${info.address}]` : info.address} (${iface})`);
    }
  }
  return out.length > 0 ? out : [name];
}

/** Eight groups of four hex digits; '' for what is not an IPv6 address. */
function expandIPv6(address: string): string {
  const halves = address.split('::');
  if (halves.length > 2) return '';
  const split = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = split(halves[0]);
  const tail = halves.length === 2 ? split(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return '';
  const groups = [...head, ...Array.from({ length: missing }, () => '0'), ...tail];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}
