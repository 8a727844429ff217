import type { FaultCounts } from '../faults/fault-record.ts';
import {
  type ActionLatency,
  type CampaignSummary,
  type PropertySummary,
  type SummaryVerdict,
  summaryClock,
} from './campaign-summary.ts';
import {
  buildClientTimeline,
  type ClientTimeline,
  TARGET_PARTICIPANT,
  type TimelineEntry,
  type ViolationMark,
} from './client-timeline.ts';
import type { DomainSection } from './domain-measures.ts';
import {
  describeSlo,
  distinctFailures,
  failureOrigin,
  formatDuration,
  formatMs,
  formatRate,
  foundTimesText,
  groupViolations,
  type ReportFailure,
  type ReportInput,
  replayCommand,
  rerunCommand,
  withDistinctFailures,
} from './report-input.ts';

const VERDICT_WORD: Record<SummaryVerdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  unknown: 'UNKNOWN',
  hang: 'HANG',
};

/**
 * The whole campaign as one HTML file that opens anywhere with no network: inline CSS, inline
 * SVG drawn here (so it renders with scripts off), a little inline JS for filtering, and the
 * data itself as JSON for anyone who wants to dig further.
 */
export function renderHtmlReport(all: ReportInput): string {
  // A saved failure the new runs found again is one failure, drawn once with its count.
  const input = withDistinctFailures(all);
  const { summary } = input;
  const timelines = input.failures.map((f) => buildClientTimeline(f.replay, input));
  const body = [
    header(summary),
    nav(summary, input.failures.length),
    propertiesSection(summary, input.failures),
    failuresSection(input, timelines),
    invariantsSection(summary),
    latencySection(summary.latency, summaryClock(summary)),
    ...(summary.sections ?? []).map(domainSection),
    coverageSection(summary),
    faultsSection(summary.faults, summary.unfiredFaults),
    `<footer>shakedown ${esc(summary.tool)} · domain ${esc(summary.domain)} · ${esc(rerunCommand(summary))}</footer>`,
  ].join('\n');
  const data = { summary, failures: input.failures.map((f) => ({ summary: f.summary, replay: f.replay })) };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>shakedown ${VERDICT_WORD[summary.verdict]}: ${esc(summary.target)} seed ${summary.seed}</title>
<style>${CSS}</style>
</head>
<body class="verdict-${summary.verdict}">
<main>
${body}
</main>
<script type="application/json" id="shakedown-data">${jsonForScript(data)}</script>
<script>${JS}</script>
</body>
</html>
`;
}

/** Text in HTML, attributes included. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const esc = (value: unknown): string => escapeHtml(String(value));

/**
 * JSON inside a script element: `</` would end the element and `<!--` would change how the
 * parser reads the rest, so both are written with JSON escapes that parse back the same.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data).replace(/<\//g, '<\\/').replace(/<!--/g, '<\\u0021--');
}

// --- header, navigation, properties ---------------------------------------------------------

function header(summary: CampaignSummary): string {
  const facts: [string, string][] = [
    ['seed', `${summary.seed} <span class="dim">(${esc(summary.seedSource)})</span>`],
    [
      'target',
      `${esc(summary.target)}${summary.transport !== summary.target ? ` <span class="dim">over ${esc(summary.transport)}</span>` : ''}`,
    ],
    ['runs', `${summary.runs}`],
    ['actions', `${summary.actions}`],
    ['duration', esc(formatDuration(summary.durationMs))],
    ['failures', `${distinctFailures(summary.failures).length}`],
  ];
  if (summary.bugs.length)
    facts.push(['planted bugs', summary.bugs.map((b) => `<code>${esc(b)}</code>`).join(' ')]);
  if (summary.commit) facts.push(['commit', `<code>${esc(summary.commit.slice(0, 12))}</code>`]);
  if (summary.shard) facts.push(['shard', `${summary.shard.index} of ${summary.shard.count}`]);
  if (summary.mergedShards) facts.push(['merged', `${summary.mergedShards} shards`]);
  const distinct = distinctFailures(summary.failures);
  const regressions = distinct.filter((f) => f.regression).length;
  const kinds =
    regressions > 0
      ? ` (${regressions} ${regressions === 1 ? 'regression' : 'regressions'}, ${distinct.length - regressions} new)`
      : '';
  const why =
    summary.verdict === 'pass'
      ? 'every run kept every rule'
      : summary.verdict === 'fail'
        ? `${distinct.length} failure${distinct.length === 1 ? '' : 's'}${kinds}${summary.unfiredFaults.length ? ', faults that never fired' : ''}${summary.interrupted ? ' · stopped by the time budget' : ''}`
        : 'a run proved nothing either way';
  return `<header class="banner">
<div class="verdict" data-testid="verdict" data-verdict="${summary.verdict}"><span class="verdict-word">${VERDICT_WORD[summary.verdict]}</span><span class="verdict-why">${esc(why)}</span></div>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>
</header>`;
}

function nav(summary: CampaignSummary, drawnFailures: number): string {
  const links: [string, string][] = [
    ['properties', 'Properties'],
    ...(drawnFailures > 0 ? ([['failures', `Failures (${drawnFailures})`]] as [string, string][]) : []),
    ['invariants', 'Invariant results'],
    ...(summary.latency.length ? ([['latency', 'Latency']] as [string, string][]) : []),
    ...(summary.sections ?? []).map((s): [string, string] => [`domain-${s.id}`, s.title]),
    ['coverage', 'Coverage'],
    ['faults', 'Faults'],
  ];
  return `<nav>${links.map(([id, label]) => `<a href="#${id}">${esc(label)}</a>`).join('')}</nav>`;
}

function pill(verdict: SummaryVerdict): string {
  return `<span class="pill pill-${verdict}">${VERDICT_WORD[verdict]}</span>`;
}

function propertiesSection(summary: CampaignSummary, failures: readonly ReportFailure[]): string {
  const rows = summary.properties.map((p) => {
    const drawn = failures.findIndex((f) => f.summary.property === p.name);
    const name = drawn >= 0 ? `<a href="#failure-${drawn + 1}">${esc(p.name)}</a>` : esc(p.name);
    const notes: string[] = [];
    if (p.interrupted) notes.push('stopped by the time budget');
    if (p.unfiredFaults?.length) notes.push(`never fired: ${p.unfiredFaults.join(', ')}`);
    if (p.unknown) notes.push(`unknown: ${p.unknown.invariant} threw`);
    const breached = p.slos.filter((s) => s.breached).length;
    if (breached) notes.push(`${breached} SLO breached`);
    if (p.skippedInvariants?.length) notes.push(`${p.skippedInvariants.length} invariants not checked`);
    if (p.warnings?.length)
      notes.push(`${p.warnings.length} ${p.warnings.length === 1 ? 'warning' : 'warnings'}`);
    return `<tr data-testid="property-row" data-property="${esc(p.name)}" data-verdict="${p.verdict}">
<td class="name">${name}</td><td>${pill(p.verdict)}</td><td class="num">${p.seed}</td><td class="num">${p.runs}</td><td class="num">${p.actions}</td><td class="num">${totalFaults(p.faults)}</td><td class="num">${esc(formatDuration(p.durationMs))}</td><td class="notes">${esc(notes.join('; '))}</td></tr>`;
  });
  return `<section id="properties"><h2>Properties</h2>
<table class="grid"><thead><tr><th>Property</th><th>Verdict</th><th class="num">Seed</th><th class="num">Runs</th><th class="num">Actions</th><th class="num">Faults fired</th><th class="num">Time</th><th>Notes</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

// --- failures ---------------------------------------------------------------------------------

function failuresSection(input: ReportInput, timelines: readonly ClientTimeline[]): string {
  if (input.failures.length === 0) return '';
  const articles = input.failures.map((f, i) => failureArticle(f, timelines[i], i, input));
  const index = input.failures.map((f, i) => {
    const groups = groupViolations(f.replay.violations);
    const found = foundTimesText(f.summary, input.summary.failures);
    return `<li data-testid="failure-index-item">${originBadge(f.summary)} <a href="#failure-${i + 1}">${esc(f.summary.property)}</a> ${groups.map((g) => invariantChip(g.invariant, g.violations.length)).join(' ')} <span class="dim">${f.replay.actions.length} actions, run ${f.summary.runIndex}</span>${found ? ` <span class="found" data-testid="found">${esc(found)}</span>` : ''}</li>`;
  });
  return `<section id="failures"><h2>Failures</h2>${input.failures.length > 1 ? `<ol class="failure-index">${index.join('')}</ol>` : ''}${articles.join('\n')}</section>`;
}

function failureArticle(
  failure: ReportFailure,
  timeline: ClientTimeline,
  index: number,
  input: ReportInput,
): string {
  const { summary: f, replay } = failure;
  const involvedSteps = new Set(replay.violations.flatMap((v) => v.steps));
  const events = new Map(replay.events.map((e) => [e.gseq, e]));
  const commands = [
    ...(f.replayFile ? [replayCommand(f.replayFile), `${replayCommand(f.replayFile)} --events-only`] : []),
    rerunCommand(input.summary, { name: f.property, seed: f.seed }),
  ];
  const concerns = new Map(timeline.violations.map((m) => [replay.violations[m.index], m.client]));
  const violation = (v: (typeof replay.violations)[number]): string => {
    const rows = v.events.map((gseq) => {
      const e = events.get(gseq);
      return e
        ? `<tr><td class="num">g${gseq}</td><td>${esc(e.client)}</td><td><code>${esc(`${e.stream}#${e.seq}`)}</code></td><td>${esc(input.describeEvent(e.event))}</td></tr>`
        : `<tr><td class="num">g${gseq}</td><td colspan="3" class="dim">not among the recorded events</td></tr>`;
    });
    const client = concerns.get(v);
    const where = [
      ...(client ? [`concerns ${client}`] : []),
      ...(v.steps.length ? [`steps ${v.steps.join(', ')}`] : []),
    ];
    return `<div class="violation" data-testid="violation"><div class="violation-head"><code class="invariant">${esc(v.invariant)}</code> ${esc(v.message)}</div>
${where.length ? `<div class="dim">${esc(where.join(' · '))}</div>` : ''}
${rows.length ? `<table class="grid compact"><thead><tr><th class="num">gseq</th><th>client</th><th>stream#seq</th><th>event</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : ''}</div>`;
  };
  // One invariant broken several times in the run: one group, with its count.
  const violations = groupViolations(replay.violations).map((g) =>
    g.violations.length === 1
      ? violation(g.violations[0])
      : `<div class="violation-group" data-testid="violation-group" data-invariant="${esc(g.invariant)}" data-count="${g.violations.length}"><div class="group-head"><code class="invariant">${esc(g.invariant)}</code> broken ${g.violations.length} times in this run</div>${g.violations.map(violation).join('\n')}</div>`,
  );
  const found = foundTimesText(f, input.summary.failures);
  const drawn = timelineSvg(timeline, index);
  const actions = replay.actions.map((action, step) => {
    const involved = involvedSteps.has(step);
    return `<li value="${step}"${involved ? ' class="involved"' : ''}><code>${esc(input.describeAction(action))}</code>${involved ? ' <span class="flag">named by a violation</span>' : ''}</li>`;
  });
  return `<article class="failure" data-testid="failure" id="failure-${index + 1}">
<h3>${f.regression ? 'Regression' : 'Failure'} ${index + 1}: ${esc(f.property)} ${pill(replay.verdict)} ${originBadge(f)}${found ? ` <span class="found" data-testid="found">${esc(found)}</span>` : ''}</h3>
<p class="origin" data-testid="origin">${esc(failureOrigin(f, input.summary.failures))}</p>
<p class="dim">seed ${f.seed} · run ${f.runIndex} · shrunk to ${replay.actions.length} actions after ${f.shrinks} shrinks · path <code title="${esc(f.path)}">${esc(shorten(f.path, 24))}</code> · target ${esc(replay.target)}${replay.bugs.length ? ` · bugs ${esc(replay.bugs.join(', '))}` : ''}</p>
<pre class="commands">${commands.map(esc).join('\n')}</pre>
<h4>Violations</h4>
${violations.join('\n') || '<p class="dim">No violation recorded: an invariant threw, so the verdict is unknown.</p>'}
<h4>Timeline</h4>
<label class="filter"><input type="checkbox" class="only-involved"> only what the violations name</label>
${legend()}
<div class="scroll">${drawn.svg}</div>
${drawn.unlabelled}
<details><summary>All ${timeline.entries.length} timeline entries as a table</summary>${timelineTable(timeline)}</details>
<h4>Shrunk actions</h4>
<ol class="actions" start="0">${actions.join('')}</ol>
</article>`;
}

/** Where a failure comes from: the corpus (a regression) or this campaign (new). */
function originBadge(f: { regression: boolean }): string {
  return f.regression
    ? '<span class="badge badge-regression" data-testid="origin-badge" data-origin="regression" title="saved by an earlier campaign, replayed from the corpus: it still fails">regression</span>'
    : '<span class="badge badge-new" data-testid="origin-badge" data-origin="new" title="found by this campaign\'s runs">new</span>';
}

function invariantChip(invariant: string, count: number): string {
  return `<code class="invariant">${esc(invariant)}${count > 1 ? ` ×${count}` : ''}</code>`;
}

function legend(): string {
  const item = (svg: string, label: string): string =>
    `<span class="legend-item"><svg width="18" height="18" viewBox="-9 -9 18 18" aria-hidden="true">${svg}</svg>${esc(label)}</span>`;
  return `<div class="legend">${[
    item(actionShape(false), 'request sent'),
    item(replyShape('ok', false), 'reply ok'),
    item(replyShape('fail', false), 'refused'),
    item(replyShape('info', false), 'no definite answer'),
    item(eventShape(false), 'event received'),
    item(
      '<rect x="-7" y="-8" width="14" height="16" class="fault-band"/><text class="fault-glyph" y="4" text-anchor="middle">⚡</text>',
      'fault fired (band: how long it lasted)',
    ),
    item(`${halo()}${eventShape(true)}`, 'named by a violation'),
    item(`${halo()}${violationShape()}`, 'the violation, on the lane of the client it concerns'),
  ].join(
    '',
  )}<span class="legend-note">Each mark has its label, or is listed under the timeline when there is no room; hover for details. In process (virtual time) the axis is by step and virtual millisecond; over a network, milliseconds, widened where many things happen at once.</span></div>`;
}

// --- the SVG timeline -------------------------------------------------------------------------

const LABEL_W = 132;
const PLOT_LEFT = LABEL_W + 14;
const RIGHT_PAD = 28;
/** Past the last column, so the labels of the last marks have room too. */
const LABEL_ROOM = 200;
const AXIS_H = 42;
const MARK_GAP = 16;
/** The plot width spent on the passing of time (or steps), besides the room marks at one instant need. */
const TIME_W = 1040;
const MIN_TIME_W = 320;
/** Between two columns of a step axis: room for a label or two, within reason. */
const MIN_COLUMN_GAP = 24;
const MAX_COLUMN_GAP = 190;
/**
 * Inside a lane, top to bottom: two label tracks for the row below them, the row of requests,
 * replies, faults and violations, the row of events, and three label tracks for the events
 * (they come in crowds).
 * Each label sits in the free track nearest its mark, with a leader line to it.
 */
const ROW_Y = { request: 46, event: 70 } as const;
const TRACKS: Record<Row, readonly number[]> = { request: [29, 15], event: [92, 105, 118] };
const LANE_H = 126;
/** Labels are monospace, so their width is known here: 11px at about 0.6em a character. */
const LABEL_FONT_PX = 11;
const CHAR_W = 6.8;
const LABEL_CHARS = 28;
const SHORT_LABEL_CHARS = 14;
const LABEL_PAD = 6;
type Row = keyof typeof ROW_Y;

/** A mark on a lane: an entry of the timeline, or a violation on the lane of the client it concerns. */
interface Item {
  entry?: TimelineEntry;
  violation?: ViolationMark;
  client: string;
  offsetMs: number;
  step: number | undefined;
  row: Row;
  involved: boolean;
}

interface Placed extends Item {
  /** Numbers the marks of one timeline, for labels and the list of those without one. */
  id: number;
  laneIndex: number;
  x: number;
  y: number;
}

const itemOfEntry = (entry: TimelineEntry): Item => ({
  entry,
  client: entry.client,
  offsetMs: entry.offsetMs,
  step: entry.step,
  row: entry.kind === 'event' ? 'event' : 'request',
  involved: entry.involved,
});

const itemOfViolation = (violation: ViolationMark): Item => ({
  violation,
  client: violation.client,
  offsetMs: violation.offsetMs,
  step: violation.step,
  row: 'request',
  involved: true,
});

/**
 * The x axis, in columns: one per instant that has marks. On a wall clock time runs linearly
 * between them; on virtual time (in process, where many things happen in the same
 * millisecond) each step of an instant has a column of its own and columns are evenly spaced,
 * so the axis reads by step and virtual ms. A column is as wide as its most crowded lane row,
 * so marks at one instant stand side by side.
 */
class TimelineAxis {
  private readonly keys: string[];
  private readonly ms: number[];
  private readonly steps: (number | undefined)[];
  private readonly starts: number[];
  private readonly widths: number[];
  private readonly index = new Map<string, number>();
  private readonly pxPerMs: number;
  /** Where the plot ends; labels may go on to `width`. */
  readonly plotEnd: number;
  readonly width: number;

  constructor(
    items: readonly Item[],
    spanMs: number,
    readonly byStep: boolean,
  ) {
    const crowd = new Map<string, { ms: number; step: number | undefined; rows: Map<string, number> }>();
    for (const item of items) {
      const key = this.keyOf(item);
      const column = crowd.get(key) ?? {
        ms: item.offsetMs,
        step: byStep ? item.step : undefined,
        rows: new Map(),
      };
      const row = `${item.client}/${item.row}`;
      column.rows.set(row, (column.rows.get(row) ?? 0) + 1);
      crowd.set(key, column);
    }
    const sorted = [...crowd].sort(
      ([, a], [, b]) =>
        a.ms - b.ms || (a.step ?? Number.POSITIVE_INFINITY) - (b.step ?? Number.POSITIVE_INFINITY),
    );
    this.keys = sorted.map(([key]) => key);
    this.ms = sorted.map(([, c]) => c.ms);
    this.steps = sorted.map(([, c]) => c.step);
    this.widths = sorted.map(([, c]) => Math.max(1, ...c.rows.values()) * MARK_GAP);
    for (const [i, key] of this.keys.entries()) this.index.set(key, i);
    const crowded = this.widths.reduce((n, w) => n + w, 0);
    const timeWidth = Math.max(MIN_TIME_W, TIME_W - crowded);
    this.starts = [];
    let taken = 0;
    if (byStep) {
      const gap = Math.min(
        MAX_COLUMN_GAP,
        Math.max(MIN_COLUMN_GAP, timeWidth / Math.max(1, this.keys.length)),
      );
      this.pxPerMs = 0;
      for (let i = 0; i < this.keys.length; i++) {
        this.starts.push(PLOT_LEFT + taken + i * gap);
        taken += this.widths[i];
      }
      this.plotEnd = PLOT_LEFT + taken + Math.max(0, this.keys.length - 1) * gap + RIGHT_PAD;
    } else {
      this.pxPerMs = spanMs > 0 ? timeWidth / spanMs : 0;
      for (let i = 0; i < this.keys.length; i++) {
        this.starts.push(PLOT_LEFT + taken + this.pxPerMs * this.ms[i]);
        taken += this.widths[i];
      }
      this.plotEnd = PLOT_LEFT + taken + (spanMs > 0 ? timeWidth : 0) + RIGHT_PAD;
    }
    this.width = this.plotEnd + LABEL_ROOM;
  }

  private keyOf(item: Item): string {
    return this.byStep ? `${item.offsetMs}/${item.step ?? ''}` : `${item.offsetMs}`;
  }

  /** Where an item's column starts. */
  columnStart(item: Item): number {
    return this.starts[this.index.get(this.keyOf(item)) ?? 0] ?? PLOT_LEFT;
  }

  /** The x of a moment: the start of its instant, or between instants at the linear rate. */
  at(ms: number): number {
    // The last column at or before `ms` (binary search: a long run has thousands).
    let low = 0;
    let high = this.ms.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.ms[mid] <= ms) low = mid + 1;
      else high = mid;
    }
    const i = low - 1;
    if (i < 0) return PLOT_LEFT + this.pxPerMs * ms;
    if (this.ms[i] === ms) return this.starts[this.ms.indexOf(ms)];
    if (this.byStep) return i + 1 < this.starts.length ? this.starts[i + 1] : this.starts[i] + this.widths[i];
    return this.starts[i] + this.widths[i] + this.pxPerMs * (ms - this.ms[i]);
  }

  /** Each column: where it starts, its instant and (on a step axis) its step. */
  columns(): { x: number; ms: number; step: number | undefined }[] {
    return this.starts.map((x, i) => ({ x, ms: this.ms[i], step: this.steps[i] }));
  }
}

