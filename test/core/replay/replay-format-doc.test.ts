import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serializeReplayFile } from '../../../src/core/replay/replay-file.ts';
import { parseRecordedEvent, parseReplayFile } from '../../../src/core/replay/validate-replay-file.ts';
import { MAX_REPLAY_FILE_BYTES, replayFileName } from '../../../src/core/replay/write-replay-file.ts';
import { tradingPack } from '../../../src/domains/trading/trading-pack.ts';

const doc = readFileSync(new URL('../../../docs/replay-format.md', import.meta.url), 'utf8');

/** The first JSON block after a heading. */
const jsonAfter = (heading: string): string =>
  /```json\n([\s\S]*?)\n```/.exec(doc.slice(Math.max(0, doc.indexOf(heading))))?.[1] ?? '';

/** The docs must not drift from the code: their example is a real file under its real name. */
describe('docs/replay-format.md', () => {
  const example = jsonAfter('\n## Example\n');
  const replay = parseReplayFile(example, 'docs example');

  it('shows a valid replay file exactly as the writer writes it', () => {
    expect(serializeReplayFile(replay)).toBe(`${example}\n`);
  });

  it('names it as the writer would', () => {
    expect(doc).toContain(`replays/${replayFileName(replay)}`);
  });

  it('shows actions and bugs the trading pack accepts', () => {
    expect(parseReplayFile(example, 'docs example', tradingPack)).toEqual(replay);
    const fault = /```jsonc\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? '';
    expect(tradingPack.validateAction?.(JSON.parse(fault))).toBeUndefined();
  });

  it("shows an adapter module's record as a version 2 file holds it, right after target", () => {
    const fragment = JSON.parse(jsonAfter('\n### Adapter modules\n')) as Record<string, unknown>;
    expect(fragment.version).toBe(2);
    const withAdapter = parseReplayFile(
      JSON.stringify({ ...JSON.parse(example), ...fragment }),
      'docs adapter example',
      tradingPack,
    );
    expect(withAdapter.adapter).toEqual(fragment.adapter);
    const { target, adapter } = fragment;
    expect(serializeReplayFile(withAdapter)).toContain(
      JSON.stringify({ target, adapter }, null, 2).slice(2, -2),
    );
  });

  it('states the size cap the reader applies', () => {
    expect(doc).toContain(`(${MAX_REPLAY_FILE_BYTES} bytes, 64 MiB)`);
  });

  it('shows valid NDJSON event lines', () => {
    const lines = doc.split('\n').filter((line) => line.startsWith('{"gseq"'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(JSON.stringify(parseRecordedEvent(JSON.parse(line), 'doc', ''))).toBe(line);
  });
});
