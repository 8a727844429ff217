import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultExchangeConfig } from '../../../src/domains/trading/protocol/exchange-config.ts';
import { EVENT_TYPES } from '../../../src/domains/trading/protocol/exchange-event.ts';
import {
  FRAME_ERROR_CODES,
  GATEWAY_ERROR_CODES,
  REQUEST_TYPES,
} from '../../../src/domains/trading/protocol/protocol-messages.ts';
import { REJECT_REASONS } from '../../../src/domains/trading/protocol/reject-reason.ts';
import { type RunningExchange, startExchangeServer } from '../../../src/exchange/server/exchange-server.ts';
import { type ExampleBlock, partialMatch, readExampleBlocks } from './doc-examples.ts';
import { TestClient } from './ws-test-client.ts';

const DOC_PATH = new URL('../../../docs/protocol.md', import.meta.url);
const markdown = readFileSync(DOC_PATH, 'utf8');
const blocks = readExampleBlocks(markdown);
const DOC_CLOCK = 1_700_000_000_000;

function parsedLines(direction: '>' | '<'): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const block of blocks) {
    for (const line of block.lines) {
      if (line.direction !== direction) continue;
      try {
        out.push(JSON.parse(line.text) as Record<string, unknown>);
      } catch {
        // broken frames are shown on purpose
      }
    }
  }
  return out;
}

describe('docs/protocol.md', () => {
  let server: RunningExchange | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.close();
    server = undefined;
  });

  it('has example blocks, each with something sent and something expected', () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      expect(
        block.lines.some((l) => l.direction === '>'),
        `block at line ${block.line}`,
      ).toBe(true);
      expect(
        block.lines.some((l) => l.direction === '<'),
        `block at line ${block.line}`,
      ).toBe(true);
      for (const line of block.lines.filter((l) => l.direction === '<')) {
        expect(() => JSON.parse(line.text), `line ${line.line}`).not.toThrow();
      }
    }
  });

  it('shows every request type and every event type in an example', () => {
    const sent = new Set(parsedLines('>').map((f) => f.type));
    expect(REQUEST_TYPES.filter((t) => !sent.has(t))).toEqual([]);
    const events = new Set(
      parsedLines('<')
        .filter((m) => m.type === 'event')
        .map((m) => (m.event as { type?: string } | undefined)?.type),
    );
    expect(EVENT_TYPES.filter((t) => !events.has(t))).toEqual([]);
  });

  it('lists every reject reason and every error code', () => {
    const missing = [...REJECT_REASONS, ...FRAME_ERROR_CODES, ...GATEWAY_ERROR_CODES].filter(
      (code) => !new RegExp(`^\\|\\s*\`${code}\`\\s*\\|`, 'm').test(markdown),
    );
    expect(missing).toEqual([]);
  });

  const runBlock = async (block: ExampleBlock): Promise<void> => {
    server = await startExchangeServer({ port: 0, config: defaultExchangeConfig(), clock: () => DOC_CLOCK });
    const connections = new Map<string, { client: TestClient; cursor: number }>();
    for (const line of block.lines) {
      let connection = connections.get(line.connection);
      if (connection === undefined) {
        const client = await TestClient.connect(server.url);
        clients.push(client);
        connection = { client, cursor: 0 };
        connections.set(line.connection, connection);
      }
      if (line.direction === '>') {
        connection.client.send(line.text);
        continue;
      }
      const expected = JSON.parse(line.text) as unknown;
      try {
        const index = await connection.client.waitForIndex((m) => partialMatch(expected, m), {
          from: connection.cursor,
          timeoutMs: 3_000,
        });
        connection.cursor = index + 1;
      } catch (error) {
        throw new Error(`docs/protocol.md:${line.line} (${line.connection}): ${(error as Error).message}`);
      }
    }
  };

  for (const block of blocks) {
    it(`example at line ${block.line} (${block.title}) runs as shown`, async () => {
      await runBlock(block);
    });
  }
});
