/**
 * A line kept at the bottom of the terminal (the progress bar) that log lines must go above.
 */
export interface BottomLine {
  /** Takes the line off the screen: the cursor at the start of an empty line. */
  clear(): void;
  /** Draws it again, below whatever was written since `clear`. */
  redraw(): void;
}

/**
 * Where log lines are written: a pino destination (a stream with a synchronous `write`). While a
 * bottom line is drawn on the same stream, each write clears it, writes the log text and draws
 * it again below: a log line never breaks into the progress bar, and the bar never covers one.
 */
export class LogOutput {
  private bottom: BottomLine | undefined;

  constructor(readonly stream: NodeJS.WritableStream & { isTTY?: boolean }) {}

  /** Keeps log lines above `line` until the returned function is called. */
  keepAbove(line: BottomLine): () => void {
    this.bottom = line;
    return () => {
      if (this.bottom === line) this.bottom = undefined;
    };
  }

  write(text: string): void {
    const bottom = this.bottom;
    if (!bottom) {
      this.stream.write(text);
      return;
    }
    bottom.clear();
    this.stream.write(text);
    bottom.redraw();
  }
}

/** The process's stderr, shared by every logger and the progress bar that draw on it. */
export const stderrLogs = new LogOutput(process.stderr);
