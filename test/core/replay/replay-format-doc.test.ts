import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serializeReplayFile } from '../../../src/core/replay/replay-file.ts';
import { parseRecordedEvent, parseReplayFile } from '../../../src/core/replay/validate-replay-file.ts';
import { replayFileName } from '../../../src/core/replay/write-replay-file.ts';

const doc = readFileSync(new URL('../../../docs/replay-format.md', import.meta.url), 'utf8');

/** The docs must not drift from the code: their example is a real file under its real name. */
describe('docs/replay-format.md', () => {
  const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? '';
  const replay = parseReplayFile(example, 'docs example');

  it('shows a valid replay file exactly as the writer writes it', () => {
    expect(serializeReplayFile(replay)).toBe(`${example}\n`);
  });

  it('names it as the writer would', () => {
    expect(doc).toContain(`replays/${replayFileName(replay)}`);
  });

  it('shows valid NDJSON event lines', () => {
    const lines = doc.split('\n').filter((line) => line.startsWith('{"gseq"'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(JSON.stringify(parseRecordedEvent(JSON.parse(line), 'doc', ''))).toBe(line);
  });
});
