import { randomBytes } from 'node:crypto';
import { firstValueFrom, type Subscription } from 'rxjs';
import { EXIT, ShakedownError } from '../../../core/shakedown-error.ts';
import type { ExchangeConfig, InstrumentConfig } from '../protocol/exchange-config.ts';
import type { ClientRequest, RequestId } from '../protocol/protocol-messages.ts';
import type { VenueConnection } from '../transport/venue-connection.ts';
import { wsDialer } from '../transport/ws-dialer.ts';

export interface PreflightCheck {
  name: string;
  account: string;
  symbol: string;
  /**
   * rejected: refused by the symbol rule (the seal holds); accepted: the venue took the order
   * (a leak); inconclusive: refused for another reason or the login failed, which proves
   * nothing; no_reply: no answer in time.
   */
  outcome: 'rejected' | 'accepted' | 'inconclusive' | 'no_reply';
  /** The venue's code for a refusal; otherwise what happened, in words. */
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
  /** Per connection and per request; 5 s by default. */
  timeoutMs?: number;
}

export const DEFAULT_PREFLIGHT_TIMEOUT_MS = 5_000;

/** Only a refusal by the symbol rule proves the seal; any other reason leaves the question open. */
const SYMBOL_RULE_REASONS = new Set(['forbidden_symbol', 'unknown_symbol']);

/**
 * Fail-closed preflight for a venue the tool did not start: before any order of a campaign,
 * prove that the sandbox is sealed both ways. A sandbox account must be refused on a live
 * symbol, and a live account on a sandbox symbol. A probe order that is accepted is cancelled
 * at once and the run is aborted. This is an I/O edge: real sockets, real timers, the wall
 * clock and randomness (for probe order ids) are all fine here.
 */
export async function runSandboxPreflight(options: PreflightOptions): Promise<PreflightReport> {
  const { config, sandboxPrefix } = options;
  const isSandbox = (symbol: string) => symbol.startsWith(sandboxPrefix);
  const sandboxAccount = config.accounts.find((a) => a.sandbox);
  const liveAccount = config.accounts.find((a) => !a.sandbox);
  const sandboxSymbol = config.instruments.find((i) => isSandbox(i.symbol));
  const liveSymbol = config.instruments.find((i) => !isSandbox(i.symbol));
  if (!sandboxAccount || !liveAccount || !sandboxSymbol || !liveSymbol) {
    const missing = [
      sandboxAccount ? [] : ['sandbox account'],
      liveAccount ? [] : ['non-sandbox account'],
      sandboxSymbol ? [] : [`symbol starting with ${JSON.stringify(sandboxPrefix)}`],
      liveSymbol ? [] : [`symbol outside ${JSON.stringify(sandboxPrefix)}`],
    ].flat();
    throw new ShakedownError(
      'SHK_PREFLIGHT_UNCONFIGURED',
      `preflight cannot prove the sandbox of ${options.url} is isolated: the venue config has no ${missing.join(' and no ')}; describe the venue's accounts (with keys) and instruments in the --config file (docs/adapters.md, "Preflight and the run lock")`,
      { exitCode: EXIT.usage, context: { missing } },
    );
  }
  const checks = [
    await probe(options, 'sandbox account on a live symbol', sandboxAccount, liveSymbol),
    await probe(options, 'live account on a sandbox symbol', liveAccount, sandboxSymbol),
  ];
  return { passed: checks.every((c) => c.outcome === 'rejected'), checks };
}

/** The error that aborts the run, exit 3: a leak proven, or isolation left unproven. */
export function preflightError(report: PreflightReport, url?: string): ShakedownError {
  const failed = report.checks.filter((c) => c.outcome !== 'rejected');
  const leaked = failed.some((c) => c.outcome === 'accepted');
  const what = failed.map((c) => `${c.name}: ${c.account} on ${c.symbol} ${describeOutcome(c)}`).join('; ');
  const venue = url ? ` of ${url}` : '';
  return leaked
    ? new ShakedownError(
        'SHK_PREFLIGHT_LEAKY_SANDBOX',
        `preflight: the sandbox${venue} is not isolated (${what}); nothing was run`,
        { exitCode: EXIT.unreachable, context: { checks: report.checks } },
      )
    : new ShakedownError(
        'SHK_PREFLIGHT_INCONCLUSIVE',
        `preflight: the sandbox${venue} could not be proven isolated (${what}); nothing was run`,
        { exitCode: EXIT.unreachable, context: { checks: report.checks } },
      );
}

/** What happened to one probe, in words, for the report and the error. */
export function describeOutcome(check: PreflightCheck): string {
  const why = check.reason ? ` (${check.reason})` : '';
  switch (check.outcome) {
    case 'rejected':
      return `was refused${why}`;
    case 'accepted':
      return `was accepted${why}`;
    case 'inconclusive':
      return `proves nothing${why}`;
    case 'no_reply':
      return `got no answer${why}`;
  }
}

