import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/model/evidence.ts';
import { buildClientTimeline } from '../../../src/core/report/client-timeline.ts';
import {
  escapeMermaidText,
  MERMAID_MAX_MESSAGES,
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
    expect(shown.at(-1)).toMatch(/^ {2}Note over c1,T: 253 more messages left out/);
    expect(diagram).toContain('❗ g399 ');
    expect(diagram).toContain('c2->>T: ❗ (1)');
    expect(diagram).not.toContain(' e398');
    expect(
      messages(renderMermaidSequence(buildClientTimeline(replay, describers), { maxMessages: 10 })),
    ).toHaveLength(10);
  });
});
