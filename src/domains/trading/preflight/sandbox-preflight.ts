import WebSocket from 'ws';
import { EXIT, ShakedownError } from '../../../core/shakedown-error.ts';
import type { ExchangeConfig } from '../../../exchange/config/exchange-config.ts';
import { tradingRequest } from '../transport/trading-request.ts';

export interface PreflightCheck {
  name: string;
  account: string;
  symbol: string;
  /** rejected: refused by the symbol rule; inconclusive: refused for another reason, which proves nothing. */
  outcome: 'rejected' | 'accepted' | 'inconclusive' | 'no_reply';
  reason?: string;
}

export interface PreflightReport {
  passed: boolean;
  checks: PreflightCheck[];
}

export interface PreflightOptions {
  url: string;
  sandboxPrefix: string;
  /** The venue's accounts (with keys) and instruments: which to probe. */
  config: ExchangeConfig;
  timeoutMs?: number;
}

/**
 * Fail-closed preflight for a venue the tool did not start: before any order of a campaign,
 * prove that the sandbox is sealed both ways. A sandbox account must be refused on a live
 * symbol, and a live account on a sandbox symbol. A probe order that is accepted is cancelled
 * at once and the run is aborted. This is an I/O edge: real sockets and real timers.
 */
export async function runSandboxPreflight(options: PreflightOptions): Promise<PreflightReport> {
  const { config, sandboxPrefix } = options;
  const isSandbox = (symbol: string) => symbol.startsWith(sandboxPrefix);
  const sandboxAccount = config.accounts.find((a) => a.sandbox);
  const liveAccount = config.accounts.find((a) => !a.sandbox);
  const sandboxSymbol = config.instruments.find((i) => isSandbox(i.symbol));
  const liveSymbol = config.instruments.find((i) => !isSandbox(i.symbol));
  if (!sandboxAccount || !liveAccount || !sandboxSymbol || !liveSymbol)
    throw new ShakedownError(
      'SHK_PREFLIGHT_UNCONFIGURED',
      `preflight needs a sandbox and a non-sandbox account, and a symbol inside and one outside the sandbox prefix ${JSON.stringify(sandboxPrefix)}; describe them in the --config file`,
      { exitCode: EXIT.usage },
    );
  const checks: PreflightCheck[] = [];
  checks.push(
    await probe(
      options,
      'sandbox account on a live symbol',
      sandboxAccount.id,
      sandboxAccount.key,
      liveSymbol,
    ),
  );
  checks.push(
    await probe(options, 'live account on a sandbox symbol', liveAccount.id, liveAccount.key, sandboxSymbol),
  );
  return { passed: checks.every((c) => c.outcome === 'rejected'), checks };
}

const OUTCOME_WORDS: Record<PreflightCheck['outcome'], string> = {
  rejected: 'refused',
  accepted: 'accepted',
  inconclusive: 'refused for another reason, which proves nothing',
  no_reply: 'not answered',
};

/** The error that aborts the run: which check leaked, with exit 3. */
export function preflightError(report: PreflightReport, url: string): ShakedownError {
  const leaks = report.checks
    .filter((c) => c.outcome !== 'rejected')
    .map(
      (c) =>
        `${c.name}: ${c.account} on ${c.symbol} was ${OUTCOME_WORDS[c.outcome]}${c.reason ? ` (${c.reason})` : ''}`,
    );
  return new ShakedownError(
    'SHK_PREFLIGHT_LEAKY_SANDBOX',
    `preflight: the sandbox of ${url} is not isolated (${leaks.join('; ')}); nothing was run`,
    { exitCode: EXIT.unreachable, context: { checks: report.checks } },
  );
}

type Instrument = ExchangeConfig['instruments'][number];

/** Only a refusal by the symbol rule proves the seal; any other reason leaves the question open. */
const SYMBOL_RULE_REASONS = new Set(['forbidden_symbol', 'unknown_symbol']);

