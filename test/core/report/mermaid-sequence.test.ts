import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import type { ReplayFile } from '../../../src/core/replay/replay-file.ts';
import { buildClientTimeline } from '../../../src/core/report/client-timeline.ts';
import {
  escapeMermaidText,
  MERMAID_MAX_MESSAGES,
  MERMAID_MAX_PARTICIPANTS,
  renderMermaidSequence,
} from '../../../src/core/report/mermaid-sequence.ts';
import { sampleReplay } from '../replay/replay-fixture.ts';

const describers = {
  describeAction: (action: unknown) => String((action as { text?: string }).text ?? 'action'),
  describeEvent: (event: unknown) => String((event as { text?: string }).text ?? 'event'),
};

/** The message lines: arrows and notes, not the participants or the rect blocks. */
const messages = (diagram: string): string[] =>
  diagram.split('\n').filter((line) => /->>|-->>|-\)|Note over/.test(line));

describe('escapeMermaidText', () => {
  it('turns statement ends, entity starts, colons, arrows and newlines into entity codes, once', () => {
    expect(escapeMermaidText('a;b#c:d')).toBe('a#59;b#35;c#58;d');
    expect(escapeMermaidText('x --> y ->> z')).toBe('x --#62; y -#62;#62; z');
    expect(escapeMermaidText('line1\nline2\r\nline3')).toBe('line1 line2 line3');
    expect(escapeMermaidText('<b>%%')).toBe('#60;b#62;#37;#37;');
    // The codes themselves hold `#` and `;`: one pass, so they are not escaped again.
    expect(escapeMermaidText('#;')).toBe('#35;#59;');
  });
});

describe('renderMermaidSequence', () => {
  it('draws requests, replies, events and faults between the clients and the venue', () => {
    const replay = sampleReplay((r) => {
      r.evidence.history[0].reply = { status: 'ok', result: {} };
      r.evidence.history[1].reply = { status: 'fail', code: 'qty_zero', message: 'no' };
      r.evidence.extra = { faults: [{ step: 1, client: 'taker', kind: 'frame.drop', time: 1, hits: 3 }] };
    });
    const diagram = renderMermaidSequence(buildClientTimeline(replay, describers));
    const lines = diagram.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines).toContain('  participant c1 as maker');
    expect(lines).toContain('  participant c2 as taker');
    expect(lines).toContain('  participant T as venue');
    expect(diagram).toContain('c1->>T: ❗ (0) action');
    expect(diagram).toContain('T-->>c1: ❗ (0) ok in 2 ms');
    expect(diagram).toContain('T-->>c2: ❗ (1) fail qty_zero in 2 ms');
    expect(diagram).toContain('T-)c2: g2 book#58;BTC#35;1 event');
    expect(diagram).toContain('Note over c2: ❗ ⚡ frame.drop (3 hits)');
  });

  it('boxes involved messages in red rect blocks and leaves the others outside', () => {
    const diagram = renderMermaidSequence(buildClientTimeline(sampleReplay(), describers));
    const lines = diagram.trimEnd().split('\n');
    const open = lines.filter((l) => l.trim() === 'rect rgb(255,220,220)').length;
    const close = lines.filter((l) => l.trim() === 'end').length;
    expect(open).toBeGreaterThan(0);
    expect(open).toBe(close);
    // Inside a block every message is marked, outside none is.
    let inside = false;
    for (const line of lines) {
      if (line.trim().startsWith('rect')) inside = true;
      else if (line.trim() === 'end') inside = false;
      else if (messages(line).length) expect(line.includes('❗'), line).toBe(inside);
    }
  });

  it('escapes hostile text in actions, events and client names', () => {
    const replay = sampleReplay((r) => {
      r.actions[0] = { kind: 'place', client: 'maker', gapMs: 0, text: 'a;b\n#c --> end' };
      r.events[1] = { ...r.events[1], client: 'ta;ker', event: { text: 'x:y%%z' } };
    });
    const diagram = renderMermaidSequence(buildClientTimeline(replay, describers));
    expect(diagram).toContain('(0) a#59;b #35;c --#62; end');
    expect(diagram).toContain('participant c3 as ta#59;ker');
    expect(diagram).toContain('x#58;y#37;#37;z');
    for (const line of messages(diagram)) {
      const text = line.slice(line.indexOf(':') + 1);
      expect(text).not.toMatch(/[;:](?<!#\d+;)/);
      expect(text).not.toContain('-->');
    }
  });

  it(`keeps at most ${MERMAID_MAX_MESSAGES} messages, the involved ones first, and says how many it left out`, () => {
    const replay = sampleReplay((r) => {
      const events: RecordedEvent[] = [];
      for (let gseq = 1; gseq <= 400; gseq++) {
        events.push({
          gseq,
          client: 'taker',
          stream: 'book:BTC',
          seq: gseq,
          time: gseq,
          event: { text: `e${gseq}` },
        });
      }
      r.events = events;
      r.violations = [{ invariant: 'x', message: 'y', steps: [1], events: [399] }];
    });
    const diagram = renderMermaidSequence(buildClientTimeline(replay, describers));
    const shown = messages(diagram);
    expect(shown).toHaveLength(MERMAID_MAX_MESSAGES);
    // 402 messages, 148 kept, the violation's note and the note on what was cut: 150 lines.
    expect(shown.at(-1)).toMatch(/^ {2}Note over c1,T: 254 more messages left out/);
    expect(diagram).toContain('Note over c2: ❗ x#58; y');
    expect(diagram).toContain('❗ g399 ');
    expect(diagram).toContain('c2->>T: ❗ (1)');
    expect(diagram).not.toContain(' e398');
    expect(
      messages(renderMermaidSequence(buildClientTimeline(replay, describers), { maxMessages: 10 })),
    ).toHaveLength(10);
  });
});

/** The arrows only: requests, replies, events. */
const arrows = (diagram: string): string[] => diagram.split('\n').filter((line) => /->>|-->>|-\)/.test(line));

