import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shakedown, tempDirs } from '../support/cli.ts';

const tempDir = tempDirs('shakedown-subject-process-429-');

describe('shakedown run --subject "node examples/grid-bot/main.js" under 429s', () => {
  it('catches retry_at_once_after_429 with bots.backoff-after-429 (at most 6 runs); --no-replays exits 1, not 13', () => {
    // In a fresh working directory with the default --out (replays/), as the exit-13 report had it.
    const cwd = tempDir();
    const run = shakedown(
      [
        'run',
        '--subject',
        `node ${join(process.cwd(), 'examples/grid-bot/main.js')}`,
        '--seed',
        '1',
        '--property',
        'rate-limits',
        '--bug',
        'retry_at_once_after_429',
        '--runs',
        '6',
        '--shrink-attempts',
        '2',
        '--no-replays',
        '--log-level',
        'warn',
      ],
      { timeoutMs: 150_000, env: { GRID_BOT_BUGS: '' }, cwd },
    );
    expect(run.status, run.stderr + run.stdout).toBe(1);
    expect(run.stdout).toContain('[bots.backoff-after-429]');
    expect(readdirSync(join(cwd, 'replays')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  }, 150_000);
});