function timelineSvg(timeline: ClientTimeline, index: number): { svg: string; unlabelled: string } {
  const items = [...timeline.entries.map(itemOfEntry), ...timeline.violations.map(itemOfViolation)];
  const axis = new TimelineAxis(items, timeline.spanMs, timeline.virtualTime);
  const lanes = [...timeline.clients];
  // A violation may concern a client that did nothing itself: it gets a lane all the same.
  for (const v of timeline.violations) if (!lanes.includes(v.client)) lanes.push(v.client);
  const height = AXIS_H + lanes.length * LANE_H + 8;
  const laneTop = (client: string): number => AXIS_H + Math.max(0, lanes.indexOf(client)) * LANE_H;
  const used = new Map<string, number>();
  const placed: Placed[] = items.map((item, id) => {
    const key = `${axis.columnStart(item)}/${item.client}/${item.row}`;
    const slot = used.get(key) ?? 0;
    used.set(key, slot + 1);
    return {
      ...item,
      id,
      laneIndex: lanes.indexOf(item.client),
      x: axis.columnStart(item) + (slot + 0.5) * MARK_GAP,
      y: laneTop(item.client) + ROW_Y[item.row],
    };
  });
  const labels = placeLabels(placed, laneTop, axis.width);
  const parts: string[] = [];
  parts.push(
    `<svg class="timeline" data-testid="timeline" data-axis="${axis.byStep ? 'step' : 'ms'}" width="${round(axis.width)}" height="${height}" viewBox="0 0 ${round(axis.width)} ${height}" role="img" aria-label="timeline of failure ${index + 1}">`,
  );
  parts.push(axis.byStep ? stepTicks(axis, height) : ticks(axis, timeline.spanMs, height));
  for (const client of lanes) {
    const top = laneTop(client);
    const mine = placed.filter((p) => p.client === client);
    const lane: string[] = [];
    lane.push(
      `<g class="lane${lanes.indexOf(client) % 2 ? ' lane-alt' : ''}" data-testid="lane" data-client="${esc(client)}">`,
    );
    lane.push(
      `<rect class="lane-bg" x="0" y="${top}" width="${round(axis.width)}" height="${LANE_H}"/><line class="lane-axis" x1="${PLOT_LEFT}" x2="${round(axis.plotEnd - RIGHT_PAD / 2)}" y1="${top + ROW_Y.request}" y2="${top + ROW_Y.request}"/><line class="lane-axis" x1="${PLOT_LEFT}" x2="${round(axis.plotEnd - RIGHT_PAD / 2)}" y1="${top + ROW_Y.event}" y2="${top + ROW_Y.event}"/>`,
    );
    const counts = `${mine.filter((p) => p.entry?.kind === 'action').length} sent · ${mine.filter((p) => p.entry?.kind === 'event').length} events`;
    lane.push(
      `<text class="lane-label" x="12" y="${top + ROW_Y.request + 4}">${esc(shorten(client, 16))}</text><text class="lane-sub" x="12" y="${top + ROW_Y.event + 4}">${esc(counts)}</text>`,
    );
    for (const p of mine.filter((p) => p.entry?.kind === 'fault' && client !== TARGET_PARTICIPANT)) {
      lane.push(faultBand(p, axis, top + 2, LANE_H - 4, 'fault-band'));
    }
    lane.push(latencyLinks(mine, placed));
    for (const p of mine)
      lane.push(mark(p, labels.shown.has(p.id) ? 'shown' : labels.listed.has(p.id) ? 'listed' : 'none'));
    for (const p of mine) {
      const label = labels.shown.get(p.id) ?? labels.crowdLabels.get(p.id);
      if (label) lane.push(label);
    }
    lane.push('</g>');
    parts.push(lane.join(''));
  }
  // Faults on the venue itself (a crash, a pause) hit every client: their band crosses every
  // lane, over the marks but see-through and deaf to the mouse, so the marks keep their tooltips.
  for (const p of placed.filter((p) => p.entry?.kind === 'fault' && p.client === TARGET_PARTICIPANT)) {
    parts.push(faultBand(p, axis, AXIS_H, lanes.length * LANE_H, 'fault-band wide'));
  }
  parts.push('</svg>');
  const listed = placed.filter((p) => labels.listed.has(p.id));
  return { svg: parts.join('\n'), unlabelled: unlabelledList(listed, timeline.virtualTime) };
}

