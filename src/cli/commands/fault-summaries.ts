import type { FaultKind } from '../../core/faults/fault.ts';

/** One line per fault kind for `shakedown list --faults`; docs/faults.md has the whole story. */
export const FAULT_SUMMARIES: Record<FaultKind, string> = {
  'frame.drop': 'the next frames one way on a trader link are lost',
  'frame.delay': 'the next frames are held back (jitter included); later frames queue behind them',
  'frame.duplicate': 'the next frames arrive twice',
  'frame.reorder': 'a frame is held until k later frames went past it',
  'frame.truncate': 'the next frames are cut short (they no longer parse)',
  'frame.garble': 'the next frames are corrupted (they no longer parse)',
  'connection.close': 'the connection is closed cleanly; dials are refused for downMs',
  'connection.reset': 'the connection is dropped abruptly, in-flight frames lost; dials refused for downMs',
  'connection.half_open': 'the link stops carrying frames without closing; the client must notice',
  'connection.flap': 'the connection is cut several times, intervalMs apart',
  'response.reject_429': 'the Nth request (then every k-th) is answered 429 with retry-after, unsent',
  'response.error_5xx': 'the Nth request is answered 5xx, unsent or after it took effect',
  'process.crash_restart': 'the venue process is killed (SIGKILL) and restarted from its journal',
  'process.pause': 'the venue process is stopped (SIGSTOP) for downMs, then continued',
  'clock.jump': "the venue's clock jumps ahead (in-process only)",
};
