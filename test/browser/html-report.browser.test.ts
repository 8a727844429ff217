import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReplayFile } from '../../src/core/replay/write-replay-file.ts';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { buildClientTimeline } from '../../src/core/report/client-timeline.ts';
import { MERMAID_MAX_CHARS, MERMAID_MAX_PARTICIPANTS } from '../../src/core/report/mermaid-sequence.ts';
import {
  type ReportFailure,
  type ReportInput,
  withDistinctFailures,
} from '../../src/core/report/report-input.ts';
import { describeEvent } from '../../src/domains/trading/describe-event.ts';
import { describeAction } from '../../src/domains/trading/generation/describe-action.ts';

const REPO = join(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin/shakedown.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = join(REPO, '.scratch/report-screenshot.png');
/** Mermaid as GitHub runs it: in the browser, from its own bundle (a devDependency). */
const MERMAID = join(
  createRequire(import.meta.url).resolve('mermaid/package.json'),
  '..',
  'dist/mermaid.min.js',
);
/** Found within a few hundred runs of seed 1, in process: a real failure in seconds. */
const BUG = 'overfill';
/** Properties that catch it at once, so the test runs two campaigns in seconds. */
const PROPERTIES = ['trading-venue', 'chaos-recovery', 'margin-and-marks'];

const hasChromium = existsSync(CHROMIUM);
// CI (.ci/run) installs chromium and sets this: there a missing browser fails, it never skips.
const required = process.env.SHAKEDOWN_REQUIRE_BROWSER === '1';
if (!hasChromium && !required)
  console.warn(`browser tests skipped: no chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

it.runIf(required)('chromium is installed where the browser test is required', () => {
  expect(hasChromium, `no chromium at ${CHROMIUM}`).toBe(true);
});

/**
 * The reports `run --report` writes for a real failing campaign, opened in one real browser
 * (one chromium launch for the file). The campaign is the README's two runs: the first saves
 * its failures (its report gives the Mermaid diagrams, every failure new), the second replays
 * them (regressions) and finds them again (its report.html, each failure met twice and shown
 * once). The CLI runs on one thread, as test/support/cli.ts runs it: the reports are the same on
 * any number of workers, and a worker's start-up would only add CPU to campaigns this small.
 */
describe.skipIf(!hasChromium)('the reports of a failing campaign in a real browser', () => {
  let dir: string;
  let browser: Browser | undefined;
  let input: ReportInput;
  let htmlPath: string;
  /** The first run's failure files: each one's Mermaid diagram, and what its run delivered. */
  let diagrams: { file: string; text: string; deliveries: number }[];
  /** The first run's report folder. */
  let firstReport: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-html-'));
    // The reports exactly as users get them: written by `run --report`, with their own summary.
    const args = ['run', '--bug', BUG, '--seed', '1', '--runs', '200', '--time-budget', '5m'];
    for (const name of PROPERTIES) args.push('--property', name);
    const env: NodeJS.ProcessEnv = { ...process.env, SHAKEDOWN_WORKERS: '1' };
    delete env.CI;
    const campaign = (more: string[]) => {
      const run = spawnSync(process.execPath, [BIN, ...args, ...more, '--log-level', 'warn'], {
        encoding: 'utf8',
        timeout: 90_000,
        cwd: dir,
        env,
      });
      // Exit 1 is also what a crash gives: the campaign must have found and saved the failure.
      expect(run.status, `${run.stderr}\n${run.stdout}`).toBe(1);
    };
    campaign(['--report', 'first-report', '--summary', 'first-summary.json']);
    firstReport = join(dir, 'first-report');
    // failure-N is the Nth failure of the first summary (none is found twice there: nothing was
    // saved before it).
    const first = JSON.parse(readFileSync(join(dir, 'first-summary.json'), 'utf8')) as CampaignSummary;
    diagrams = first.failures.map((f, i) => {
      expect(f.duplicateOf, f.property).toBeUndefined();
      const file = `failure-${i + 1}-${f.property}.md`;
      const replay = readReplayFile(join(dir, f.replayFile as string));
      return {
        file,
        text: diagramOf(readFileSync(join(firstReport, file), 'utf8')),
        // Every request, its reply and every event each client received.
        deliveries: 2 * replay.evidence.history.length + replay.events.length,
      };
    });
    campaign(['--report', 'report', '--summary', 'summary.json', '--junit', 'junit.xml']);
    htmlPath = join(dir, 'report', 'report.html');
    expect(existsSync(htmlPath), 'no report written').toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as CampaignSummary;
    const failures: ReportFailure[] = summary.failures.map((f) => ({
      summary: f,
      replay: readReplayFile(join(dir, f.replayFile as string)),
    }));
    expect(failures.length).toBeGreaterThan(0);
    // Each failure once, as the report draws them: a regression with its second find.
    input = withDistinctFailures({
      summary,
      failures,
      describeAction: (action) => describeAction(action as never),
      describeEvent: (event) => describeEvent(event as never),
    });
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
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The HTML report of the second run, opened with the network cut off: it must render
   * completely from the one file (verdict, a lane per client with its marks, the violations,
   * the latency chart), and the screenshot is kept for a person to look at.
   */
  describe('report.html in a real browser', () => {
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
        const timeline = buildClientTimeline(failure.replay, input);
        const clients = [...new Set([...timeline.clients, ...timeline.violations.map((v) => v.client)])];
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

    it('labels its marks where they are, no two labels overlapping, and lists the marks with no room', async () => {
      const page = await openReport();
      const articles = page.getByTestId('failure');
      let labelled = 0;
      for (let i = 0; i < (await articles.count()); i++) {
        const article = articles.nth(i);
        // On virtual time the axis reads by step.
        await expect(article.getByTestId('timeline').getAttribute('data-axis')).resolves.toBe('step');
        expect(await article.getByTestId('tick').allTextContents()).toContain('step 0');
        const boxes = await labelBoxes(article);
        labelled += boxes.length;
        for (const box of boxes) {
          expect(box.text.trim().length, 'label text').toBeGreaterThan(0);
          expect(box.width, `label ${box.text}`).toBeGreaterThan(4);
          expect(box.height, `label ${box.text}`).toBeGreaterThan(4);
        }
        for (const [j, a] of boxes.entries())
          for (const b of boxes.slice(j + 1))
            expect(overlap(a, b), `"${a.text}" overlaps "${b.text}" in failure ${i + 1}`).toBe(false);
        // Every mark that says something has its label, or is in the list under the timeline.
        const marks = await article
          .locator('.mark')
          .evaluateAll((nodes) =>
            nodes.map((n) => [n.getAttribute('data-mark'), n.getAttribute('data-label')]),
          );
        for (const [id, state] of marks) {
          if (state === 'shown')
            expect(
              await article.locator(`[data-testid=mark-label][data-for="${id}"]`).count(),
              `mark ${id}`,
            ).toBe(1);
          if (state === 'listed')
            expect(
              await article.locator(`[data-testid=unlabelled] li[data-for="${id}"]`).count(),
              `mark ${id}`,
            ).toBe(1);
        }
        // The requests say what was sent, in words a person reads without hovering.
        const actions = await article
          .locator('.mark-action')
          .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-label')));
        expect(actions).not.toContain('none');
      }
      expect(labelled).toBeGreaterThan(0);
      await page.close();
    }, 60_000);

    it('puts each violation on the lane of the client whose state it is about, not the observer that saw it', async () => {
      const page = await openReport();
      const articles = page.getByTestId('failure');
      let moved = 0;
      for (const [i, failure] of input.failures.entries()) {
        const article = articles.nth(i);
        const timeline = buildClientTimeline(failure.replay, input);
        const marks = article.getByTestId('violation-mark');
        expect(await marks.count()).toBe(failure.replay.violations.length);
        const events = new Map(failure.replay.events.map((e) => [e.gseq, e]));
        for (const v of timeline.violations) {
          const lane = article.locator(`[data-testid=lane][data-client="${v.client}"]`);
          expect(
            await lane.locator(`[data-testid=violation-mark][data-invariant="${v.invariant}"]`).count(),
            `${v.invariant} on ${v.client}'s lane`,
          ).toBeGreaterThan(0);
          const named = failure.replay.violations[v.index].events.flatMap((g) => events.get(g) ?? []);
          if (v.by === 'event') {
            // The lane is the owner of a stream it names; the copies may have come to an observer.
            expect(named.some((e) => e.stream.split(':').includes(v.client))).toBe(true);
            if (named.every((e) => e.client !== v.client)) moved++;
          }
        }
      }
      // The overfill bug is seen through the admin's copies of the traders' account streams.
      expect(moved).toBeGreaterThan(0);
      await page.close();
    }, 60_000);

    it('shows a saved failure found again once, with its count, a regression apart from new ones', async () => {
      const all = input.summary.failures;
      const again = all.filter((f) => f.duplicateOf !== undefined);
      expect(again.length, 'the second campaign finds the saved failures again').toBeGreaterThan(0);
      const files = readdirSync(join(dir, 'report')).filter((f) => f.startsWith('failure-'));
      expect(files).toHaveLength(all.length - again.length);
      const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
      const cases = [...junit.matchAll(/<testcase name="(replay [^"]*)"/g)].map((m) => m[1]);
      expect(new Set(cases).size).toBe(cases.length);

      const page = await openReport();
      const articles = page.getByTestId('failure');
      expect(await articles.count()).toBe(files.length);
      for (const [i, failure] of input.failures.entries()) {
        const article = articles.nth(i);
        const found = again.some((f) => f.duplicateOf === failure.summary.replayFile);
        await expect(article.getByTestId('origin-badge').getAttribute('data-origin')).resolves.toBe(
          failure.summary.regression ? 'regression' : 'new',
        );
        if (found) {
          await expect(article.getByTestId('found').innerText()).resolves.toBe('found 2 times');
          expect(await article.getByTestId('origin').innerText()).toMatch(
            /^regression: .* found again by run \d+$/,
          );
        }
        expect(await article.getByTestId('origin-badge').isVisible()).toBe(true);
      }
      await page.close();
    }, 60_000);

    /** The report in a fresh page, nothing leaving it. */
    async function openReport(): Promise<Page> {
      const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
      page.setDefaultTimeout(15_000);
      await page.route('**/*', (route) =>
        route.request().url().startsWith('file:') ? route.continue() : route.abort(),
      );
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
      return page;
    }
  });

  /**
   * The sequence diagrams of the first run's failure files render with mermaid (the library
   * GitHub renders them with) in the real browser: no parse error, and an SVG with one message
   * line per arrow the diagram draws, each event once.
   */
  describe('the failure files’ Mermaid diagrams, rendered by mermaid in Chromium', () => {
    it('parses and renders each, one message line per arrow, every note and participant drawn', async () => {
      expect(readdirSync(firstReport).filter((f) => f.startsWith('failure-'))).toHaveLength(diagrams.length);
      expect(diagrams.length).toBeGreaterThan(0);
      const page = await browser!.newPage();
      page.setDefaultTimeout(20_000);
      const attempted: string[] = [];
      await page.route('**/*', (route) => {
        attempted.push(route.request().url());
        return route.abort();
      });
      await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
      await page.addScriptTag({ path: MERMAID });
      await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).mermaid.initialize({
          startOnLoad: false,
          securityLevel: 'strict',
        }),
      );
      for (const [i, { file, text }] of diagrams.entries()) {
        const want = promised(text);
        // Within what GitHub renders.
        expect(text.length, file).toBeLessThanOrEqual(MERMAID_MAX_CHARS);
        expect(want.participants, file).toBeLessThanOrEqual(MERMAID_MAX_PARTICIPANTS);
        const got = await render(page, text, `diagram-${i}`);
        expect(got.error, `${file}:\n${text}`).toBeUndefined();
        expect(got.messageLines, file).toBe(want.arrows);
        expect(got.notes, file).toBe(want.notes);
        expect(got.actors, file).toBe(want.participants);
        // Each event drawn once: far fewer arrows than the deliveries the run recorded.
        expect(want.arrows, file).toBeGreaterThan(0);
        expect(want.arrows, file).toBeLessThan(diagrams[i].deliveries);
      }
      // The check can fail: a broken diagram is a parse error, not an empty picture.
      expect((await render(page, 'sequenceDiagram\n  c1->>: nobody', 'broken')).error).toBeDefined();
      expect(attempted).toEqual([]);
      await page.close();
    }, 60_000);

    it('draws an event once however many clients received it', () => {
      expect(diagrams.length).toBeGreaterThan(0);
      for (const { file, text } of diagrams) {
        const events = text
          .split('\n')
          .map((l) => /^\s*T-\)\w+: (?:❗ )?g\d+ (\S+)/.exec(l)?.[1])
          .filter((e): e is string => e !== undefined);
        expect(new Set(events).size, file).toBe(events.length);
      }
    });
  });
});