/** What a mark says in a few words, longest first: the label is the longest that has room. */
function labelTexts(p: Item): string[] {
  if (p.violation) {
    const head = `✖ ${p.violation.invariant}`;
    return [head, shorten(p.violation.invariant, SHORT_LABEL_CHARS)];
  }
  const entry = p.entry!;
  let text: string;
  switch (entry.kind) {
    case 'action':
      text = `(${entry.step}) ${fewWords(entry.text, entry.client)}`;
      break;
    case 'reply':
      // An ok says nothing the green mark does not: only refusals and silence get words.
      if (entry.outcome === 'ok') return [];
      text = `(${entry.step}) ${entry.text}`;
      break;
    case 'event':
      text = fewWords(entry.text, entry.client);
      break;
    case 'fault':
      text = `⚡ ${entry.text}`;
      break;
    case 'note':
      text = `◆ ${entry.text}`;
      break;
  }
  const long = shorten(text, LABEL_CHARS);
  // The short one keeps the first words: the step and the action, the event's type.
  const words = text.split(' ');
  const keep = entry.kind === 'event' ? 1 : 2;
  const short = shorten(words.slice(0, keep).join(' '), SHORT_LABEL_CHARS);
  return long === short ? [long] : [long, short];
}

/** What a crowd of marks without labels holds, by the first word of each: `+6: fill, trade, balance`. */
function crowdText(marks: readonly Placed[]): string {
  const kinds: string[] = [];
  for (const p of marks) {
    const word = p.violation ? p.violation.invariant : fewWords(p.entry!.text, p.client).split(' ')[0];
    if (word && !kinds.includes(word)) kinds.push(word);
  }
  return shorten(`+${marks.length}: ${kinds.join(', ')}`, LABEL_CHARS);
}

