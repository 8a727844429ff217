import { type ClientTimeline, TARGET_PARTICIPANT, type TimelineEntry } from './client-timeline.ts';

/** GitHub refuses to render big diagrams; past this many messages the rest is left out. */
export const MERMAID_MAX_MESSAGES = 150;
/** Longer message text makes the diagram too wide to read; the table has the full text. */
const MAX_TEXT = 96;
const INVOLVED_MARK = '❗';
const INVOLVED_RECT = 'rect rgb(255,220,220)';

export interface MermaidOptions {
  maxMessages?: number;
  /** What the far end is called (default `venue`). */
  target?: string;
}

/**
 * A failing run as a Mermaid `sequenceDiagram`: requests as client->>target arrows, replies
 * back, events as async arrows, fired faults as notes, everything a violation names marked
 * and boxed in red. Over the cap, events not involved go first, then replies, so what the
 * violation is about always stays in the picture.
 */
export function renderMermaidSequence(timeline: ClientTimeline, options: MermaidOptions = {}): string {
  const maxMessages = Math.max(1, options.maxMessages ?? MERMAID_MAX_MESSAGES);
  const target = options.target ?? TARGET_PARTICIPANT;
  const ids = new Map<string, string>();
  const lines = ['sequenceDiagram'];
  timeline.clients
    .filter((client) => client !== TARGET_PARTICIPANT)
    .forEach((client, i) => {
      ids.set(client, `c${i + 1}`);
      lines.push(`  participant c${i + 1} as ${escapeMermaidText(client)}`);
    });
  ids.set(TARGET_PARTICIPANT, 'T');
  lines.push(`  participant T as ${escapeMermaidText(target)}`);

  const shown = pickShown(timeline.entries, maxMessages);
  let inRect = false;
  for (const entry of shown) {
    if (entry.involved !== inRect) {
      lines.push(entry.involved ? `  ${INVOLVED_RECT}` : '  end');
      inRect = entry.involved;
    }
    const indent = inRect ? '    ' : '  ';
    lines.push(`${indent}${message(entry, ids.get(entry.client) ?? 'T')}`);
  }
  if (inRect) lines.push('  end');
  const left = timeline.entries.length - shown.length;
  if (left > 0) {
    const span = ids.size > 1 ? `c1,T` : 'T';
    lines.push(
      `  Note over ${span}: ${escapeMermaidText(`${left} more messages left out (GitHub draws at most ${maxMessages}), see the timeline table`)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function message(entry: TimelineEntry, id: string): string {
  const mark = entry.involved ? `${INVOLVED_MARK} ` : '';
  switch (entry.kind) {
    case 'action':
      return `${id}->>T: ${text(`${mark}(${entry.step}) ${entry.text}`)}`;
    case 'reply': {
      const took = entry.latencyMs > 0 ? ` in ${formatLatency(entry.latencyMs)}` : '';
      return `T-->>${id}: ${text(`${mark}(${entry.step}) ${entry.text}${took}`)}`;
    }
    case 'event':
      return `T-)${id}: ${text(`${mark}g${entry.gseq} ${entry.stream}#${entry.seq} ${entry.text}`)}`;
    case 'fault':
      return `Note over ${id}: ${text(`${mark}⚡ ${entry.text}`)}`;
  }
}

const formatLatency = (ms: number): string => `${Number.isInteger(ms) ? ms : ms.toFixed(1)} ms`;

const text = (raw: string): string => escapeMermaidText(truncate(raw.replace(/\s+/g, ' ').trim(), MAX_TEXT));

function truncate(raw: string, max: number): string {
  const chars = [...raw];
  return chars.length <= max ? raw : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Message text is free-form after the colon, except that `;` ends a statement, `#` starts an
 * entity code, `:` and `<`/`>` confuse notes and arrows (`-->`), and `%%` starts a comment:
 * each becomes its Mermaid entity code (`#59;`), in one pass so the codes are not escaped
 * again. Newlines would end the message, so they become spaces.
 */
export function escapeMermaidText(raw: string): string {
  return raw.replace(/\r?\n|\r/g, ' ').replace(/[#;:<>%&"]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** What to leave out over the cap: events not involved first, then replies, then the rest. */
function pickShown(entries: readonly TimelineEntry[], maxMessages: number): TimelineEntry[] {
  if (entries.length <= maxMessages) return [...entries];
  // One message goes to the note that says how many were left out.
  const room = Math.max(1, maxMessages - 1);
  const rank = (entry: TimelineEntry): number =>
    entry.involved
      ? 0
      : entry.kind === 'action' || entry.kind === 'fault'
        ? 1
        : entry.kind === 'reply'
          ? 2
          : 3;
  const kept = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => rank(a.entry) - rank(b.entry) || a.index - b.index)
    .slice(0, room)
    .sort((a, b) => a.index - b.index);
  return kept.map(({ entry }) => entry);
}
