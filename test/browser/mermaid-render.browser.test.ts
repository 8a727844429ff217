import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReplayFile } from '../../src/core/replay/write-replay-file.ts';
import type { CampaignSummary } from '../../src/core/report/campaign-summary.ts';
import { MERMAID_MAX_CHARS, MERMAID_MAX_PARTICIPANTS } from '../../src/core/report/mermaid-sequence.ts';

const REPO = join(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin/shakedown.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Mermaid as GitHub runs it: in the browser, from its own bundle (a devDependency). */
const MERMAID = join(
  createRequire(import.meta.url).resolve('mermaid/package.json'),
  '..',
  'dist/mermaid.min.js',
);

const hasChromium = existsSync(CHROMIUM);
const required = process.env.SHAKEDOWN_REQUIRE_BROWSER === '1';
if (!hasChromium && !required)
  console.warn(`mermaid render test skipped: no chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

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

/**
 * The sequence diagrams `run --report` writes for a real failure render with mermaid (the
 * library GitHub renders them with) in a real browser: no parse error, and an SVG with one
 * message line per arrow the diagram draws, each event once.
 */
describe.skipIf(!hasChromium)('the failure files’ Mermaid diagrams, rendered by mermaid in Chromium', () => {
  let dir: string;
  let browser: Browser | undefined;
  let diagrams: { file: string; text: string; deliveries: number }[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-mermaid-'));
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CI;
    const run = spawnSync(
      process.execPath,
      [
        BIN,
        'run',
        '--bug',
        'overfill',
        '--seed',
        '1',
        '--runs',
        '200',
        '--time-budget',
        '5m',
        '--property',
        'trading-venue',
        '--property',
        'chaos-recovery',
        '--report',
        'report',
        '--summary',
        'summary.json',
        '--no-replays',
        '--log-level',
        'warn',
      ],
      { encoding: 'utf8', timeout: 90_000, cwd: dir, env },
    );
    expect(run.status, `${run.stderr}\n${run.stdout}`).toBe(1);
    const report = join(dir, 'report');
    // failure-N is the Nth failure of the summary (none is found twice here: --no-replays).
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as CampaignSummary;
    diagrams = summary.failures.map((f, i) => {
      const file = `failure-${i + 1}-${f.property}.md`;
      const replay = readReplayFile(join(dir, f.replayFile as string));
      return {
        file,
        text: diagramOf(readFileSync(join(report, file), 'utf8')),
        // Every request, its reply and every event each client received.
        deliveries: 2 * replay.evidence.history.length + replay.events.length,
      };
    });
    expect(readdirSync(report).filter((f) => f.startsWith('failure-'))).toHaveLength(diagrams.length);
    expect(diagrams.length).toBeGreaterThan(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
      timeout: 30_000,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('parses and renders each, one message line per arrow, every note and participant drawn', async () => {
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
    for (const { file, text } of diagrams) {
      const events = text
        .split('\n')
        .map((l) => /^\s*T-\)\w+: (?:❗ )?g\d+ (\S+)/.exec(l)?.[1])
        .filter((e): e is string => e !== undefined);
      expect(new Set(events).size, file).toBe(events.length);
    }
  });
});