/** A description without what the lane already says: a leading `+0ms` and the client's own name. */
function fewWords(text: string, client: string): string {
  const words = text.trim().split(/\s+/);
  if (/^\+\d+(\.\d+)?ms$/.test(words[0] ?? '')) words.shift();
  if (words[0] === client) words.shift();
  return words.join(' ');
}

const labelWidth = (text: string): number =>
  [...text].reduce((w, c) => w + (c.charCodeAt(0) > 0x2000 ? 2 : 1), 0) * CHAR_W;

/**
 * Places a label by each mark that has room for one: the violations first, then what they
 * name, then requests, faults, refusals and events, each in the free track nearest its row
 * (the long text, else a short one). A label never overlaps another label or a leader line;
 * the marks left without one are listed under the timeline.
 */
function placeLabels(
  placed: readonly Placed[],
  laneTop: (client: string) => number,
  width: number,
): { shown: Map<number, string>; listed: Set<number>; crowdLabels: Map<number, string> } {
  const rank = (p: Placed): number =>
    p.violation
      ? 0
      : p.involved
        ? 1
        : p.entry?.kind === 'action' || p.entry?.kind === 'fault'
          ? 2
          : p.entry?.kind === 'reply'
            ? 3
            : 4;
  const order = [...placed].sort((a, b) => rank(a) - rank(b) || a.x - b.x || a.id - b.id);
  const taken = new Map<string, [number, number][]>();
  const free = (track: string, from: number, to: number): boolean =>
    !(taken.get(track) ?? []).some(([a, b]) => from < b && a < to);
  const take = (track: string, from: number, to: number): void => {
    taken.set(track, [...(taken.get(track) ?? []), [from, to]]);
  };
  const shown = new Map<number, string>();
  const listed = new Set<number>();
  /** Puts `text` by the mark at `p` in the nearest free track; the label's markup, if it found room. */
  const tryPlace = (
    p: Placed,
    text: string,
    attributes: string,
    cls: string,
    leader = true,
  ): string | undefined => {
    const tracks = TRACKS[p.row];
    const trackKey = (k: number): string => `${p.client}/${p.row}/${k}`;
    const from = p.x - 3;
    const to = p.x + 4 + labelWidth(text) + LABEL_PAD;
    if (to > width - 4) return undefined;
    for (let k = 0; k < tracks.length; k++) {
      // The leader line crosses the nearer tracks: it must not cut through a label there.
      let clear = free(trackKey(k), from, to);
      for (let j = 0; j < k && clear && leader; j++) clear = free(trackKey(j), p.x - 2, p.x + 2);
      if (!clear) continue;
      take(trackKey(k), from, to);
      if (leader) for (let j = 0; j < k; j++) take(trackKey(j), p.x - 2, p.x + 2);
      const baseline = laneTop(p.client) + tracks[k];
      const markEdge = p.y + (p.row === 'request' ? -8 : 8);
      const leaderEnd = p.row === 'request' ? baseline + 3 : baseline - LABEL_FONT_PX + 2;
      const line = leader
        ? `<line class="leader" x1="${round(p.x)}" x2="${round(p.x)}" y1="${markEdge}" y2="${leaderEnd}"/>`
        : '';
      return `<g class="${cls}" ${attributes}>${line}<text class="label" x="${round(p.x + 4)}" y="${baseline}">${esc(text)}</text></g>`;
    }
    return undefined;
  };
  for (const p of order) {
    const cls = `mark-label${p.involved ? ' involved' : ''}${p.violation ? ' violation' : ''}`;
    const texts = labelTexts(p);
    if (texts.length === 0) continue;
    const label = texts.reduce<string | undefined>(
      (found, text) => found ?? tryPlace(p, text, `data-testid="mark-label" data-for="${p.id}"`, cls),
      undefined,
    );
    if (label) shown.set(p.id, label);
    else listed.add(p.id);
  }
  // A crowd at one instant has room for few labels: what the rest of it holds, in one label
  // by its first unlabelled mark (each of them is still in the list).
  const crowds: Placed[][] = [];
  const unlabelled = placed
    .filter((p) => listed.has(p.id))
    .sort((a, b) => a.laneIndex - b.laneIndex || a.row.localeCompare(b.row) || a.x - b.x);
  for (const p of unlabelled) {
    const last = crowds.at(-1)?.at(-1);
    if (last && last.client === p.client && last.row === p.row && p.x - last.x <= MARK_GAP + 0.5)
      crowds.at(-1)?.push(p);
    else crowds.push([p]);
  }
  const crowdLabels = new Map<number, string>();
  for (const crowd of crowds) {
    const label = tryPlace(
      crowd[0],
      crowdText(crowd),
      `data-testid="crowd-label" data-for="${crowd.map((p) => p.id).join(' ')}"`,
      `mark-label crowd${crowd.some((p) => p.involved) ? ' involved' : ''}`,
      false,
    );
    if (label) crowdLabels.set(crowd[0].id, label);
  }
  return { shown, listed, crowdLabels };
}

