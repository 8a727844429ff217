import { describe, expect, it } from 'vitest';
import { botsControlChannel } from '../../../../invariants/bots/control-channel.ts';
import type { BotsEvidence } from '../../../../invariants/bots/index.ts';
import { ghostFills } from '../../../../properties/bots/ghost-fills.ts';
import { runProcessCampaign, TEST_TIMEOUT_MS } from './support/process-campaign.ts';

/** A scripted node subject (support/scripted-subject.mjs) in one of its modes. */
const scripted = (mode: string): string =>
  `${JSON.stringify(process.execPath)} test/domains/bots/process/support/scripted-subject.mjs ${mode}`;

/** Evidence with nothing but an extra record. */
const evidenceWith = (extra: unknown): BotsEvidence =>
  ({ history: [], events: [], snapshot: undefined, extra }) as unknown as BotsEvidence;

const problem = (line: string) => ({
  code: 'SHK_SUBJECT_BAD_LINE' as const,
  line,
  why: 'not JSON',
  time: 0,
});

describe('bots.control-channel', () => {
  it('fails a run whose subject wrote lines the channel could not use, naming them', () => {
    let counted = 0;
    const found = botsControlChannel.check(
      evidenceWith({ process: { starts: 2, problems: [problem('hello from print()')] } }),
      { count: (n = 1) => (counted += n) },
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('"hello from print()"');
    expect(found[0]?.message).toContain('SHK_SUBJECT_BAD_LINE');
    expect(counted).toBe(2);
  });

  it('passes a clean channel, and says nothing in process (no channel there)', () => {
    let counted = 0;
    const tally = { count: (n = 1) => (counted += n) };
    expect(botsControlChannel.check(evidenceWith({ process: { starts: 1, problems: [] } }), tally)).toEqual(
      [],
    );
    expect(counted).toBe(1);
    counted = -1;
    expect(botsControlChannel.check(evidenceWith({ wireSkewMs: 0 }), tally)).toEqual([]);
    expect(counted).toBe(-1);
  });

  // The two campaigns run at once: each run has its own venue, relay, state directory and
  // subject process, and a scripted subject's runs wait on the real clock, not on the CPU.
  it.concurrent(
    'catches a process subject that prints stray lines, found and shrunk',
    async ({ expect }) => {
      const { result } = await runProcessCampaign({
        command: scripted('bad-lines'),
        property: ghostFills,
        runs: 2,
        seed: 5,
        invariants: ['bots.control-channel'],
        shrinkAttempts: 2,
      });
      const failure = result.properties[0]?.failure;
      expect(failure, 'the bad lines were not caught').toBeDefined();
      const violations = failure?.report.verdict.status === 'fail' ? failure.report.verdict.violations : [];
      expect(violations.map((v) => v.invariant)).toEqual(['bots.control-channel']);
      expect(violations[0]?.message).toContain('not a channel line, answering');
    },
    TEST_TIMEOUT_MS,
  );

  it.concurrent(
    'passes the quiet scripted subject, whose every line is the channel’s',
    async ({ expect }) => {
      const { result, tally } = await runProcessCampaign({
        command: scripted('quiet'),
        property: ghostFills,
        runs: 2,
        seed: 5,
        invariants: ['bots.control-channel'],
      });
      expect(result.properties[0]?.failure?.report.verdict).toBeUndefined();
      expect(tally.problems).toEqual([]);
      expect(tally.starts).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );
});
