/** The options of `diff` as commander parses them (diff-command.ts declares them, diff-action.ts acts on them). */
export interface DiffFlags {
  domain: string;
  target: string;
  against?: string;
  subject?: string;
  againstSubject?: string;
  bug: string[];
  againstBug: string[];
  property: string;
  seed?: number;
  runs: number;
  timeBudget: number;
  shrinkAttempts?: number;
  shrinkBudget?: number;
  maxActions?: number;
  config?: string;
  out: string;
  json?: boolean;
  logLevel: string;
}