/** The marks that had no room for a label, in timeline order, so none goes unsaid. */
function unlabelledList(listed: readonly Placed[], byStep: boolean): string {
  if (listed.length === 0) return '';
  const items = [...listed]
    .sort((a, b) => a.laneIndex - b.laneIndex || a.x - b.x || a.id - b.id)
    .map((p) => {
      const when = byStep
        ? `${p.step === undefined ? '' : `step ${p.step}, `}${formatMs(p.offsetMs)} ms`
        : `${formatMs(p.offsetMs)} ms`;
      const what = p.violation
        ? `violation ${p.violation.invariant}: ${p.violation.message}`
        : entryWhat(p.entry!);
      return `<li data-for="${p.id}"${p.involved ? ' class="involved"' : ''}><span class="dim">${esc(when)} · ${esc(p.client)}</span> <code>${esc(what)}</code></li>`;
    });
  return `<details class="unlabelled" data-testid="unlabelled"${listed.length <= 40 ? ' open' : ''}><summary>${listed.length} ${listed.length === 1 ? 'mark' : 'marks'} with no room for a label</summary><ol>${items.join('')}</ol></details>`;
}

function entryWhat(e: TimelineEntry): string {
  return e.kind === 'event'
    ? `g${e.gseq} ${e.stream}#${e.seq} ${e.text}`
    : e.kind === 'fault'
      ? `⚡ ${e.text}`
      : e.kind === 'note'
        ? `◆ ${e.text}`
        : `(${e.step}) ${e.text}`;
}

function ticks(axis: TimelineAxis, spanMs: number, height: number): string {
  const step = niceStep(spanMs / 7);
  const out: string[] = [
    `<g class="axis"><text class="axis-title" x="12" y="${AXIS_H - 12}">ms since start</text>`,
  ];
  let lastLabel = Number.NEGATIVE_INFINITY;
  for (let ms = 0; ms <= spanMs + 1e-9; ms += step) {
    const x = axis.at(ms);
    if (x - lastLabel < 56) continue;
    lastLabel = x;
    out.push(
      `<line class="tick" x1="${round(x)}" x2="${round(x)}" y1="${AXIS_H - 6}" y2="${height - 8}"/><text class="tick-label" data-testid="tick" x="${round(x)}" y="${AXIS_H - 12}" text-anchor="middle">${esc(formatMs(round(ms)))}</text>`,
    );
    if (step === 0) break;
  }
  out.push('</g>');
  return out.join('');
}

/**
 * A step axis: a tick per column, labelled with its step and, where it moved on, the virtual
 * millisecond. Labels that would crowd the one before are left out; the tick stays.
 */
function stepTicks(axis: TimelineAxis, height: number): string {
  const out: string[] = [
    `<g class="axis"><text class="axis-title" x="12" y="${AXIS_H - 26}">step</text><text class="axis-title" x="12" y="${AXIS_H - 12}">virtual ms</text>`,
  ];
  let lastStep = Number.NEGATIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  let shownMs: number | undefined;
  for (const column of axis.columns()) {
    const x = column.x + MARK_GAP / 2;
    out.push(`<line class="tick" x1="${round(x)}" x2="${round(x)}" y1="${AXIS_H - 6}" y2="${height - 8}"/>`);
    const stepText = column.step === undefined ? '' : `step ${column.step}`;
    if (stepText && x - lastStep >= 8 + labelWidth(stepText)) {
      out.push(
        `<text class="tick-label" data-testid="tick" x="${round(x - 3)}" y="${AXIS_H - 26}">${esc(stepText)}</text>`,
      );
      lastStep = x;
    }
    const msText = `${formatMs(column.ms)} ms`;
    if (column.ms !== shownMs && x - lastMs >= 8 + labelWidth(msText)) {
      out.push(
        `<text class="tick-label tick-ms" x="${round(x - 3)}" y="${AXIS_H - 12}">${esc(msText)}</text>`,
      );
      lastMs = x;
      shownMs = column.ms;
    }
  }
  out.push('</g>');
  return out.join('');
}

/** 1, 2 or 5 times a power of ten: ticks people can read. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 0;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 5, 10].find((u) => u * power >= raw) ?? 10;
  return unit * power;
}

function faultBand(p: Placed, axis: TimelineAxis, top: number, height: number, cls: string): string {
  const entry = p.entry;
  if (entry?.kind !== 'fault') return '';
  const start = p.x - MARK_GAP / 2;
  const end =
    entry.durationMs !== undefined
      ? Math.max(axis.at(entry.offsetMs + entry.durationMs), start + MARK_GAP)
      : start + MARK_GAP;
  const involved = entry.involved ? ' involved' : '';
  return `<rect class="${cls}${involved}" x="${round(start)}" y="${top}" width="${round(end - start)}" height="${height}"><title>${esc(tooltip(p))}</title></rect>`;
}

/** A thin line from each request to its reply: how long the answer took, in the picture. */
function latencyLinks(mine: readonly Placed[], all: readonly Placed[]): string {
  const replies = new Map<number, Placed>();
  for (const p of all) if (p.entry?.kind === 'reply') replies.set(p.entry.step, p);
  const out: string[] = [];
  for (const p of mine) {
    if (p.entry?.kind !== 'action') continue;
    const reply = replies.get(p.entry.step);
    if (!reply || reply.x - p.x < 1) continue;
    const cls = p.entry.involved ? 'link involved' : 'link';
    out.push(`<line class="${cls}" x1="${round(p.x)}" x2="${round(reply.x)}" y1="${p.y}" y2="${reply.y}"/>`);
  }
  return out.join('');
}

function mark(p: Placed, label: 'shown' | 'listed' | 'none'): string {
  const { entry, violation, involved } = p;
  const common = `data-mark="${p.id}" data-label="${label}" transform="translate(${round(p.x)},${p.y})"`;
  if (violation) {
    return `<g class="mark mark-violation involved" data-testid="violation-mark" data-client="${esc(violation.client)}" data-invariant="${esc(violation.invariant)}" data-by="${violation.by}" ${common}><title>${esc(tooltip(p))}</title>${halo()}${violationShape()}</g>`;
  }
  let shape: string;
  switch (entry!.kind) {
    case 'action':
      shape = actionShape(involved);
      break;
    case 'reply':
      shape = replyShape(entry!.outcome, involved);
      break;
    case 'event':
      shape = eventShape(involved);
      break;
    case 'fault':
      shape = `<text class="fault-glyph${involved ? ' involved' : ''}" y="4" text-anchor="middle">⚡</text>`;
      break;
    case 'note':
      shape = '<text class="note-glyph" y="4" text-anchor="middle">◆</text>';
      break;
  }
  const e = entry!;
  const cls = `mark mark-${e.kind}${involved ? ' involved' : ''}`;
  const id =
    e.kind === 'event' ? ` data-gseq="${e.gseq}"` : e.kind === 'note' ? '' : ` data-step="${e.step}"`;
  return `<g class="${cls}"${id} ${common}><title>${esc(tooltip(p))}</title>${involved ? halo() : ''}${shape}</g>`;
}

const halo = (): string => '<circle class="halo" r="8.5"/>';
const actionShape = (involved: boolean): string =>
  `<path class="shape-action${involved ? ' involved' : ''}" d="M-5,-6 L6,0 L-5,6 Z"/>`;
const replyShape = (outcome: 'ok' | 'fail' | 'info', involved: boolean): string =>
  `<path class="shape-reply reply-${outcome}${involved ? ' involved' : ''}" d="M0,-5.5 L5.5,0 L0,5.5 L-5.5,0 Z"/>`;
const eventShape = (involved: boolean): string =>
  `<circle class="shape-event${involved ? ' involved' : ''}" r="${involved ? 5 : 4}"/>`;
const violationShape = (): string =>
  '<rect class="shape-violation" x="-6.5" y="-6.5" width="13" height="13" rx="2"/><path class="violation-cross" d="M-3.5,-3.5 L3.5,3.5 M3.5,-3.5 L-3.5,3.5"/>';

