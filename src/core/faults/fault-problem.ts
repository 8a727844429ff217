import {
  CLOCK_EFFECTS,
  CONNECTION_EFFECTS,
  FRAME_DIRECTIONS,
  FRAME_EFFECTS,
  PROCESS_EFFECTS,
  RESPONSE_EFFECTS,
} from './fault.ts';

const EFFECTS: Record<string, readonly string[]> = {
  frame: FRAME_EFFECTS,
  connection: CONNECTION_EFFECTS,
  response: RESPONSE_EFFECTS,
  process: PROCESS_EFFECTS,
  clock: CLOCK_EFFECTS,
};

/** Numeric fields of each family: required ones, then optional ones. */
const NUMBERS: Record<string, { required: string[]; optional: string[] }> = {
  frame: { required: ['count'], optional: ['delayMs', 'jitterMs', 'holdFor', 'seed'] },
  connection: { required: ['downMs'], optional: ['times', 'intervalMs'] },
  response: { required: ['nth', 'count'], optional: ['every', 'retryAfterMs'] },
  process: { required: ['downMs'], optional: [] },
  clock: { required: ['ms'], optional: [] },
};

/**
 * What is wrong with a fault read from outside (a replay file, an adapter), or undefined when
 * it is sound. One line naming the field, so a hand-edited file gets a usable message.
 */
export function faultProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  const fault = value as Record<string, unknown>;
  const type = fault.type;
  if (typeof type !== 'string' || !(type in EFFECTS)) {
    return `type must be one of ${Object.keys(EFFECTS).join(', ')}, got ${JSON.stringify(type)}`;
  }
  if (typeof fault.effect !== 'string' || !EFFECTS[type].includes(fault.effect)) {
    return `effect of a ${type} fault must be one of ${EFFECTS[type].join(', ')}, got ${JSON.stringify(fault.effect)}`;
  }
  if (type === 'frame' && !FRAME_DIRECTIONS.includes(fault.direction as never)) {
    return `direction must be one of ${FRAME_DIRECTIONS.join(', ')}, got ${JSON.stringify(fault.direction)}`;
  }
  const { required, optional } = NUMBERS[type];
  for (const name of [...required, ...optional]) {
    const n = fault[name];
    if (n === undefined && optional.includes(name)) continue;
    // A clock may jump back; every other number is a count or a duration.
    const min = name === 'ms' ? Number.NEGATIVE_INFINITY : 0;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min) {
      return `${name} must be a ${min === 0 ? 'non-negative ' : ''}finite number, got ${JSON.stringify(n)}`;
    }
  }
  if (fault.afterEffect !== undefined && typeof fault.afterEffect !== 'boolean') {
    return `afterEffect must be true or false, got ${JSON.stringify(fault.afterEffect)}`;
  }
  return undefined;
}
