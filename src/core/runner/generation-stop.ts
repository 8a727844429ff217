/**
 * fast-check has no "stop here": a check runs to numRuns or to the first failure, generating
 * every skipped run on the way. A campaign that must stop early (its time share spent, or a
 * failure already found by a worker) reports one induced failure, which, with `endOnFailure`,
 * ends the check at once. That check's result is not a failure of the property, and the
 * caller does not read it as one.
 */
export class GenerationStop {
  private requested = false;
  private answered = false;

  request(): void {
    this.requested = true;
  }

  get isRequested(): boolean {
    return this.requested;
  }

  /** The predicate's answer once stopping: false the first time, true after (if ever asked). */
  answer(): boolean {
    if (this.answered) return true;
    this.answered = true;
    return false;
  }
}
