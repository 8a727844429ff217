import {
  type ClientTimeline,
  streamOwner,
  TARGET_PARTICIPANT,
  type TimelineEntry,
  type ViolationMark,
} from './client-timeline.ts';

/** GitHub refuses to render big diagrams; past this many messages the rest is left out. */
export const MERMAID_MAX_MESSAGES = 150;
/** Mermaid (and so GitHub) draws at most about 50 participants: past this, clients share one. */
export const MERMAID_MAX_PARTICIPANTS = 40;
/** Mermaid's `maxTextSize` is 50,000 characters; a diagram is kept well under it. */
export const MERMAID_MAX_CHARS = 40_000;
/** Longer message text makes the diagram too wide to read; the table has the full text. */
const MAX_TEXT = 96;
const INVOLVED_MARK = '❗';
const INVOLVED_RECT = 'rect rgb(255,220,220)';
/** The participant public events go to, drawn once for all their receivers. */
const PUBLIC_ID = 'P';

export interface MermaidOptions {
  maxMessages?: number;
  /** What the far end is called (default `venue`). */
  target?: string;
  /** At most this many characters (default MERMAID_MAX_CHARS): fewer messages until it fits. */
  maxChars?: number;
}

/** One line of the diagram, before the cap: an entry, or one event delivered to several clients. */
interface Message {
  entry: TimelineEntry;
  /** For an event: where it is drawn to (a client, or every receiver at once: public). */
  to?: string;
  /** For an event: the clients that received it besides the one it is drawn to. */
  alsoTo?: string[];
  involved: boolean;
}

/**
 * A failing run as a Mermaid `sequenceDiagram`: one participant per client and the venue,
 * requests as client->>venue arrows, replies back, and each event drawn once however many
 * clients received it: a private event (on a stream a client owns, like `account:taker`) to its
 * owner, a public one (a book, the trades) to one `public` participant, saying how many clients
 * got it. Fired faults and the violations are notes over the client they concern; everything a
 * violation names is marked and boxed in red. Over the cap (messages, participants, characters)
 * events not involved go first, then replies, and a note says what was left out.
 */
export function renderMermaidSequence(timeline: ClientTimeline, options: MermaidOptions = {}): string {
  let maxMessages = Math.max(1, options.maxMessages ?? MERMAID_MAX_MESSAGES);
  const maxChars = options.maxChars ?? MERMAID_MAX_CHARS;
  for (;;) {
    const diagram = renderCapped(timeline, maxMessages, options.target ?? TARGET_PARTICIPANT);
    if (diagram.length <= maxChars || maxMessages <= 1) return diagram;
    maxMessages = Math.max(1, Math.floor(maxMessages * Math.min(0.9, maxChars / diagram.length)));
  }
}

