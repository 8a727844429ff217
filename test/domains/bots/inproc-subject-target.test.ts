import { describe, expect, it } from 'vitest';
import { createSubject } from '../../../examples/grid-bot/bot.ts';
import { botsBackoffAfter429 } from '../../../invariants/bots/backoff-after-429.ts';
import { executeRun } from '../../../src/core/runner/campaign.ts';
import type { BotAction } from '../../../src/domains/bots/bot-action.ts';
import { BOTS_CLIENTS } from '../../../src/domains/bots/bot-action.ts';
import type { BotEvent } from '../../../src/domains/bots/bot-event.ts';
import { botsProjection } from '../../../src/domains/bots/bots-projection.ts';
import { inprocSubjectFactory } from '../../../src/domains/bots/inproc-subject-factory.ts';
import { SUBJECT_CAPABILITIES } from '../../../src/domains/bots/subject-capabilities.ts';

const RUN: BotAction[] = [
  {
    kind: 'intent',
    client: 'subject',
    gapMs: 5,
    intent: { type: 'set_grid', id: 'g', center: 20000, step: 25, levels: 1, qty: 0.01 },
  },
  {
    kind: 'venue_mode',
    client: 'admin',
    gapMs: 5,
    modes: { rejectEntries: true, rejectExits: false, rejectCancels: false, partialFills: false },
  },
  { kind: 'restart', client: 'subject', gapMs: 5, downMs: 20 },
];

const run = () =>
  executeRun(inprocSubjectFactory({ factory: createSubject }) as never, RUN, {
    clients: BOTS_CLIENTS,
    projection: botsProjection as never,
    invariants: [botsBackoffAfter429 as never],
    settings: { maxActions: 30, requestTimeoutMs: 2000, quietMs: 150 },
  });

describe('an in-process subject target', () => {
  it("keeps boot 0's start, recorded in open() before the run listens, at the head of the subject's lane", async () => {
    const report = await run();
    const subject = report.evidence.events.filter((r) => r.client === 'subject');
    const first = subject[0]?.event as BotEvent | undefined;
    expect(first).toMatchObject({ type: 'started', boot: 0, corrupted: null });
    const starts = subject
      .filter((r) => (r.event as BotEvent).type === 'started')
      .map((r) => (r.event as { boot: number }).boot);
    expect(starts).toEqual([0, 1]);
  });

  it('says its wire has no skew, and applies the venue modes through the shared venue side', async () => {
    const report = await run();
    expect((report.evidence.extra as { wireSkewMs?: number }).wireSkewMs).toBe(0);
    const events = report.evidence.events.map((r) => r.event as BotEvent);
    expect(events.some((e) => e.type === 'modes' && e.modes.rejectEntries)).toBe(true);
    expect(SUBJECT_CAPABILITIES).toContain('subject-wire');
  });
});
