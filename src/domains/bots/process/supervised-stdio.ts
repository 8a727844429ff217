import type { Readable, Writable } from 'node:stream';
import type { ProcessExit, ProcessSupervisor } from '../../../core/process/process-supervisor.ts';

/** The pipes of a supervised child that a line protocol runs on, and its end. */
export interface ChildPipes {
  stdin: Writable;
  stdout: Readable;
  /** Resolves once the child has exited, however. */
  exited: Promise<ProcessExit>;
}

/**
 * The stdin and stdout of the child a supervisor has just spawned, and its exit. Call it in the
 * same tick as `start()`, which spawns synchronously, so no stdout chunk is missed. Undefined
 * when no child runs or it has no pipes.
 */
export function supervisedPipes(supervisor: ProcessSupervisor): ChildPipes | undefined {
  if (!supervisor.running) return undefined;
  const child = supervisor.child;
  if (child?.stdin == null || child.stdout == null) return undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { stdin: child.stdin, stdout: child.stdout, exited };
}