function tooltip(p: Item): string {
  const step = p.step !== undefined ? `step ${p.step} · ` : '';
  const head = `t=${formatMs(p.offsetMs)} ms · ${step}${p.client} · `;
  if (p.violation) {
    const why =
      p.violation.by === 'event'
        ? 'on the lane of the client whose stream its events are on'
        : p.violation.by === 'step'
          ? 'on the lane of the client of its steps'
          : 'on the lane of the client that observed it';
    return `${head}violation\n✖ ${p.violation.invariant}: ${p.violation.message}\n(${why})`;
  }
  const entry = p.entry!;
  const flag = entry.involved ? '\n❗ named by a violation' : '';
  const detail = entry.detail ? `\n${entry.detail}` : '';
  switch (entry.kind) {
    case 'action':
      return `${head}sent (${entry.step})\n${entry.text}${flag}`;
    case 'reply':
      return `${head}reply to (${entry.step}) after ${formatMs(entry.latencyMs)} ms\n${entry.text}${detail}${flag}`;
    case 'event':
      return `${head}event g${entry.gseq} ${entry.stream}#${entry.seq}${entry.step !== undefined ? ` (caused by ${entry.step})` : ''}\n${entry.text}${flag}`;
    case 'fault':
      return `${head}fault fired (armed at ${entry.step})\n⚡ ${entry.text}${detail}${flag}`;
    case 'note':
      return `${head}${entry.client}\n◆ ${entry.text}${detail}`;
  }
}

