/**
 * `node feeds-server-main.ts [--host H] [--port P] [--config-json JSON] [--bug NAME]...
 * [--genesis-at MS]`: the reference feeds system as a process of its own, for faults that kill
 * or pause it (startFeedsProxyProcess runs it). Prints its URL as the first stdout line, stops
 * on SIGTERM or SIGINT, and exits when its parent's pipe closes (SHAKEDOWN_PARENT_PIPE=1).
 */
import { parseArgs } from 'node:util';
import { isFeedsBugName } from '../../domains/feeds/protocol/feeds-bugs.ts';
import {
  defaultFeedsConfig,
  type FeedsConfig,
  validateFeedsConfig,
} from '../../domains/feeds/protocol/feeds-config.ts';
import { startFeedsServer } from './feeds-server.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'config-json': { type: 'string' },
    bug: { type: 'string', multiple: true, default: [] },
    'genesis-at': { type: 'string' },
  },
});

const config: FeedsConfig = validateFeedsConfig({
  ...defaultFeedsConfig(),
  ...(values['config-json'] !== undefined ? (JSON.parse(values['config-json']) as Partial<FeedsConfig>) : {}),
});
const bugs = (values.bug ?? []).map((name) => {
  if (!isFeedsBugName(name)) throw new Error(`unknown feeds bug ${name}`);
  return name;
});
const running = await startFeedsServer({
  host: values.host,
  port: Number(values.port),
  config,
  bugs,
  ...(values['genesis-at'] !== undefined ? { genesisAt: Number(values['genesis-at']) } : {}),
});
process.stdout.write(`${running.url}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 2_000).unref();
  void running.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
if (process.env.SHAKEDOWN_PARENT_PIPE === '1') {
  // The parent holds our stdin open and never writes: its end means the parent is gone.
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.on('error', stop);
  process.stdin.on('data', () => {});
  process.stdin.resume();
}
