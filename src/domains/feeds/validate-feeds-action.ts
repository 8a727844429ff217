import { faultProblem } from '../../core/faults/fault-problem.ts';
import type { FieldProblem } from '../../core/model/domain-pack.ts';
import { describeValue, type FieldCheck, oneOf } from '../../core/replay/field-checks.ts';
import { FEEDS_ACTION_KINDS, FEEDS_SUBSCRIBERS, OPERATOR } from './feeds-action.ts';
import { UPSTREAM_CONTROLS } from './feeds-surface.ts';

type Check = FieldCheck;

const show = describeValue;

const aString: Check = (value) =>
  typeof value === 'string' && value !== '' ? undefined : `must be a non-empty string, got ${show(value)}`;
const anObject: Check = (value) =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? undefined
    : `must be an object, got ${show(value)}`;
const aCount: Check = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 0
    ? undefined
    : `must be a whole number, got ${show(value)}`;
const aBlock: Check = (value) =>
  typeof value === 'string' || (Number.isSafeInteger(value) && (value as number) >= 0)
    ? undefined
    : `must be a block number or a tag, got ${show(value)}`;

/** The first problem among `checks` on `record`, named by field (`prefix.field`). */
function first(
  record: Record<string, unknown>,
  checks: Record<string, Check>,
  optional: readonly string[] = [],
  prefix = '',
): FieldProblem | undefined {
  for (const [field, check] of Object.entries(checks)) {
    const value = record[field];
    if (value === undefined && optional.includes(field)) continue;
    const problem = check(value);
    if (problem !== undefined) return { field: `${prefix}${field}`, problem };
  }
  return undefined;
}

/**
 * The schema of a feeds action read from outside (a replay file), checked field by field so a
 * hand-edited or foreign file is refused with the field named: the kind, who may send it, its
 * required fields and their types (a log filter's own values are the proxy's to refuse).
 */
export function validateFeedsAction(value: unknown): FieldProblem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { field: '', problem: `an action must be an object, got ${show(value)}` };
  const action = value as Record<string, unknown>;
  const kind = oneOf(FEEDS_ACTION_KINDS)(action.kind);
  if (kind !== undefined) return { field: 'kind', problem: kind };
  const gap = aCount(action.gapMs);
  if (gap !== undefined) return { field: 'gapMs', problem: gap };
  const subscribers = oneOf(FEEDS_SUBSCRIBERS);
  switch (action.kind) {
    case 'subscribe':
      return first(
        action,
        { client: subscribers, channel: oneOf(['newHeads', 'logs']), tag: aString, filter: anObject },
        ['filter'],
      );
    case 'unsubscribe':
      return first(action, { client: subscribers, tag: aString });
    case 'eth_blockNumber':
      return first(action, { client: subscribers });
    case 'eth_getBlockByNumber':
      return first(action, { client: subscribers, block: aBlock });
    case 'eth_getLogs':
      return first(action, { client: subscribers, filter: anObject });
    case 'upstream': {
      const problem = first(action, { client: oneOf([OPERATOR]), control: anObject });
      if (problem !== undefined) return problem;
      const control = action.control as Record<string, unknown>;
      return first(control, { kind: oneOf(UPSTREAM_CONTROLS) }, [], 'control.');
    }
    case 'configure':
      return first(action, { client: oneOf([OPERATOR]), config: anObject });
    case 'fault': {
      const client = aString(action.client);
      if (client !== undefined) return { field: 'client', problem: client };
      const problem = faultProblem(action.fault);
      return problem === undefined ? undefined : { field: 'fault', problem };
    }
  }
  return undefined;
}
