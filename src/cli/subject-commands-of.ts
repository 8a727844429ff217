import type { ActionBase } from '../core/model/action.ts';
import type { AnyDomainPack, TargetSpec } from '../core/model/domain-pack.ts';
import type { RecordedEvent } from '../core/model/evidence.ts';
import type { Property } from '../core/model/property.ts';

/**
 * What a domain whose system under test is a client program (bots: `--subject`) offers the
 * CLI beyond the generic commands, as the CLI sees it: the pack's `subjectCommands` field,
 * read by shape so that the CLI names no domain (the bots pack declares it in
 * src/domains/bots/subject-commands.ts).
 */
export interface CliSubjectCommands {
  /** The names `--bug` accepts for this subject (undefined: any name, the subject decides). */
  plantedBugsOf(spec: TargetSpec): Promise<readonly string[] | undefined>;
  replayEvents(request: {
    spec: TargetSpec;
    events: readonly RecordedEvent<unknown>[];
    snapshot: unknown;
    bugs: readonly string[];
    shuffle: boolean;
    seed: number;
  }): Promise<{
    status: 'converged' | 'diverged' | 'unsupported';
    line: string;
    events: number;
    firstDifference?: { path: string; left: unknown; right: unknown };
    reason?: string;
  }>;
  diff(request: {
    left: { spec: TargetSpec; name: string; bugs: readonly string[] };
    right: { spec: TargetSpec; name: string; bugs: readonly string[] };
    property: Property<never>;
    seed: number;
    runs: number;
    maxActions?: number;
  }): Promise<{
    runs: number;
    shrinks: number;
    divergence?: {
      actions: ActionBase[];
      divergence: { kind: string; message: string; index?: number };
    };
  }>;
}

/** The pack's subject commands, when it has them (bots); undefined for any other domain. */
export function subjectCommandsOf(pack: AnyDomainPack): CliSubjectCommands | undefined {
  const commands = (pack as { subjectCommands?: unknown }).subjectCommands;
  if (typeof commands !== 'object' || commands === null) return undefined;
  const c = commands as Partial<CliSubjectCommands>;
  return typeof c.plantedBugsOf === 'function' &&
    typeof c.replayEvents === 'function' &&
    typeof c.diff === 'function'
    ? (commands as CliSubjectCommands)
    : undefined;
}
