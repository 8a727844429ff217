/** The options of `soak` as commander parses them (soak-command.ts declares them, soak-action.ts acts on them). */
export interface SoakFlags {
  domain: string;
  /** `--subject`: the program under test (bots domain), soaked instead of the in-process target. */
  subject?: string;
  duration: number;
  seed?: number;
  property: string[];
  bug: string[];
  faults: string[];
  progressEvery: number;
  shrinkAttempts?: number;
  shrinkBudget?: number;
  out: string;
  json?: boolean;
  workers?: number;
}
