import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isShakedownError, type ShakedownError } from '../../../src/core/shakedown-error.ts';
import {
  defaultExchangeConfig,
  type ExchangeConfig,
} from '../../../src/domains/trading/protocol/exchange-config.ts';
import {
  decideListen,
  defaultKeysIn,
  isLoopbackHost,
  type ListenRequest,
} from '../../../src/exchange/server/listen-policy.ts';
import { ServeProcess } from './serve-process.ts';

/** A config whose every key differs from the defaults. */
function ownKeys(): ExchangeConfig {
  const config = defaultExchangeConfig();
  config.adminKey = 'admin-7f3c';
  for (const account of config.accounts) account.key = `${account.id}-7f3c`;
  return config;
}

const info = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
  ({
    address,
    family,
    internal,
    netmask: family === 'IPv4' ? '255.0.0.0' : 'ffff::',
    mac: '00:00:00:00:00:00',
    cidr: null,
    ...(family === 'IPv6' ? { scopeid: 0 } : {}),
  }) as NetworkInterfaceInfo;

/** A made-up machine: the decision never reads the real interfaces in these tests. */
const INTERFACES = {
  lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
  eth0: [info('203.0.113.5', 'IPv4'), info('2001:db8::5', 'IPv6')],
};

function request(host: string, change: Partial<ListenRequest> = {}): ListenRequest {
  return { host, allowRemote: false, config: defaultExchangeConfig(), interfaces: INTERFACES, ...change };
}

function refusal(req: ListenRequest): ShakedownError {
  try {
    decideListen(req);
  } catch (error) {
    if (isShakedownError(error)) return error;
    throw error;
  }
  throw new Error(`expected ${req.host} to be refused`);
}

describe('serve --host: which hosts are loopback', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    'localhost',
    'LocalHost',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
  ])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
    expect(decideListen(request(host))).toEqual({ remote: false });
  });

  it.each([
    '0.0.0.0',
    '::',
    '128.0.0.1',
    '10.0.0.1',
    '203.0.113.5',
    '::2',
    '::ffff:10.0.0.1',
    'example.com',
    '127.1',
  ])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('serve --host beyond loopback', () => {
  it('is refused without --allow-remote, even with its own keys', () => {
    for (const config of [defaultExchangeConfig(), ownKeys()]) {
      const error = refusal(request('0.0.0.0', { config }));
      expect(error.code).toBe('SHK_REMOTE_NOT_ALLOWED');
      expect(error.exitCode).toBe(2);
      expect(error.message).not.toContain('\n');
      expect(error.message).toContain('--allow-remote');
    }
  });

  it('is refused with --allow-remote while any default key is kept, naming each', () => {
    const builtIn = refusal(request('::', { allowRemote: true }));
    expect(builtIn.code).toBe('SHK_REMOTE_DEFAULT_KEYS');
    expect(builtIn.exitCode).toBe(2);
    expect(builtIn.message).toContain('the built-in venue keeps maker (maker-key)');
    expect(builtIn.message).toContain('adminKey (admin-key)');

    const oneAccount = ownKeys();
    oneAccount.accounts[2].key = 'maker-key'; // a default key, even on another account
    expect(defaultKeysIn(oneAccount)).toEqual(['bystander (maker-key)']);
    const error = refusal(
      request('203.0.113.5', { allowRemote: true, config: oneAccount, configPath: 'v.json' }),
    );
    expect(error.code).toBe('SHK_REMOTE_DEFAULT_KEYS');
    expect(error.message).toContain('v.json keeps bystander (maker-key)');

    const admin = ownKeys();
    admin.adminKey = 'admin-key';
    expect(refusal(request('203.0.113.5', { allowRemote: true, config: admin })).message).toContain(
      'adminKey (admin-key)',
    );
  });

  it('is accepted with --allow-remote and every key replaced, with a warning naming the addresses', () => {
    const config = ownKeys();
    expect(defaultKeysIn(config)).toEqual([]);
    const any4 = decideListen(request('0.0.0.0', { allowRemote: true, config }));
    expect(any4).toMatchObject({ remote: true, addresses: ['127.0.0.1 (lo)', '203.0.113.5 (eth0)'] });
    if (!any4.remote) throw new Error('unreachable');
    expect(any4.warning).toMatch(/^warning: listening beyond loopback, on every interface \(0\.0\.0\.0\): /);
    expect(any4.warning).toContain('127.0.0.1 (lo), 203.0.113.5 (eth0)');
    expect(any4.warning).not.toContain('\n');

    const any6 = decideListen(request('::', { allowRemote: true, config }));
    expect(any6).toMatchObject({
      remote: true,
      addresses: ['127.0.0.1 (lo)', '[::1] (lo)', '203.0.113.5 (eth0)', '[2001:db8::5] (eth0)'],
    });

    const one = decideListen(request('203.0.113.5', { allowRemote: true, config }));
    expect(one).toMatchObject({ remote: true, addresses: ['203.0.113.5 (eth0)'] });
  });
});

describe('shakedown serve --host (child process; refused before it listens)', () => {
  const processes: ServeProcess[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const configFile = (config: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-listen-'));
    dirs.push(dir);
    const path = join(dir, 'venue.json');
    writeFileSync(path, JSON.stringify(config));
    return path;
  };

  // Documentation addresses (TEST-NET-3, 2001:db8::/32): never this machine's, so even a
  // regression that let them through could not listen beyond loopback.
  it.each([
    [['--host', '203.0.113.7'], /SHK_REMOTE_NOT_ALLOWED: --host 203\.0\.113\.7 is not loopback/],
    [['--host', '2001:db8::7'], /SHK_REMOTE_NOT_ALLOWED/],
    [
      ['--host', '203.0.113.7', '--allow-remote'],
      /SHK_REMOTE_DEFAULT_KEYS: .*the built-in venue keeps maker/,
    ],
  ])('refuses %j: one line, exit 2, nothing on stdout', async (args, message) => {
    const p = new ServeProcess(['--port', '0', ...args]);
    processes.push(p);
    expect((await p.waitExit()).code).toBe(2);
    expect(p.stdout).toBe('');
    expect(p.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(p.stderr).toMatch(message);
  });

  it('refuses --allow-remote with a --config that keeps one default key', async () => {
    const path = configFile({ adminKey: 'admin-7f3c' }); // the accounts keep their default keys
    const p = new ServeProcess(['--port', '0', '--host', '203.0.113.7', '--allow-remote', '--config', path]);
    processes.push(p);
    expect((await p.waitExit()).code).toBe(2);
    expect(p.stdout).toBe('');
    expect(p.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(p.stderr).toContain('SHK_REMOTE_DEFAULT_KEYS');
    expect(p.stderr).toContain(`${path} keeps maker (maker-key)`);
  });
});
