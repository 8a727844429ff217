import { createHash } from 'node:crypto';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { transform } from 'esbuild';

/** The engine's sources, by path relative to the tree's root, as read when the run started. */
export type SourceFiles = ReadonlyMap<string, string>;

/** One engine mutant: a span of one file replaced by Stryker's replacement for it. */
export interface EngineMutant {
  /**
   * Stable across runs and across edits elsewhere in the file: the file, a hash of the mutator,
   * the original text and the replacement, and which occurrence of that triple in the file
   * (0 for the first). Stryker's own ids are positions in its traversal and move with any edit.
   */
  key: string;
  file: string;
  /** 1-based, of the span's start. */
  line: number;
  column: number;
  mutator: string;
  /** The replaced text, as written in the source. */
  original: string;
  replacement: string;
  /** Offsets of the span in the file's text. */
  start: number;
  end: number;
}

/** The logger the instrumenter's constructor takes (@stryker-mutator/api's Logger). */
type Logger = ConstructorParameters<typeof Instrumenter>[0];

const QUIET = (): void => {};
/** Stryker's instrumenter logs through its plugin system's logger; here only warnings and errors. */
const logger: Logger = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => true,
  isErrorEnabled: () => true,
  isFatalEnabled: () => true,
  trace: QUIET,
  debug: QUIET,
  info: QUIET,
  warn: (message: string, ...args: unknown[]) =>
    process.stderr.write(`stryker: ${message} ${args.join(' ')}\n`),
  error: (message: string, ...args: unknown[]) =>
    process.stderr.write(`stryker: ${message} ${args.join(' ')}\n`),
  fatal: (message: string, ...args: unknown[]) =>
    process.stderr.write(`stryker: ${message} ${args.join(' ')}\n`),
};

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/**
 * Every mutant Stryker's instrumenter finds in the files, in file order then position order.
 * Only the mutants it reports are used (file, location, replacement): each is applied to the
 * original text on its own (applyMutant), so a mutant runs as plain source, with no mutant
 * switch or coverage counter in the engine's hot path.
 */
export async function findMutants(files: SourceFiles, excludedMutations: string[]): Promise<EngineMutant[]> {
  const instrumenter = new Instrumenter(logger);
  const input = [...files].map(([name, content]) => ({ name, content, mutate: true as const }));
  const { mutants } = await instrumenter.instrument(input, {
    plugins: null,
    excludedMutations,
    ignorers: [],
  });
  const starts = new Map([...files].map(([name, content]) => [name, lineStarts(content)]));
  const found: EngineMutant[] = [];
  for (const m of mutants) {
    if (m.status === 'Ignored') continue;
    const content = files.get(m.fileName);
    const lines = starts.get(m.fileName);
    if (content === undefined || lines === undefined)
      throw new Error(`stryker reported unknown file ${m.fileName}`);
    // Stryker's API locations: 0-based lines, 0-based columns.
    const start = lines[m.location.start.line] + m.location.start.column;
    const end = lines[m.location.end.line] + m.location.end.column;
    found.push({
      key: '',
      file: m.fileName,
      line: m.location.start.line + 1,
      column: m.location.start.column + 1,
      mutator: m.mutatorName,
      original: content.slice(start, end),
      replacement: m.replacement,
      start,
      end,
    });
  }
  found.sort((a, b) =>
    a.file !== b.file
      ? a.file < b.file
        ? -1
        : 1
      : a.start - b.start ||
        a.end - b.end ||
        (a.mutator < b.mutator ? -1 : a.mutator > b.mutator ? 1 : 0) ||
        (a.replacement < b.replacement ? -1 : a.replacement > b.replacement ? 1 : 0),
  );
  const seen = new Map<string, number>();
  for (const m of found) {
    const hash = createHash('sha1')
      .update(`${m.mutator}\0${m.original}\0${m.replacement}`)
      .digest('hex')
      .slice(0, 10);
    const base = `${m.file.split('/').pop()}@${hash}`;
    const occurrence = seen.get(base) ?? 0;
    seen.set(base, occurrence + 1);
    m.key = `${base}#${occurrence}`;
  }
  return found;
}

/** The mutant's file with its span replaced. */
export function applyMutant(content: string, mutant: EngineMutant): string {
  if (content.slice(mutant.start, mutant.end) !== mutant.original)
    throw new Error(`${mutant.key}: ${mutant.file} changed under the mutant`);
  return content.slice(0, mutant.start) + mutant.replacement + content.slice(mutant.end);
}

/** Whether the mutated file still compiles (esbuild, as the CLI's loader does); its error if not. */
export async function compileError(mutated: string, file: string): Promise<string | undefined> {
  try {
    await transform(mutated, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: file });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/** The original text on one line, cut to `width` characters, for tables. */
export function brief(text: string, width = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}
