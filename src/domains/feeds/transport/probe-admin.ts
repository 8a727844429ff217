import WebSocket from 'ws';

/** How long the probe waits for the proxy to answer. */
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Whether the proxy at `url` answers the reference's admin methods: one socket (as client
 * `operator`), one `shakedown_config` request. True when it answers with a result; false when
 * it answers with an error (a proxy of your own, say: method not found), closes, or stays
 * silent for 3 s. A proxy that cannot be reached at all is false too; the run says why.
 */
export function probeFeedsAdmin(url: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let done = false;
    let socket: WebSocket | undefined;
    const finish = (answer: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket?.terminate();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(false), PROBE_TIMEOUT_MS);
    try {
      socket = new WebSocket(`${url}${url.includes('?') ? '&' : '?'}client=operator`, {
        perMessageDeflate: false,
      });
    } catch {
      finish(false);
      return;
    }
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.once('open', () =>
      socket?.send(
        JSON.stringify({ jsonrpc: '2.0', id: 'shakedown-probe', method: 'shakedown_config', params: [] }),
      ),
    );
    socket.on('message', (data) => {
      try {
        const frame = JSON.parse(data.toString()) as { id?: unknown; result?: unknown };
        if (frame.id === 'shakedown-probe') finish(frame.result !== undefined && frame.result !== null);
      } catch {
        // Not JSON: not an answer to the probe.
      }
    });
  });
}