/**
 * Two actions, and the venue fans each event out: a public book update to four clients, each
 * account event to its owner and to the observer (admin), as the reference venue does.
 */
function fannedOut(): ReplayFile {
  return sampleReplay((r) => {
    r.actions = [
      { kind: 'place', client: 'taker', gapMs: 0, text: 'sell 1' },
      { kind: 'place', client: 'maker', gapMs: 0, text: 'buy 1' },
    ];
    r.evidence.history = [
      {
        step: 0,
        client: 'taker',
        action: {},
        invokedAt: 0,
        completedAt: 2,
        reply: { status: 'ok', result: {} },
      },
      {
        step: 1,
        client: 'maker',
        action: {},
        invokedAt: 0,
        completedAt: 2,
        reply: { status: 'ok', result: {} },
      },
    ];
    const clients = ['admin', 'taker', 'maker', 'bystander'];
    let gseq = 0;
    const to = (client: string, stream: string, seq: number, text: string, step: number): RecordedEvent => ({
      gseq: ++gseq,
      client,
      stream,
      seq,
      time: 2,
      step,
      event: { text },
    });
    r.events = [
      ...clients.map((c) => to(c, 'book:BTC', 1, 'book_delta sell 1', 0)),
      ...['admin', 'taker'].map((c) => to(c, 'account:taker', 1, 'order_accepted O1', 0)),
      ...['admin', 'maker'].map((c) => to(c, 'account:maker', 1, 'fill O2', 1)),
      ...['admin', 'taker'].map((c) => to(c, 'account:taker', 2, 'fill O1', 1)),
      ...clients.map((c) => to(c, 'trades:BTC', 1, 'trade 1@20000', 1)),
    ];
    // Named by the copy the observer got.
    r.violations = [{ invariant: 'orders.quantities', message: 'O1 overfilled', steps: [0, 1], events: [9] }];
  });
}

describe('renderMermaidSequence: each event once', () => {
  it('draws a public event once to `public`, a private one once to its owner, whoever else got a copy', () => {
    const diagram = renderMermaidSequence(buildClientTimeline(fannedOut(), describers));
    // 14 deliveries of 5 events: 2 requests, 2 replies and 5 event arrows, not 18.
    expect(arrows(diagram)).toHaveLength(9);
    expect(diagram).toContain('  participant P as public');
    expect(diagram).toContain('T-)P: g1 book#58;BTC#35;1 book_delta sell 1 → 4 clients');
    expect(diagram).toContain('T-)P: g11 trades#58;BTC#35;1 trade 1@20000 → 4 clients');
    const taker = diagram.match(/participant (c\d) as taker/)?.[1];
    expect(diagram).toContain(`T-)${taker}: g5 account#58;taker#35;1 order_accepted O1 (+admin)`);
    // The violation named admin's copy of taker's fill: the one arrow is marked and boxed.
    expect(diagram).toContain(`T-)${taker}: ❗ g9 account#58;taker#35;2 fill O1 (+admin)`);
  });

  it('notes each violation over the client it concerns, in a red box, after the run', () => {
    const diagram = renderMermaidSequence(buildClientTimeline(fannedOut(), describers));
    const lines = diagram.trimEnd().split('\n');
    const taker = diagram.match(/participant (c\d) as taker/)?.[1];
    expect(lines.slice(-2)).toEqual([
      `    Note over ${taker}: ❗ orders.quantities#58; O1 overfilled`,
      '  end',
    ]);
    const opened = lines.findLastIndex((l) => l.trim().startsWith('rect'));
    expect(lines.slice(opened + 1, -1).some((l) => l.trim() === 'end')).toBe(false);
  });

  it(`keeps to ${MERMAID_MAX_PARTICIPANTS} participants and a size GitHub renders, and says what it cut`, () => {
    const crowd = sampleReplay((r) => {
      r.events = Array.from({ length: 60 }, (_, i) => ({
        gseq: i + 1,
        client: `client-${i}`,
        stream: `account:client-${i}`,
        seq: 1,
        time: i,
        event: { text: `hello ${'x'.repeat(80)}` },
      }));
    });
    const diagram = renderMermaidSequence(buildClientTimeline(crowd, describers));
    const participants = diagram.split('\n').filter((l) => l.trim().startsWith('participant'));
    expect(participants.length).toBeLessThanOrEqual(MERMAID_MAX_PARTICIPANTS);
    expect(diagram).toContain('participant cx as 25 more clients');
    expect(diagram).toMatch(
      /Note over c1,T: clients past the first 37 share one participant#58; client-35, /,
    );
    const small = renderMermaidSequence(buildClientTimeline(crowd, describers), { maxChars: 3000 });
    expect(small.length).toBeLessThanOrEqual(3000);
    expect(small).toMatch(/Note over c1,T: \d+ more messages left out/);
  });
});
