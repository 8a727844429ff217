/**
 * A subject run as a separate process, in any language (docs/bots.md): the control channel on
 * its stdin/stdout, its supervision (start, SIGKILL, restart, stop), the relay that records its
 * wire, the target and factory that run it against the reference exchange through the chaos
 * proxy, and the other end of the channel for a subject written against the in-process contract.
 */
export { ControlChannel, type ControlChannelOptions, type ControlProblem } from './control-channel.ts';
export { CONTROL_OPS, type ControlOp, parseControlLine, READY_LINE } from './control-messages.ts';
export { corruptStateDir } from './corrupt-state-dir.ts';
export { DirectoryStateStore } from './directory-state-store.ts';
export { type ProcessSubjectTuning, processSubjectFactory } from './process-subject-factory.ts';
export {
  createProcessSubjectTarget,
  type ProcessSubjectTargetOptions,
  WIRE_SKEW_MS,
} from './process-subject-target.ts';
export {
  contextFromEnv,
  EXIT_CRASHED,
  EXIT_REFUSED_START,
  serveSubjectOnStdio,
  serveSubjectProcess,
} from './serve-subject.ts';
export { SubjectProcess, type SubjectProcessOptions, type SubjectProcessRecord } from './subject-process.ts';
export { type SubjectRelay, startSubjectRelay } from './subject-relay.ts';
