import { type Observable, of } from 'rxjs';
import type { Reply } from '../model/client.ts';
import type { Target } from '../model/target.ts';
import type { FaultAction } from './fault.ts';
import { faultProblem } from './fault-problem.ts';

/**
 * Hands a fault action to the target, which owns links, connections and processes. A fault
 * that is malformed, or that the target cannot inject, is answered with a `fail` reply (data,
 * not an exception), and the `faults.applied` check turns that into a finding.
 */
export function injectFault<R>(
  target: Target<never, unknown, R>,
  action: FaultAction,
  step: number,
): Observable<Reply<R>> {
  const problem = faultProblem(action.fault);
  if (problem !== undefined) return of({ status: 'fail', code: 'SHK_FAULT_INVALID', message: problem });
  if (!target.inject)
    return of({
      status: 'fail',
      code: 'SHK_FAULT_UNSUPPORTED',
      message: `target ${target.name} cannot inject faults`,
    });
  return target.inject(action.fault, action.client, step) as Observable<Reply<R>>;
}
