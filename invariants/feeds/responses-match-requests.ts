import type { CheckTally, Invariant, Violation } from '../../src/core/model/invariant.ts';
import { type CallAction, type FeedsAction, isCallAction } from '../../src/domains/feeds/feeds-action.ts';
import type { FeedsEvidence } from '../../src/domains/feeds/feeds-evidence.ts';
import { type Log, logMatchesFilter } from '../../src/domains/feeds/protocol/chain-types.ts';
import type { FeedsSnapshot } from '../../src/domains/feeds/protocol/feeds-snapshot.ts';
import { fromHexQuantity } from '../../src/domains/feeds/protocol/hex-quantity.ts';
import { JSON_RPC_ERRORS } from '../../src/domains/feeds/protocol/json-rpc.ts';
import { type FeedsRecord, knownBlocks, truthOf } from './support/feeds-records.ts';
import { linkExcuses } from './support/link-chaos-excuses.ts';
import { violation } from './support/violation.ts';

const NAME = 'responses.match-requests';

type Blocks = ReturnType<typeof knownBlocks>;

/** What is wrong with an answer to `action`, or undefined when it fits the request and the chain. */
function problem(
  action: CallAction,
  result: unknown,
  blocks: Blocks | undefined,
  top: number,
): string | undefined {
  switch (action.kind) {
    case 'eth_blockNumber': {
      const n = fromHexQuantity(result);
      if (n === undefined)
        return `eth_blockNumber answered ${JSON.stringify(result)?.slice(0, 80)}, not a quantity`;
      if (blocks !== undefined && n > top)
        return `eth_blockNumber answered ${n}, above any block the system made (${top})`;
      return undefined;
    }
    case 'eth_getBlockByNumber': {
      if (result === null)
        return action.block === 'earliest' ? 'the earliest block came back null' : undefined;
      if (typeof result !== 'object' || Array.isArray(result))
        return `eth_getBlockByNumber answered ${JSON.stringify(result)?.slice(0, 80)}`;
      const head = result as { number?: unknown; hash?: unknown };
      const n = fromHexQuantity(head.number);
      const asked =
        action.block === 'earliest' ? 0 : typeof action.block === 'number' ? action.block : undefined;
      if (n === undefined) return 'eth_getBlockByNumber answered a block without a number';
      if (asked !== undefined && n !== asked) return `asked for block ${asked}, answered block #${n}`;
      const known = blocks?.get(String(head.hash));
      if (blocks !== undefined && (known === undefined || known.number !== n))
        return `answered block #${n} ${String(head.hash).slice(0, 10)}, which no chain of the system had`;
      return undefined;
    }
    case 'eth_getLogs': {
      if (!Array.isArray(result))
        return `eth_getLogs answered ${JSON.stringify(result)?.slice(0, 80)}, not a list`;
      const { fromBlock, toBlock } = action.filter;
      for (const log of result as Log[]) {
        const n = fromHexQuantity(log?.blockNumber);
        if (n === undefined) return 'eth_getLogs answered a log without a block number';
        if (typeof fromBlock === 'number' && n < fromBlock)
          return `eth_getLogs from ${fromBlock} answered a log of block ${n}`;
        if (typeof toBlock === 'number' && n > toBlock)
          return `eth_getLogs to ${toBlock} answered a log of block ${n}`;
        if (!logMatchesFilter(log, action.filter))
          return `eth_getLogs answered a log that does not match its filter`;
        const known = blocks?.get(String(log.blockHash));
        if (blocks !== undefined && (known === undefined || known.number !== n))
          return `eth_getLogs answered a log of block ${String(log.blockHash).slice(0, 10)}, which no chain had`;
      }
      return undefined;
    }
  }
}

function highest(snapshot: FeedsSnapshot | undefined): number {
  let top = -1;
  if (snapshot === undefined) return top;
  for (const chain of [snapshot.network, ...snapshot.upstreams])
    for (const block of chain.canonical) top = Math.max(top, block.number);
  return top;
}

/**
 * Every response answers the request whose id it carries, with that request's kind of result
 * and a chain state the system really had: a block number no higher than any chain reached, the
 * block asked for (a known hash at that number), logs in the asked range that match the filter
 * and come from known blocks, a subscription id for eth_subscribe, a boolean for
 * eth_unsubscribe; a call with bad params is refused as such. No client gets a response to
 * nothing it asked, or a second answer to one request (unless its link doubled frames).
 */
export const responsesMatchRequests: Invariant<FeedsEvidence> = {
  name: NAME,
  description:
    "every response matches its request id, its method and a known chain state; no client gets another client's answers",
  counts: 'responses',
  check(evidence: FeedsEvidence, tally?: CheckTally): Violation[] {
    const out: Violation[] = [];
    const snapshot = truthOf(evidence);
    const blocks = snapshot === undefined ? undefined : knownBlocks(snapshot);
    const top = highest(snapshot);
    const excuses = linkExcuses(evidence);
    let checked = 0;
    for (const op of evidence.history ?? []) {
      const action = op.action as FeedsAction;
      const reply = op.reply;
      if (reply === undefined || reply.status === 'info') continue;
      let why: string | undefined;
      if (isCallAction(action)) {
        checked++;
        if (action.expectRefusal) {
          if (reply.status === 'ok') why = `${action.kind} with bad params was answered ok`;
          else if (reply.code !== String(JSON_RPC_ERRORS.invalidParams))
            why = `${action.kind} with bad params was refused with ${reply.code}, not invalid params`;
        } else if (reply.status === 'ok') why = problem(action, reply.result, blocks, top);
      } else if (action.kind === 'subscribe' && reply.status === 'ok') {
        checked++;
        if (typeof reply.result !== 'string' || !/^0x[0-9a-f]+$/i.test(reply.result))
          why = `eth_subscribe answered ${JSON.stringify(reply.result)?.slice(0, 80)}, not a subscription id`;
      } else if (action.kind === 'unsubscribe' && reply.status === 'ok') {
        checked++;
        if (typeof reply.result !== 'boolean')
          why = `eth_unsubscribe answered ${JSON.stringify(reply.result)?.slice(0, 80)}, not a boolean`;
      }
      if (why !== undefined)
        out.push(violation(NAME, `step ${op.step} (${op.client}): ${why}`, [], [op.step]));
    }
    for (const rec of (evidence.events ?? []) as FeedsRecord[]) {
      if (rec.event?.type !== 'stray_response') continue;
      checked++;
      if (excuses(rec.client).answeredTwice()) continue;
      out.push(
        violation(
          NAME,
          `${rec.client} got a response with id ${String(rec.event.id)} it had no request waiting for (another client's answer, or a second one): ${JSON.stringify(rec.event.response).slice(0, 120)}`,
          [rec],
        ),
      );
    }
    tally?.count(checked);
    return out;
  },
};
