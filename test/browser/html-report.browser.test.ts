import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReplayFile } from '../../src/core/replay/write-replay-file.ts';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { buildClientTimeline } from '../../src/core/report/client-timeline.ts';
import type { ReportFailure, ReportInput } from '../../src/core/report/report-input.ts';
import { describeEvent } from '../../src/domains/trading/describe-event.ts';
import { describeAction } from '../../src/domains/trading/generation/describe-action.ts';

const REPO = join(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin/shakedown.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = join(REPO, '.scratch/report-screenshot.png');
/** Found within a few hundred runs of seed 1, in process: a real failure in seconds. */
const BUG = 'overfill';

const hasChromium = existsSync(CHROMIUM);
// CI (.ci/run) installs chromium and sets this: there a missing browser fails, it never skips.
const required = process.env.SHAKEDOWN_REQUIRE_BROWSER === '1';
if (!hasChromium && !required)
  console.warn(`html-report browser test skipped: no chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

it.runIf(required)('chromium is installed where the browser test is required', () => {
  expect(hasChromium, `no chromium at ${CHROMIUM}`).toBe(true);
});

/**
 * The HTML report of a real failing campaign, opened in a real browser with the network cut
 * off: it must render completely from the one file (verdict, a lane per client with its marks,
 * the violations, the latency chart), and the screenshot is kept for a person to look at.
 */
describe.skipIf(!hasChromium)('report.html in a real browser', () => {
  let dir: string;
  let browser: Browser | undefined;
  let input: ReportInput;
  let htmlPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-html-'));
    // The report exactly as users get it: written by `run --report`, with its own summary.
    const args = ['run', '--bug', BUG, '--seed', '1', '--runs', '200', '--time-budget', '5m'];
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CI;
    const run = spawnSync(
      process.execPath,
      [
        BIN,
        ...args,
        '--report',
        'report',
        '--summary',
        'summary.json',
        '--no-replays',
        '--log-level',
        'warn',
      ],
      { encoding: 'utf8', timeout: 60_000, cwd: dir, env },
    );
    // Exit 1 is also what a crash gives: the campaign must have found and saved the failure.
    expect(run.status, `${run.stderr}\n${run.stdout}`).toBe(1);
    htmlPath = join(dir, 'report', 'report.html');
    expect(existsSync(htmlPath), `no report written:\n${run.stderr}\n${run.stdout}`).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as CampaignSummary;
    const failures: ReportFailure[] = summary.failures.map((f) => ({
      summary: f,
      replay: readReplayFile(join(dir, f.replayFile as string)),
    }));
    expect(failures.length).toBeGreaterThan(0);
    input = {
      summary,
      failures,
      describeAction: (action) => describeAction(action as never),
      describeEvent: (event) => describeEvent(event as never),
    };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 30_000,
    });
  }, 80_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders the failing campaign from the one file, with no request leaving it', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    const attempted: string[] = [];
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      attempted.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });

    const verdict = page.getByTestId('verdict');
    await expect(verdict.getAttribute('data-verdict')).resolves.toBe('fail');
    expect(await verdict.innerText()).toContain('FAIL');
    expect(await page.getByTestId('property-row').count()).toBe(input.summary.properties.length);

    const articles = page.getByTestId('failure');
    expect(await articles.count()).toBe(input.failures.length);
    for (const [i, failure] of input.failures.entries()) {
      const article = articles.nth(i);
      const clients = buildClientTimeline(failure.replay, input).clients;
      const lanes = article.getByTestId('lane');
      expect(await lanes.count()).toBe(clients.length);
      for (const client of clients) {
        const lane = article.locator(`[data-testid=lane][data-client="${client}"]`);
        const box = await lane.boundingBox();
        expect(box, `lane ${client}`).not.toBeNull();
        expect(box!.width).toBeGreaterThan(100);
        expect(box!.height).toBeGreaterThan(10);
        expect(await lane.locator('.mark').count(), `marks in lane ${client}`).toBeGreaterThan(0);
      }
      // What the violations name is drawn in red, and each violation is spelled out.
      expect(await article.locator('.mark.involved').count()).toBeGreaterThan(0);
      const violations = await article.getByTestId('violation').allInnerTexts();
      expect(violations).toHaveLength(failure.replay.violations.length);
      failure.replay.violations.forEach((v, j) => {
        expect(violations[j]).toContain(v.invariant);
        expect(violations[j]).toContain(v.message);
      });
    }

    const chart = page.getByTestId('latency-chart');
    const bars = chart.locator('rect.bar');
    expect(await bars.count()).toBeGreaterThan(0);
    const bar = await bars.first().boundingBox();
    expect(bar!.width).toBeGreaterThan(0);
    expect(await page.getByTestId('coverage').innerText()).toMatch(/reject reasons\s+\d+ of \d+/);

    mkdirSync(join(REPO, '.scratch'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(attempted).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);
});