function renderCapped(timeline: ClientTimeline, maxMessages: number, target: string): string {
  const clients = timeline.clients.filter((client) => client !== TARGET_PARTICIPANT);
  const ids = new Map<string, string>();
  const lines = ['sequenceDiagram'];
  // Room for the venue, the public participant and one for the clients past the cap.
  const room = MERMAID_MAX_PARTICIPANTS - 3;
  clients.slice(0, room).forEach((client, i) => {
    ids.set(client, `c${i + 1}`);
    lines.push(`  participant c${i + 1} as ${escapeMermaidText(client)}`);
  });
  const others = clients.slice(room);
  if (others.length > 0) {
    for (const client of others) ids.set(client, 'cx');
    lines.push(`  participant cx as ${escapeMermaidText(`${others.length} more clients`)}`);
  }
  ids.set(TARGET_PARTICIPANT, 'T');
  lines.push(`  participant T as ${escapeMermaidText(target)}`);

  const all = messagesOf(timeline);
  if (all.some((m) => m.to === PUBLIC_ID)) lines.push(`  participant ${PUBLIC_ID} as public`);
  // The violations' notes always stay: the rest shares what is left of the cap.
  const shown = pickShown(all, Math.max(1, maxMessages - timeline.violations.length));
  let inRect = false;
  for (const m of shown) {
    if (m.involved !== inRect) {
      lines.push(m.involved ? `  ${INVOLVED_RECT}` : '  end');
      inRect = m.involved;
    }
    const indent = inRect ? '    ' : '  ';
    lines.push(`${indent}${message(m, ids)}`);
  }
  if (timeline.violations.length > 0) {
    if (!inRect) lines.push(`  ${INVOLVED_RECT}`);
    for (const v of timeline.violations) lines.push(`    ${violationNote(v, ids)}`);
    inRect = true;
  }
  if (inRect) lines.push('  end');
  const cut: string[] = [];
  const left = all.length - shown.length;
  if (left > 0)
    cut.push(`${left} more messages left out (GitHub draws at most ${maxMessages}), see the timeline table`);
  if (others.length > 0)
    cut.push(`clients past the first ${room} share one participant: ${others.join(', ')}`);
  if (cut.length > 0) {
    const span = clients.length > 0 ? 'c1,T' : 'T';
    lines.push(`  Note over ${span}: ${text(cut.join('; '), 400)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The entries as messages, each event once: the same event (stream, sequence number and what
 * it says) delivered to several clients is one message, drawn where the first copy arrived.
 */
function messagesOf(timeline: ClientTimeline): Message[] {
  const messages: Message[] = [];
  const events = new Map<string, { message: Message; receivers: string[] }>();
  for (const entry of timeline.entries) {
    if (entry.kind !== 'event') {
      messages.push({ entry, involved: entry.involved });
      continue;
    }
    const key = `${entry.stream}\u0000${entry.seq}\u0000${entry.text}`;
    const seen = events.get(key);
    if (seen) {
      if (!seen.receivers.includes(entry.client)) seen.receivers.push(entry.client);
      seen.message.involved ||= entry.involved;
      continue;
    }
    const message: Message = { entry, involved: entry.involved };
    events.set(key, { message, receivers: [entry.client] });
    messages.push(message);
  }
  for (const { message, receivers } of events.values()) {
    const owner = streamOwner(message.entry.kind === 'event' ? message.entry.stream : '', timeline.clients);
    const to =
      owner !== undefined && receivers.includes(owner)
        ? owner
        : receivers.length === 1
          ? receivers[0]
          : PUBLIC_ID;
    message.to = to;
    message.alsoTo = to === PUBLIC_ID ? receivers : receivers.filter((r) => r !== to);
  }
  return messages;
}

function message(m: Message, ids: ReadonlyMap<string, string>): string {
  const { entry } = m;
  const id = ids.get(entry.client) ?? 'T';
  const mark = m.involved ? `${INVOLVED_MARK} ` : '';
  switch (entry.kind) {
    case 'action':
      return `${id}->>T: ${text(`${mark}(${entry.step}) ${entry.text}`)}`;
    case 'reply': {
      const took = entry.latencyMs > 0 ? ` in ${formatLatency(entry.latencyMs)}` : '';
      return `T-->>${id}: ${text(`${mark}(${entry.step}) ${entry.text}${took}`)}`;
    }
    case 'event': {
      const to = m.to === PUBLIC_ID ? PUBLIC_ID : (ids.get(m.to ?? entry.client) ?? 'T');
      const also = m.alsoTo ?? [];
      const whom =
        m.to === PUBLIC_ID
          ? ` → ${also.length} clients`
          : also.length > 0
            ? ` (+${also.length > 2 ? `${also.length} clients` : also.join(', ')})`
            : '';
      // The text goes before who else got it, so a long one loses its tail, not its sense.
      const head = `${mark}g${entry.gseq} ${entry.stream}#${entry.seq} `;
      return `T-)${to}: ${text(head + truncate(entry.text, Math.max(8, MAX_TEXT - [...head].length - [...whom].length)) + whom)}`;
    }
    case 'fault':
      return `Note over ${id}: ${text(`${mark}⚡ ${entry.text}`)}`;
    case 'note':
      return `Note over ${id}: ${text(`◆ ${entry.text}`)}`;
  }
}

function violationNote(v: ViolationMark, ids: ReadonlyMap<string, string>): string {
  return `Note over ${ids.get(v.client) ?? 'T'}: ${text(`${INVOLVED_MARK} ${v.invariant}: ${v.message}`, 160)}`;
}

const formatLatency = (ms: number): string => `${Number.isInteger(ms) ? ms : ms.toFixed(1)} ms`;

const text = (raw: string, max = MAX_TEXT): string =>
  escapeMermaidText(truncate(raw.replace(/\s+/g, ' ').trim(), max));

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
function pickShown(messages: readonly Message[], maxMessages: number): Message[] {
  if (messages.length <= maxMessages) return [...messages];
  // One message goes to the note that says how many were left out.
  const room = Math.max(1, maxMessages - 1);
  const rank = ({ entry, involved }: Message): number =>
    involved ? 0 : entry.kind === 'action' || entry.kind === 'fault' ? 1 : entry.kind === 'reply' ? 2 : 3;
  const kept = messages
    .map((m, index) => ({ m, index }))
    .sort((a, b) => rank(a.m) - rank(b.m) || a.index - b.index)
    .slice(0, room)
    .sort((a, b) => a.index - b.index);
  return kept.map(({ m }) => m);
}
