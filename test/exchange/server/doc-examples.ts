/**
 * Reads the executable examples of docs/protocol.md: every ```jsonl block is one exchange.
 * A line is `[connection]> frame` (sent as-is, so broken frames can be shown) or
 * `[connection]< message` (expected, matched partially). Other lines are ignored.
 */
export interface ExampleLine {
  connection: string;
  direction: '>' | '<';
  text: string;
  /** 1-based line in the markdown file, for failure messages. */
  line: number;
}

export interface ExampleBlock {
  /** The nearest heading above the block. */
  title: string;
  line: number;
  lines: ExampleLine[];
}

const LINE = /^(?:([A-Za-z][\w-]*))?([<>]) (.*)$/;

export function readExampleBlocks(markdown: string): ExampleBlock[] {
  const blocks: ExampleBlock[] = [];
  let title = '';
  let current: ExampleBlock | undefined;
  markdown.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (current === undefined) {
      if (raw.startsWith('#')) title = raw.replace(/^#+\s*/, '');
      else if (raw.trim() === '```jsonl') current = { title, line, lines: [] };
      return;
    }
    if (raw.trim() === '```') {
      blocks.push(current);
      current = undefined;
      return;
    }
    const m = LINE.exec(raw);
    if (m)
      current.lines.push({ connection: m[1] ?? 'client', direction: m[2] as '>' | '<', text: m[3], line });
  });
  return blocks;
}

/**
 * Whether `actual` contains everything `expected` shows: objects may have extra fields,
 * arrays must have the same length with each element matching, other values must be equal.
 */
export function partialMatch(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => partialMatch(item, actual[i]))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).every(
      ([key, value]) => key in record && partialMatch(value, record[key]),
    );
  }
  return Object.is(expected, actual);
}
