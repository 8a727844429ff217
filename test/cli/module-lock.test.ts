import { expect, it } from 'vitest';
import { runLockKey } from '../../src/core/lock/lock-key.ts';
import { acquireRunLock, currentHolder } from '../../src/core/lock/run-lock.ts';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-module-lock-');

/**
 * The run lock guards what others may share: a venue at a URL. An adapter module's factory
 * builds its own system for the campaign, so a campaign against one's own library runs even
 * while another holds the lock of the same target as typed.
 */
it('a campaign against an adapter module is not locked out by another on the same module', async () => {
  const lockDir = tempDir();
  const target = './examples/my-target.ts';
  const held = await acquireRunLock({
    key: runLockKey(target, 'SANDBOX.'),
    dir: lockDir,
    timeoutMs: 0,
    holder: currentHolder('another campaign'),
  });
  try {
    // The lock is taken (or not) before any run: one run of one property shows the campaign
    // went ahead (each run over the module's WebSocket venue is a real-time one).
    const run = shakedown(
      [
        'run',
        '--target',
        target,
        '--property',
        'trading-venue',
        '--runs',
        '1',
        '--no-replays',
        '--out',
        tempDir(),
        '--log-level',
        'error',
      ],
      { env: { SHAKEDOWN_LOCK_DIR: lockDir } },
    );
    expect(run.stderr).not.toContain('SHK_LOCKED');
    expect(run.status, run.stderr).toBe(0);
  } finally {
    held.release();
  }
});
