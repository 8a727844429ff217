import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import { loadExchangeConfig } from '../../../src/domains/trading/protocol/load-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'shakedown-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadExchangeConfig', () => {
  it('returns the default config without a path', () => {
    expect(loadExchangeConfig()).toEqual(defaultExchangeConfig());
  });

  it('reads a partial file and merges it with the defaults', () => {
    const path = file('partial.json', JSON.stringify({ adminKey: 'root', retainFinishedOrders: 10 }));
    expect(loadExchangeConfig(path)).toEqual({
      ...defaultExchangeConfig(),
      adminKey: 'root',
      retainFinishedOrders: 10,
    });
  });

  it('names a missing file', () => {
    const path = join(dir, 'missing.json');
    expect(() => loadExchangeConfig(path)).toThrow(
      expect.objectContaining({
        code: 'SHK_CONFIG_UNREADABLE',
        exitCode: 2,
        message: expect.stringContaining(`${path}: cannot read the config file`),
      }),
    );
  });

  it('reports bad JSON with the parser message', () => {
    const path = file('bad.json', '{"adminKey": }');
    expect(() => loadExchangeConfig(path)).toThrow(
      expect.objectContaining({
        code: 'SHK_CONFIG_INVALID',
        message: expect.stringMatching(/bad\.json: not valid JSON: /),
      }),
    );
  });

  it('names the file and path of an invalid value', () => {
    const path = file('invalid.json', JSON.stringify({ rateLimit: { perSecond: -1, burst: 1 } }));
    expect(() => loadExchangeConfig(path)).toThrow(
      `${path}: rateLimit.perSecond: must be greater than 0, got -1`,
    );
  });
});