async function probe(
  options: PreflightOptions,
  name: string,
  account: string,
  key: string,
  instrument: Instrument,
): Promise<PreflightCheck> {
  const session = await Session.open(options.url, options.timeoutMs ?? 5000);
  try {
    const login = await session.request({ id: 'preflight-login', type: 'login', key });
    if (!login.ok)
      return {
        name,
        account,
        symbol: instrument.symbol,
        outcome: 'rejected',
        reason: `login: ${login.code}`,
      };
    // A small buy well inside the price band: only the sandbox rule may refuse it.
    const ticks = Math.max(
      1,
      Math.floor((instrument.markPrice * instrument.bandPct) / 2 / instrument.tickSize),
    );
    const price = Number((instrument.markPrice - ticks * instrument.tickSize).toFixed(10));
    // Unique per probe (the wall clock is fine at this edge): a reused id would be refused as a
    // duplicate, which says nothing about the sandbox.
    const clientOrderId = `preflight-${account}-${Date.now().toString(36)}`;
    const place = tradingRequest(
      {
        kind: 'place',
        client: 'maker',
        gapMs: 0,
        symbol: instrument.symbol,
        side: 'buy',
        orderType: 'limit',
        price,
        qty: instrument.minQty,
        clientOrderId,
      },
      0,
      new Map(),
    );
    const placed = await session.request({ ...place, id: 'preflight-place' });
    if (placed.ok) {
      // Leave nothing behind on a venue that leaked.
      await session.request({ id: 'preflight-cancel', type: 'cancel', clientOrderId }).catch(() => undefined);
      return { name, account, symbol: instrument.symbol, outcome: 'accepted' };
    }
    const proof = placed.code !== undefined && SYMBOL_RULE_REASONS.has(placed.code);
    return {
      name,
      account,
      symbol: instrument.symbol,
      outcome: proof ? 'rejected' : 'inconclusive',
      reason: placed.code,
    };
  } catch (error) {
    if (error instanceof ShakedownError && error.code === 'SHK_PREFLIGHT_UNREACHABLE') throw error;
    return {
      name,
      account,
      symbol: instrument.symbol,
      outcome: 'no_reply',
      reason: (error as Error).message,
    };
  } finally {
    session.close();
  }
}

/** One WebSocket session speaking the reference protocol, request by request. */
class Session {
  private readonly waiting = new Map<string, (reply: { ok: boolean; code?: string }) => void>();

  private constructor(
    private readonly socket: WebSocket,
    private readonly timeoutMs: number,
  ) {
    socket.on('message', (data) => {
      let frames: unknown;
      try {
        frames = JSON.parse(String(data));
      } catch {
        return;
      }
      for (const frame of Array.isArray(frames) ? frames : [frames]) {
        const f = frame as { type?: string; id?: unknown; ok?: boolean; error?: { code?: string } };
        if (f.type !== 'response' || typeof f.id !== 'string') continue;
        this.waiting.get(f.id)?.({ ok: f.ok === true, ...(f.error?.code ? { code: f.error.code } : {}) });
        this.waiting.delete(f.id);
      }
    });
  }

  static open(url: string, timeoutMs: number): Promise<Session> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: timeoutMs });
      const fail = (reason: string) =>
        reject(
          new ShakedownError('SHK_PREFLIGHT_UNREACHABLE', `preflight: cannot reach ${url} (${reason})`, {
            exitCode: EXIT.unreachable,
            context: { url },
          }),
        );
      socket.once('open', () => resolve(new Session(socket, timeoutMs)));
      socket.once('error', (error) => fail(error.message));
    });
  }

  request(frame: {
    id: string;
    type: string;
    [field: string]: unknown;
  }): Promise<{ ok: boolean; code?: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(frame.id);
        reject(new Error(`no answer to ${String(frame.type)} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(frame.id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.socket.send(JSON.stringify(frame));
    });
  }

  close(): void {
    this.socket.terminate();
  }
}