function timelineTable(timeline: ClientTimeline): string {
  const rows = timeline.entries.map((e) => {
    return `<tr class="${e.involved ? 'involved' : ''}"><td class="num">${esc(formatMs(e.offsetMs))}</td><td class="num">${e.step ?? ''}</td><td>${esc(e.client)}</td><td>${e.kind}</td><td><code>${esc(entryWhat(e))}</code>${e.detail ? ` <span class="dim">${esc(e.detail)}</span>` : ''}</td><td>${e.involved ? '❗' : ''}</td></tr>`;
  });
  return `<table class="grid compact timeline-table"><thead><tr><th class="num">t (ms)</th><th class="num">step</th><th>client</th><th>kind</th><th>what</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

// --- invariant results, latency, coverage, faults ----------------------------------------------

function invariantsSection(summary: CampaignSummary): string {
  const cards = summary.properties.map((p) => {
    const failures = distinctFailures(summary.failures).filter((f) => f.property === p.name);
    const lines: string[] = [];
    for (const f of failures) {
      for (const g of groupViolations(f.violations)) {
        const more =
          g.violations.length > 1 ? ` <span class="dim">(and ${g.violations.length - 1} more)</span>` : '';
        lines.push(
          `<li class="broken">${f.regression ? '<span class="badge badge-regression">regression</span> ' : ''}${invariantChip(g.invariant, g.violations.length)} ${esc(g.violations[0].message)}${more}</li>`,
        );
      }
    }
    if (p.unknown)
      lines.push(
        `<li class="unknown">unknown: <code>${esc(p.unknown.invariant)}</code> threw: ${esc(p.unknown.error)}</li>`,
      );
    if (p.unfiredFaults?.length)
      lines.push(`<li class="broken">faults never fired: ${esc(p.unfiredFaults.join(', '))}</li>`);
    for (const w of p.warnings ?? [])
      lines.push(
        `<li class="${summary.strict ? 'broken' : 'unknown'}" data-testid="warning">${summary.strict ? '--strict: ' : 'warning: '}${esc(w.message)}</li>`,
      );
    if (lines.length === 0) lines.push(`<li class="ok">all ${p.runs} runs passed</li>`);
    return `<div class="card"><div class="card-head"><span class="name">${esc(p.name)}</span>${pill(p.verdict)}</div><ul>${lines.join('')}</ul>${checksTable(p)}${sloTable(p)}</div>`;
  });
  return `<section id="invariants"><h2>Invariant results</h2><div class="cards">${cards.join('\n')}</div></section>`;
}

/** How many runs gave each invariant something to check, and the invariants not checked and why. */
function checksTable(p: PropertySummary): string {
  if (!p.invariants?.length && !p.skippedInvariants?.length) return '';
  const vacuous = new Set((p.warnings ?? []).filter((w) => w.kind === 'vacuous').map((w) => w.subject));
  const rows = (p.invariants ?? []).map((i) => {
    const checked = i.checkedRuns === null ? `${i.runs} judged` : `${i.checkedRuns} of ${i.runs}`;
    const note = vacuous.has(i.name)
      ? '<span class="bad">nothing to check</span>'
      : i.checkedRuns === null
        ? '<span class="dim">not reported</span>'
        : '';
    return `<tr data-testid="invariant-row" data-invariant="${esc(i.name)}" data-checked-runs="${i.checkedRuns ?? ''}"><td><code>${esc(i.name)}</code></td><td class="num">${esc(checked)}</td><td>${note}</td></tr>`;
  });
  const skipped = (p.skippedInvariants ?? []).map(
    (s) =>
      `<tr data-testid="skipped-invariant" data-invariant="${esc(s.invariant)}"><td><code>${esc(s.invariant)}</code></td><td class="num">-</td><td class="dim">not checked: ${esc(s.reason)}</td></tr>`,
  );
  return `<table class="grid compact checks"><thead><tr><th>invariant</th><th class="num">runs with something to check</th><th></th></tr></thead><tbody>${[...rows, ...skipped].join('')}</tbody></table>`;
}

function sloTable(p: PropertySummary): string {
  if (p.slos.length === 0) return '';
  const rows = p.slos.map((s) => {
    const result = s.skipped ? 'not judged' : s.breached ? 'breached' : 'met';
    const cls = s.skipped ? 'dim' : s.breached ? 'bad' : 'good';
    return `<tr><td>${esc(describeSlo(s.slo))}</td><td class="num">${esc(formatMs(s.observedMs))} ms</td><td class="num">${esc(formatRate(s.observedSuccessRate))}</td><td class="${cls}">${result}</td></tr>`;
  });
  return `<table class="grid compact slo"><thead><tr><th>SLO</th><th class="num">observed</th><th class="num">success</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function latencySection(latency: readonly ActionLatency[], on: 'virtual' | 'wall'): string {
  if (latency.length === 0) return '';
  const clock =
    on === 'virtual'
      ? 'In process the clock is virtual: latency counts the delays the run scheduled, not CPU time.'
      : 'Wall-clock milliseconds from send to reply.';
  const rows = latency.map(
    (l) =>
      `<tr><td><code>${esc(l.action)}</code></td><td class="num">${l.count}</td><td class="num">${l.ok}</td><td class="num">${l.fail}</td><td class="num">${l.info}</td><td class="num">${esc(formatRate(l.successRate))}</td><td class="num">${esc(formatMs(l.p50))}</td><td class="num">${esc(formatMs(l.p90))}</td><td class="num">${esc(formatMs(l.p99))}</td><td class="num">${esc(formatMs(l.max))}</td></tr>`,
  );
  return `<section id="latency"><h2>Latency per action type</h2><p class="dim">${esc(clock)}</p>
${latencyChart(latency)}
<table class="grid"><thead><tr><th>Action</th><th class="num">Sent</th><th class="num">ok</th><th class="num">fail</th><th class="num">info</th><th class="num">Answered</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">max</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/** A table of the domain's own (DomainPack.report): first column as text, the rest as numbers. */
function domainSection(section: DomainSection): string {
  const cell = (v: string | number | null, i: number): string =>
    i === 0
      ? `<td><code>${esc(v === null ? '-' : String(v))}</code></td>`
      : `<td class="num">${esc(v === null ? '-' : typeof v === 'number' ? formatMs(v) : v)}</td>`;
  const head = section.columns.map((c, i) => `<th${i === 0 ? '' : ' class="num"'}>${esc(c)}</th>`).join('');
  const rows = section.rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('');
  return `<section id="domain-${esc(section.id)}" data-testid="domain-section"><h2>${esc(section.title)}</h2>${section.note ? `<p class="dim">${esc(section.note)}</p>` : ''}
<table class="grid"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

const CHART_LABEL_W = 120;
const CHART_PLOT_W = 760;
const CHART_ROW_H = 30;

/** Per action: a bar to p50, a lighter bar on to p90, a whisker to p99. */
function latencyChart(latency: readonly ActionLatency[]): string {
  const top = Math.max(1, ...latency.map((l) => l.p99 ?? l.p90 ?? l.p50 ?? 0));
  const scale = (ms: number): number => (ms / top) * CHART_PLOT_W;
  const width = CHART_LABEL_W + CHART_PLOT_W + 230;
  const height = latency.length * CHART_ROW_H + 34;
  const parts: string[] = [
    `<svg class="latency-chart" data-testid="latency-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="latency percentiles per action type">`,
  ];
  const step = niceStep(top / 5) || 1;
  for (let ms = 0; ms <= top + 1e-9; ms += step) {
    const x = CHART_LABEL_W + scale(ms);
    parts.push(
      `<line class="tick" x1="${round(x)}" x2="${round(x)}" y1="4" y2="${height - 24}"/><text class="tick-label" x="${round(x)}" y="${height - 8}" text-anchor="middle">${esc(formatMs(round(ms)))} ms</text>`,
    );
  }
  latency.forEach((l, i) => {
    const y = 8 + i * CHART_ROW_H;
    const mid = y + CHART_ROW_H / 2 - 3;
    parts.push(
      `<text class="chart-label" x="${CHART_LABEL_W - 10}" y="${mid + 4}" text-anchor="end">${esc(l.action)}</text>`,
    );
    if (l.p50 === null) {
      parts.push(
        `<text class="chart-note" x="${CHART_LABEL_W + 6}" y="${mid + 4}">no answered request</text>`,
      );
      return;
    }
    const p50 = l.p50;
    const p90 = l.p90 ?? p50;
    const p99 = l.p99 ?? p90;
    const title = `${l.action}: p50 ${formatMs(p50)} ms, p90 ${formatMs(p90)} ms, p99 ${formatMs(p99)} ms, max ${formatMs(l.max)} ms; ${l.count} sent, ${formatRate(l.successRate)} answered`;
    // Zero-width bars would vanish: a sliver stays so every action type shows.
    const w50 = Math.max(2, scale(p50));
    const w90 = Math.max(0, scale(p90) - scale(p50));
    parts.push(`<g class="latency-row"><title>${esc(title)}</title>`);
    parts.push(
      `<rect class="bar bar-p50" x="${CHART_LABEL_W}" y="${y + 5}" width="${round(w50)}" height="${CHART_ROW_H - 16}"/>`,
    );
    if (w90 > 0)
      parts.push(
        `<rect class="bar bar-p90" x="${round(CHART_LABEL_W + w50)}" y="${y + 5}" width="${round(w90)}" height="${CHART_ROW_H - 16}"/>`,
      );
    const x90 = CHART_LABEL_W + Math.max(w50, scale(p90));
    const x99 = CHART_LABEL_W + Math.max(w50, scale(p99));
    if (x99 > x90)
      parts.push(
        `<line class="whisker" x1="${round(x90)}" x2="${round(x99)}" y1="${mid}" y2="${mid}"/><line class="whisker" x1="${round(x99)}" x2="${round(x99)}" y1="${mid - 6}" y2="${mid + 6}"/>`,
      );
    parts.push(
      `<text class="chart-value" x="${round(CHART_LABEL_W + CHART_PLOT_W + 12)}" y="${mid + 4}">p50 ${esc(formatMs(p50))} · p90 ${esc(formatMs(p90))} · p99 ${esc(formatMs(p99))} ms</text></g>`,
    );
  });
  parts.push('</svg>');
  return `<div class="chart-legend"><span class="sw sw-p50"></span>to p50<span class="sw sw-p90"></span>p50 to p90<span class="sw sw-p99"></span>whisker to p99</div><div class="scroll">${parts.join('')}</div>`;
}

function coverageSection(summary: CampaignSummary): string {
  const { coverage } = summary;
  const rows = coverage.categories.map((c) => {
    const seen = new Set(c.exercised);
    const missing = c.items.filter((item) => !seen.has(item));
    const share = c.items.length ? (c.exercised.length / c.items.length) * 100 : 100;
    return `<div class="cov-row" data-category="${esc(c.name)}">
<div class="cov-label">${esc(c.label)}</div><div class="cov-bar"><span style="width:${share.toFixed(1)}%"></span></div><div class="cov-count">${c.exercised.length} of ${c.items.length}</div>
<div class="cov-missing">${missing.length ? `missing: ${missing.map((m) => `<code>${esc(m)}</code>`).join(' ')}` : '<span class="good">all exercised</span>'}</div></div>`;
  });
  const floors = summary.minCoverage
    ? `<ul>${summary.minCoverage.floors.map((f) => `<li class="${f.met ? 'good' : 'bad'}">--min-coverage ${esc(f.category ?? 'overall')}: ${f.observed}% (floor ${f.percent}%) ${f.met ? 'met' : 'not met'}</li>`).join('')}</ul>`
    : '';
  return `<section id="coverage" data-testid="coverage"><h2>Coverage</h2>
<p><strong>${coverage.percent}%</strong> of the declared surface exercised (${coverage.exercised} of ${coverage.declared}).</p>
${rows.join('\n')}${floors}</section>`;
}

function faultsSection(faults: FaultCounts, unfired: readonly string[]): string {
  const fired = Object.entries(faults).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (fired.length === 0 && unfired.length === 0)
    return '<section id="faults"><h2>Faults fired</h2><p class="dim">No fault fired in this campaign.</p></section>';
  const most = Math.max(1, ...fired.map(([, n]) => n ?? 0));
  const rows = [
    ...fired.map(
      ([kind, n]) =>
        `<tr><td><code>${esc(kind)}</code></td><td class="num">${n}</td><td class="bar-cell"><span style="width:${(((n ?? 0) / most) * 100).toFixed(1)}%"></span></td></tr>`,
    ),
    ...unfired.map(
      (kind) =>
        `<tr class="bad"><td><code>${esc(kind)}</code></td><td class="num">0</td><td>never fired</td></tr>`,
    ),
  ];
  return `<section id="faults"><h2>Faults fired</h2><table class="grid faults"><thead><tr><th>Fault</th><th class="num">Fired</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

const totalFaults = (faults: FaultCounts): number => Object.values(faults).reduce((n, c) => n + (c ?? 0), 0);
const round = (n: number): number => Math.round(n * 10) / 10;

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const CSS = `
:root{--red:#dc2626;--red-dark:#991b1b;--red-soft:#fee2e2;--green:#15803d;--green-soft:#dcfce7;--amber:#b45309;--amber-soft:#fef3c7;--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--blue:#2563eb;}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif}
main{max-width:1320px;margin:0 auto;padding:0 24px 48px}
code,pre,.commands{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
h2{font-size:19px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:0 0 4px;display:flex;gap:10px;align-items:center}
h4{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:22px 0 8px}
.dim{color:var(--muted)}.good{color:var(--green)}.bad{color:var(--red)}
.banner{display:flex;gap:28px;align-items:stretch;margin:24px 0 8px;background:#fff;border:1px solid var(--line);border-radius:12px;overflow:hidden;box-shadow:0 1px 2px rgba(15,23,42,.06)}
.verdict{display:flex;flex-direction:column;justify-content:center;padding:18px 28px;color:#fff;min-width:220px}
.verdict-word{font-size:34px;font-weight:800;letter-spacing:.04em}
.verdict-why{font-size:13px;opacity:.92}
.verdict-fail .verdict{background:linear-gradient(135deg,#b91c1c,#dc2626)}
.verdict-pass .verdict{background:linear-gradient(135deg,#15803d,#16a34a)}
.verdict-unknown .verdict{background:linear-gradient(135deg,#b45309,#d97706)}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px 24px;margin:0;padding:16px 20px 16px 0;flex:1}
.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.facts dd{margin:0;font-weight:600}
nav{display:flex;gap:6px;margin:12px 0 0;flex-wrap:wrap}
nav a{color:var(--ink);text-decoration:none;padding:4px 10px;border-radius:999px;border:1px solid var(--line);background:#fff;font-size:13px}
nav a:hover{border-color:var(--blue);color:var(--blue)}
table.grid{border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:8px;overflow:hidden;width:100%}
.grid th,.grid td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.grid th{background:#f1f5f9;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#475569}
.grid tr:last-child td{border-bottom:0}
.grid.compact th,.grid.compact td{padding:4px 8px;font-size:13px}
.num{text-align:right!important;font-variant-numeric:tabular-nums}
td.name,.card .name{font-weight:600}
td.name a{color:var(--red-dark)}
td.notes{color:var(--muted)}
.pill{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.05em;padding:1px 8px;border-radius:999px}
.pill-pass{background:var(--green-soft);color:var(--green)}.pill-fail{background:var(--red-soft);color:var(--red-dark)}.pill-unknown{background:var(--amber-soft);color:var(--amber)}.pill-hang{background:var(--red-soft);color:var(--red-dark)}
tr[data-verdict=fail] td,tr[data-verdict=hang] td{background:#fff7f7}
.failure{background:#fff;border:1px solid var(--line);border-left:4px solid var(--red);border-radius:10px;padding:18px 20px;margin:0 0 20px;box-shadow:0 1px 2px rgba(15,23,42,.05)}
.commands{background:#0f172a;color:#e2e8f0;padding:10px 14px;border-radius:8px;overflow-x:auto;margin:10px 0 0}
.violation{border:1px solid #fecaca;background:#fff5f5;border-radius:8px;padding:10px 12px;margin:0 0 10px}
.violation-head{font-weight:600;color:var(--red-dark)}
.violation .grid{margin-top:8px}
code.invariant{background:var(--red);color:#fff;padding:1px 6px;border-radius:4px;font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;font-size:12.5px;color:#334155;margin:6px 0 8px}
.legend-item{display:inline-flex;align-items:center;gap:5px}
.legend-note{color:var(--muted);font-size:12px}
.filter{font-size:13px;color:#334155;user-select:none;cursor:pointer}
.scroll{overflow-x:auto;background:#fff;border:1px solid var(--line);border-radius:8px}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif}
.timeline .lane-bg{fill:#fff}
.timeline .lane-alt .lane-bg{fill:#f8fafc}
.timeline .lane-axis{stroke:#e2e8f0;stroke-dasharray:2 3}
.timeline .lane-label{font-size:13.5px;font-weight:700;fill:#0f172a;cursor:pointer}
.timeline .lane-sub{font-size:11px;fill:#94a3b8}
.timeline .lane.muted .mark,.timeline .lane.muted .link{opacity:.12}
.axis .tick,.latency-chart .tick{stroke:#eef2f7}
.axis .tick-label,.latency-chart .tick-label{font-size:11px;fill:#64748b}
.axis .axis-title{font-size:11px;fill:#94a3b8;font-style:italic}
.shape-action{fill:var(--blue)}
.shape-reply{stroke-width:1.5}
.reply-ok{fill:#22c55e;stroke:#15803d}.reply-fail{fill:#f59e0b;stroke:#b45309}.reply-info{fill:#fff;stroke:#64748b}
.shape-event{fill:#64748b}
.shape-action.involved,.shape-event.involved{fill:var(--red);stroke:var(--red-dark);stroke-width:1.2}
.shape-reply.involved{stroke:var(--red-dark);stroke-width:2.2}
.halo{fill:rgba(220,38,38,.18);stroke:rgba(220,38,38,.55);stroke-width:1}
.link{stroke:#93c5fd;stroke-width:2}.link.involved{stroke:#f87171}
.fault-band{fill:rgba(239,68,68,.10);stroke:rgba(220,38,38,.45);stroke-dasharray:3 2}
.fault-band.wide{fill:rgba(239,68,68,.08);pointer-events:none}
.fault-band.involved{fill:rgba(220,38,38,.2);stroke:var(--red)}
.fault-glyph{font-size:13px;fill:#b91c1c}
.note-glyph{font-size:11px;fill:#6d28d9}
.mark{cursor:default}
.mark:hover .halo{fill:rgba(37,99,235,.15);stroke:rgba(37,99,235,.6)}
.failure:has(.only-involved:checked) .mark:not(.involved),.failure:has(.only-involved:checked) .link:not(.involved){opacity:.1}
.failure:has(.only-involved:checked) .timeline-table tr:not(.involved){display:none}
details{margin:8px 0 0}
summary{cursor:pointer;color:var(--blue);font-size:13px}
.timeline-table tr.involved td{background:#fff1f1}
ol.actions{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 12px 8px 48px;margin:0}
ol.actions li{padding:2px 0}
ol.actions li::marker{color:var(--muted);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
ol.actions li.involved code{color:var(--red-dark);font-weight:700}
ol.actions li.involved::marker{color:var(--red);font-weight:700}
.badge{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.04em;padding:1px 8px;border-radius:999px;vertical-align:middle}
.badge-regression{background:#ede9fe;color:#5b21b6}.badge-new{background:#e0f2fe;color:#075985}
.found{font-size:12px;font-weight:700;color:var(--red-dark);background:var(--red-soft);padding:1px 8px;border-radius:999px}
.origin{margin:2px 0 0;color:#334155}
.violation-group{border-left:3px solid var(--red);padding-left:10px;margin:0 0 10px}
.group-head{font-weight:700;color:var(--red-dark);margin:0 0 6px}
.timeline .label{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:11px;fill:#334155}
.timeline .mark-label.involved .label{fill:var(--red-dark);font-weight:700}
.timeline .mark-label.violation .label{fill:var(--red);font-weight:800}
.timeline .leader{stroke:#cbd5e1;stroke-width:1}
.timeline .mark-label.crowd .label{fill:#64748b;font-style:italic}
.timeline .mark-label.involved .leader{stroke:#fca5a5}
.shape-violation{fill:var(--red);stroke:var(--red-dark);stroke-width:1.2}
.violation-cross{stroke:#fff;stroke-width:2;stroke-linecap:round}
.unlabelled{font-size:12.5px}.unlabelled ol{margin:4px 0;padding-left:28px}.unlabelled li.involved code{color:var(--red-dark);font-weight:700}
.timeline .lane.muted .mark-label{opacity:.12}
.failure:has(.only-involved:checked) .mark-label:not(.involved){opacity:.1}
.flag{font-size:11px;background:var(--red-soft);color:var(--red-dark);padding:0 6px;border-radius:999px;margin-left:6px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card-head{display:flex;justify-content:space-between;align-items:center}
.card ul{margin:6px 0;padding-left:18px}
.card li.ok{color:var(--green)}.card li.broken{color:var(--red-dark)}.card li.unknown{color:var(--amber)}
.card .slo{margin-top:6px}
.chart-legend{display:flex;gap:6px;align-items:center;font-size:12.5px;color:#334155;margin:0 0 6px}
.sw{display:inline-block;width:14px;height:10px;border-radius:2px;margin-left:10px}
.sw-p50,.bar-p50{background:#2563eb;fill:#2563eb}.sw-p90,.bar-p90{background:#93c5fd;fill:#93c5fd}
.sw-p99{height:2px;background:#1e3a8a}
.whisker{stroke:#1e3a8a;stroke-width:2}
.chart-label{font-size:13px;font-weight:600;fill:#0f172a;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.chart-value{font-size:12px;fill:#475569}
.chart-note{font-size:12px;fill:#94a3b8;font-style:italic}
#latency table{margin-top:12px}
.cov-row{display:grid;grid-template-columns:180px 1fr 80px;gap:4px 14px;align-items:center;background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:0 0 6px}
.cov-label{font-weight:600}
.cov-bar{height:10px;background:#e2e8f0;border-radius:999px;overflow:hidden}
.cov-bar span{display:block;height:100%;background:linear-gradient(90deg,#2563eb,#60a5fa)}
.cov-count{text-align:right;font-variant-numeric:tabular-nums;color:#334155}
.cov-missing{grid-column:2/4;font-size:12.5px;color:var(--muted)}
.cov-missing code{background:#f1f5f9;border-radius:4px;padding:0 4px;margin:0 2px 2px 0;display:inline-block;color:#334155}
table.faults{max-width:720px}
.bar-cell{width:50%}.bar-cell span{display:block;height:8px;border-radius:999px;background:#f87171}
.failure-index{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px 10px 36px;margin:0 0 16px}
.failure-index li{padding:2px 0}
.failure-index a{color:var(--ink);font-weight:600}
footer{margin-top:40px;color:var(--muted);font-size:12px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
@media print{.filter{display:none}.scroll{overflow:visible}}
`;

/** Optional comfort: click a lane's name to dim it. The page is complete without it. */
const JS = `
document.querySelectorAll('.timeline .lane-label').forEach(function (label) {
  label.addEventListener('click', function () { label.parentNode.classList.toggle('muted'); });
});
`;