async function probe(
  options: PreflightOptions,
  name: string,
  account: { id: string; key: string },
  instrument: InstrumentConfig,
): Promise<PreflightCheck> {
  const check = (outcome: PreflightCheck['outcome'], reason?: string): PreflightCheck => ({
    name,
    account: account.id,
    symbol: instrument.symbol,
    outcome,
    ...(reason === undefined ? {} : { reason }),
  });
  const session = await ProbeSession.open(options.url, options.timeoutMs ?? DEFAULT_PREFLIGHT_TIMEOUT_MS);
  try {
    const login = await session.request({ id: 'preflight-login', type: 'login', key: account.key });
    // An account that cannot log in trades nothing, but then this probe tested nothing either.
    if (!login.ok) return check('inconclusive', `login refused: ${login.code}; check its key in --config`);
    // Unique per probe: a reused id would be refused as a duplicate, which says nothing.
    const clientOrderId = `preflight-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    let placed: Reply;
    try {
      placed = await session.request(probeOrder(instrument, clientOrderId));
    } catch (error) {
      // Unanswered is not refused: the order may be live, so try to take it back.
      return check('no_reply', `${(error as Error).message}; ${await session.cancel(clientOrderId)}`);
    }
    if (placed.ok) return check('accepted', await session.cancel(clientOrderId));
    return SYMBOL_RULE_REASONS.has(placed.code)
      ? check('rejected', placed.code)
      : check('inconclusive', `refused with ${placed.code}, not by the symbol rule`);
  } catch (error) {
    return check('no_reply', (error as Error).message);
  } finally {
    session.close();
  }
}

/** A small resting buy well inside the price band: only the sandbox rule should refuse it. */
function probeOrder(instrument: InstrumentConfig, clientOrderId: string): ClientRequest {
  const ticks = Math.max(
    1,
    Math.floor((instrument.markPrice * instrument.bandPct) / 2 / instrument.tickSize),
  );
  const price = Number((instrument.markPrice - ticks * instrument.tickSize).toFixed(10));
  return {
    id: 'preflight-place',
    type: 'place',
    symbol: instrument.symbol,
    side: 'buy',
    orderType: 'limit',
    price,
    qty: instrument.minQty,
    clientOrderId,
  };
}

type Reply = { ok: true } | { ok: false; code: string };

/** One connection of the reference protocol, request by request, every wait bounded. */
class ProbeSession {
  /** Each request still waiting: given its answer, or an Error when none can come. */
  private readonly waiting = new Map<RequestId, (reply: Reply | Error) => void>();
  private readonly subscription: Subscription;
  private closedBy: string | undefined;

  private constructor(
    private readonly connection: VenueConnection,
    private readonly timeoutMs: number,
  ) {
    this.subscription = connection.messages$.subscribe({
      next: (message) => {
        if (message.type !== 'response') return;
        const settle = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        settle?.(message.ok ? { ok: true } : { ok: false, code: String(message.error.code) });
      },
      complete: () => {
        this.closedBy = 'the venue closed the connection';
        for (const settle of this.waiting.values()) settle(new Error(this.closedBy));
        this.waiting.clear();
      },
    });
  }

  static async open(url: string, timeoutMs: number): Promise<ProbeSession> {
    try {
      const connection = await firstValueFrom(wsDialer(url, { connectTimeoutMs: timeoutMs })());
      return new ProbeSession(connection, timeoutMs);
    } catch (error) {
      throw new ShakedownError(
        'SHK_PREFLIGHT_UNREACHABLE',
        `preflight: ${(error as Error).message}; nothing was run`,
        { exitCode: EXIT.unreachable, context: { url } },
      );
    }
  }

  /** Resolves with the venue's answer; rejects when none comes within the timeout. */
  request(frame: ClientRequest): Promise<Reply> {
    if (this.closedBy) return Promise.reject(new Error(this.closedBy));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(frame.id);
        reject(new Error(`no answer to ${frame.type} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(frame.id, (reply) => {
        clearTimeout(timer);
        if (reply instanceof Error) reject(reply);
        else resolve(reply);
      });
      this.connection.send(frame);
    });
  }

  /** Best effort, and says how it went: the user must know if a probe order may be left. */
  async cancel(clientOrderId: string): Promise<string> {
    try {
      const reply = await this.request({ id: 'preflight-cancel', type: 'cancel', clientOrderId });
      return reply.ok
        ? 'the probe order was cancelled'
        : `the probe order could not be cancelled (${reply.code}): check order ${clientOrderId}`;
    } catch (error) {
      return `the probe order could not be cancelled (${(error as Error).message}): check order ${clientOrderId}`;
    }
  }

  close(): void {
    this.subscription.unsubscribe();
    this.connection.close();
  }
}