interface Box {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where each timeline label of a failure is drawn, as the browser laid it out. */
function labelBoxes(article: Locator): Promise<Box[]> {
  return article.locator('.mark-label text.label').evaluateAll((nodes) =>
    nodes.map((n) => {
      const r = n.getBoundingClientRect();
      return { text: n.textContent ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

/** Two boxes share more than a hair (half a pixel each way is rounding). */
const overlap = (a: Box, b: Box): boolean =>
  a.x + 0.5 < b.x + b.width &&
  b.x + 0.5 < a.x + a.width &&
  a.y + 0.5 < b.y + b.height &&
  b.y + 0.5 < a.y + a.height;

/** The diagram of a failure file: its one mermaid block. */
function diagramOf(markdown: string): string {
  const block = /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1];
  expect(block, 'no mermaid block').toBeDefined();
  return block ?? '';
}

/** What the diagram text promises: arrows (requests, replies, events) and notes. */
function promised(diagram: string): { arrows: number; notes: number; participants: number } {
  const lines = diagram.split('\n').map((l) => l.trim());
  return {
    arrows: lines.filter((l) => /^\w+(->>|-->>|-\))\w+:/.test(l)).length,
    notes: lines.filter((l) => l.startsWith('Note over')).length,
    participants: lines.filter((l) => l.startsWith('participant ')).length,
  };
}

interface Rendered {
  error?: string;
  messageLines: number;
  notes: number;
  actors: number;
}

/** The little of the page's DOM the render check uses (the project's types have no DOM). */
interface PageGlobals {
  mermaid: {
    initialize(config: object): void;
    parse(text: string): Promise<unknown>;
    render(id: string, text: string): Promise<{ svg: string }>;
  };
  document: {
    createElement(tag: string): { innerHTML: string; querySelectorAll(selector: string): { length: number } };
    body: { append(node: unknown): void };
  };
}

/** Parses and renders the diagram with mermaid in the page; what the SVG holds, or the error. */
async function render(page: Page, diagram: string, id: string): Promise<Rendered> {
  return page.evaluate(
    async ({ text, id }) => {
      const { mermaid, document } = globalThis as unknown as PageGlobals;
      try {
        await mermaid.parse(text);
        const { svg } = await mermaid.render(id, text);
        const host = document.createElement('div');
        host.innerHTML = svg;
        document.body.append(host);
        const count = (selector: string) => host.querySelectorAll(selector).length;
        return {
          messageLines: count('.messageLine0, .messageLine1'),
          notes: count('rect.note'),
          actors: count('rect.actor-top'),
        };
      } catch (error) {
        return { error: String(error), messageLines: 0, notes: 0, actors: 0 };
      }
    },
    { text: diagram, id },
  );
}
