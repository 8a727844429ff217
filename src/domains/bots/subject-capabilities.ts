import type { Capability } from '../../core/model/capabilities.ts';

/**
 * What a subject's target provides in either form, in process or as a process: its wire
 * (`subject-wire`), its sampled state (`subject-state`), kills and restarts
 * (`subject-restart`), its declared checks (`subject-declared`) and the venue's truth about
 * its account (`venue-truth`): everything the client invariants judge.
 */
export const SUBJECT_CAPABILITIES: readonly Capability[] = [
  'subject-wire',
  'subject-state',
  'subject-restart',
  'subject-declared',
  'venue-truth',
];

/** A subject that is a process speaks a control channel on its stdin and stdout (bots.control-channel judges it). */
export const CONTROL_CHANNEL_CAPABILITY: Capability = 'subject-control-channel';

/** What a process subject's target provides: the above and its control channel. */
export const PROCESS_SUBJECT_CAPABILITIES: readonly Capability[] = [
  ...SUBJECT_CAPABILITIES,
  CONTROL_CHANNEL_CAPABILITY,
];

/** Every capability a bots target may declare (the pack's list: anything else is warned about). */
export const BOTS_CAPABILITIES: readonly Capability[] = PROCESS_SUBJECT_CAPABILITIES;
