import type { SchedulerLike, Subscription } from 'rxjs';
import type { Fault } from '../../../core/faults/fault.ts';
import type { FaultLog } from '../../../core/faults/fault-record.ts';
import type { Reply } from '../../../core/model/client.ts';

/** What process faults need of the system: the reference host's proxy process controls. */
export interface ProxyProcess {
  readonly proxyUp: boolean;
  crashProxy(): void;
  restartProxy(): void;
  pauseProxy(ms: number): void;
}

/**
 * Faults of the proxy's process, on the given scheduler (virtual in process, the wall clock
 * behind a socket): `process.crash_restart` kills it (every connection and subscription lost)
 * and starts a fresh one `downMs` later; `process.pause` stops it for `downMs` (frames wait).
 * Every kill is verified: one that leaves the proxy running is a failed fault
 * (`SHK_FAULT_MISSED`), never an ok.
 */
export class ProxyProcessFaults {
  private downUntil = Number.NEGATIVE_INFINITY;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private restart: Subscription | undefined;

  constructor(
    private readonly process: ProxyProcess,
    private readonly scheduler: SchedulerLike,
    private readonly log: FaultLog,
  ) {}

  inject(fault: Extract<Fault, { type: 'process' }>, client: string, step: number): Reply {
    const now = this.scheduler.now();
    if (!this.process.proxyUp || now < this.pausedUntil)
      return { status: 'ok', result: { fault: 'the proxy is not running: nothing to do' } };
    if (fault.effect === 'pause') {
      this.process.pauseProxy(fault.downMs);
      this.pausedUntil = now + fault.downMs;
      this.log.hit(step, client, 'process.pause', now, { downMs: fault.downMs });
      return { status: 'ok', result: { fault: `proxy paused for ${fault.downMs} ms` } };
    }
    this.process.crashProxy();
    if (this.process.proxyUp)
      return {
        status: 'fail',
        code: 'SHK_FAULT_MISSED',
        message: 'process.crash_restart: the proxy is still running after the kill',
      };
    this.downUntil = now + fault.downMs;
    this.log.hit(step, client, 'process.crash_restart', now, { downMs: fault.downMs });
    this.restart = this.scheduler.schedule(() => {
      this.restart = undefined;
      if (!this.process.proxyUp) this.process.restartProxy();
    }, fault.downMs);
    return { status: 'ok', result: { fault: `proxy killed; restarts in ${fault.downMs} ms` } };
  }

  /** Neither down nor paused. */
  settled(): boolean {
    const now = this.scheduler.now();
    return now >= this.downUntil && now >= this.pausedUntil;
  }

  stop(): void {
    this.restart?.unsubscribe();
    this.restart = undefined;
  }
}
