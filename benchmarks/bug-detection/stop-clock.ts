/**
 * The wall clock handed to runCampaign, with an off switch. runCampaign cannot be told to stop
 * once something failed, and its later properties would spend the rest of the budget for
 * nothing; it reads time only through the injected clock, for budgets. Once stopped, every read
 * jumps a day ahead, so the property under way sees its share spent before its next run and
 * the ones after it see no budget left. Stop it only after shrinking is done (shrinking reads
 * the same clock for its own budget).
 */
export class StopClock {
  private offset = 0;
  private stopped = false;

  readonly now = (): number => {
    if (this.stopped) this.offset += 86_400_000;
    return performance.now() + this.offset;
  };

  stop(): void {
    this.stopped = true;
  }
}
