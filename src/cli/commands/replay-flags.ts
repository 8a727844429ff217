/** The options of `replay` as commander parses them (replay-command.ts declares them, replay-action.ts acts on them). */
export interface ReplayFlags {
  domain: string;
  subject?: string;
  eventsOnly?: boolean;
  shuffle?: string | boolean;
  shuffleSeed: number;
  /** The seed of a subject's shuffled replay (--events-only --shuffle; else --shuffle-seed). */
  seed?: number;
  target?: string;
  config?: string;
  json?: boolean;
  runTimeout: number;
}
