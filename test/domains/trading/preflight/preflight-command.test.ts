import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PreflightReport } from '../../../../src/domains/trading/preflight/sandbox-preflight.ts';
import { cliAsync, referenceVenues } from './reference-venues.ts';

const venue = referenceVenues();

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('shakedown preflight', () => {
  it('against a leaky venue: exit 3 and one line on stderr naming the leak', async () => {
    const leaky = await venue(false);
    const result = await cliAsync(['preflight', '--target', leaky.url]);
    expect(result.status, result.stderr).toBe(3);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^shakedown: SHK_PREFLIGHT_LEAKY_SANDBOX: preflight: the sandbox of ws:/);
    expect(result.stderr).toContain('maker on BTC-USD was accepted');
    expect(result.stderr).toContain('live on SANDBOX.BTC-USD was accepted');
    expect(result.stdout).toContain('FAIL  sandbox account on a live symbol: maker on BTC-USD was accepted');
    expect(leaky.host.snapshot().orders).toEqual([]);
  }, 60_000);

  it('against a clean venue: exit 0, each check refused', async () => {
    const clean = await venue(true);
    const [text, json] = await Promise.all([
      cliAsync(['preflight', '--target', clean.url]),
      cliAsync(['preflight', '--target', clean.url, '--json']),
    ]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      'ok    live account on a sandbox symbol: live on SANDBOX.BTC-USD was refused',
    );
    expect(text.stdout).toContain(`preflight: the sandbox of ${clean.url} is isolated`);
    expect(json.status, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as PreflightReport;
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => c.outcome)).toEqual(['rejected', 'rejected']);
  }, 60_000);

  it('probes the accounts of --config, and --sandbox-prefix overrides its prefix', async () => {
    const clean = await venue(true);
    const dir = mkdtempSync(join(tmpdir(), 'shakedown-preflight-'));
    try {
      const config = join(dir, 'venue.json');
      writeFileSync(
        config,
        JSON.stringify({
          accounts: [
            { id: 'taker', key: 'taker-key', cash: 1_000_000, leverage: 5, sandbox: true },
            { id: 'live', key: 'live-key', cash: 1_000_000, leverage: 1, sandbox: false },
          ],
        }),
      );
      const [withConfig, otherPrefix] = await Promise.all([
        cliAsync(['preflight', '--target', clean.url, '--config', config, '--json']),
        cliAsync(['preflight', '--target', clean.url, '--config', config, '--sandbox-prefix', 'TEST.']),
      ]);
      expect(withConfig.status, withConfig.stderr).toBe(0);
      const report = JSON.parse(withConfig.stdout) as PreflightReport;
      expect(report.checks.map((c) => c.account)).toEqual(['taker', 'live']);
      expect(otherPrefix.status).toBe(2);
      expect(otherPrefix.stderr).toContain('SHK_PREFLIGHT_UNCONFIGURED');
      expect(otherPrefix.stderr).toContain('no symbol starting with "TEST."');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('an unreachable venue is exit 3; a target that is not a URL is a usage error; an embedded one needs nothing', async () => {
    const [unreachable, module, inproc, ws] = await Promise.all([
      cliAsync(['preflight', '--target', 'ws://127.0.0.1:1']),
      cliAsync(['preflight', '--target', './my-target.ts']),
      cliAsync(['preflight', '--target', 'inproc']),
      cliAsync(['preflight', '--target', 'ws']),
    ]);
    expect(unreachable.status, unreachable.stderr).toBe(3);
    expect(unreachable.stderr).toContain('SHK_PREFLIGHT_UNREACHABLE');
    expect(lines(unreachable.stderr)).toHaveLength(1);
    expect(module.status).toBe(2);
    expect(module.stderr).toContain('preflight needs a venue URL');
    for (const embedded of [inproc, ws]) {
      expect(embedded.status, embedded.stderr).toBe(0);
      expect(embedded.stdout).toContain('a venue shakedown starts itself; nothing to check');
    }
  }, 60_000);
});
