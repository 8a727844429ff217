import type { Fault } from '../../core/faults/fault.ts';
import { faultProblem } from '../../core/faults/fault-problem.ts';
import type { FieldProblem } from '../../core/model/domain-pack.ts';
import { MARKET_ACCOUNTS, STATE_CORRUPTIONS } from './bot-action.ts';
import { SUBJECT_INTENT_TYPES } from './subject.ts';

type Value = Record<string, unknown>;

const isRecord = (v: unknown): v is Value => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

function need(
  value: Value,
  field: string,
  ok: (v: unknown) => boolean,
  what: string,
): FieldProblem | undefined {
  return ok(value[field]) ? undefined : { field, problem: `must be ${what}` };
}

function intentProblem(intent: unknown): FieldProblem | undefined {
  if (!isRecord(intent)) return { field: 'intent', problem: 'must be an object' };
  if (!(SUBJECT_INTENT_TYPES as readonly unknown[]).includes(intent.type))
    return { field: 'intent.type', problem: `must be one of ${SUBJECT_INTENT_TYPES.join(', ')}` };
  if (typeof intent.id !== 'string' || intent.id === '')
    return { field: 'intent.id', problem: 'must be a non-empty string' };
  const p = (field: string, ok: (v: unknown) => boolean, what: string): FieldProblem | undefined => {
    const problem = need(intent, field, ok, what);
    return problem ? { field: `intent.${problem.field}`, problem: problem.problem } : undefined;
  };
  const optionalNum = (v: unknown): boolean => v === undefined || num(v);
  switch (intent.type) {
    case 'enter':
      return (
        p('side', (v) => v === 'buy' || v === 'sell', 'buy or sell') ??
        p('qty', num, 'a number') ??
        p('price', optionalNum, 'a number')
      );
    case 'exit':
      return p('qty', optionalNum, 'a number') ?? p('price', optionalNum, 'a number');
    case 'set_grid':
      return (
        p('center', num, 'a number') ??
        p('step', num, 'a number') ??
        p('levels', num, 'a number') ??
        p('qty', num, 'a number')
      );
    case 'mark':
      return p('price', num, 'a number');
    case 'set_params':
      return p('params', isRecord, 'an object');
    default:
      return undefined;
  }
}

/** Checks one bots action read from a file: its kind, client and the fields that kind needs. */
export function validateBotAction(value: unknown): FieldProblem | undefined {
  if (!isRecord(value)) return { field: '', problem: 'must be an object' };
  const account = (v: unknown): boolean => (MARKET_ACCOUNTS as readonly unknown[]).includes(v);
  switch (value.kind) {
    case 'intent':
      return need(value, 'client', (v) => v === 'subject', '"subject"') ?? intentProblem(value.intent);
    case 'restart':
      return (
        need(value, 'downMs', (v) => num(v) && (v as number) >= 0, 'a number >= 0') ??
        need(
          value,
          'corrupt',
          (v) => v === undefined || (STATE_CORRUPTIONS as readonly unknown[]).includes(v),
          STATE_CORRUPTIONS.join(' or '),
        )
      );
    case 'market_place':
      return (
        need(value, 'account', account, MARKET_ACCOUNTS.join(' or ')) ??
        need(value, 'side', (v) => v === 'buy' || v === 'sell', 'buy or sell') ??
        need(value, 'price', num, 'a number') ??
        need(value, 'qty', num, 'a number') ??
        need(value, 'tif', (v) => v === 'gtc' || v === 'ioc', 'gtc or ioc') ??
        need(value, 'clientOrderId', (v) => typeof v === 'string', 'a string')
      );
    case 'market_cancel':
      return (
        need(value, 'account', account, MARKET_ACCOUNTS.join(' or ')) ??
        need(value, 'clientOrderId', (v) => typeof v === 'string', 'a string')
      );
    case 'mark':
      return need(value, 'price', num, 'a number');
    case 'venue_mode':
      return need(value, 'modes', isRecord, 'an object');
    case 'fault': {
      if (!isRecord(value.fault)) return { field: 'fault', problem: 'must be an object' };
      const problem = faultProblem(value.fault as unknown as Fault);
      return problem === undefined ? undefined : { field: 'fault', problem };
    }
    default:
      return {
        field: 'kind',
        problem: 'must be intent, restart, market_place, market_cancel, mark, venue_mode or fault',
      };
  }
}
