import type { ExchangeConfig } from '../../domains/trading/protocol/exchange-config.ts';
import type { BugName } from '../bugs/planted-bugs.ts';
import { ExchangeHost } from '../gateway/exchange-host.ts';
import { type JournalFsync, openJournal } from '../journal/file-journal.ts';

export interface OpenExchangeHostOptions {
  config: ExchangeConfig;
  bugs?: Iterable<BugName>;
  clock: () => number;
  /** With a directory, the journal there is replayed first and then appended to. */
  journalDir?: string;
  fsync?: JournalFsync;
  resumeBuffer?: number;
  /** Told about recoverable journal trouble, such as a torn last line that was dropped. */
  onWarning?: (message: string) => void;
}

/**
 * Builds a host, recovering it from a journal directory when one is given. This is file I/O,
 * so it lives at the server edge; the host itself only sees entries and a sink. A corrupt
 * journal throws the reader's ShakedownError and nothing is started.
 */
export function openExchangeHost(options: OpenExchangeHostOptions): ExchangeHost {
  const { config, bugs, clock, resumeBuffer } = options;
  if (options.journalDir === undefined) return new ExchangeHost({ config, bugs, clock, resumeBuffer });
  const { entries, journal } = openJournal(options.journalDir, {
    fsync: options.fsync ?? 'never',
    onWarning: options.onWarning,
  });
  try {
    return new ExchangeHost({ config, bugs, clock, resumeBuffer, journal, recover: entries });
  } catch (error) {
    journal.close();
    throw error;
  }
}
