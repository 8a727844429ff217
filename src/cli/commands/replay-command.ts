import type { Command } from 'commander';
import { type Fault, faultKind } from '../../core/faults/fault.ts';
import type { RunEvidence } from '../../core/model/evidence.ts';
import type { Violation } from '../../core/model/invariant.ts';
import { readReplayFile } from '../../core/replay/write-replay-file.ts';
import { DEFAULT_SETTINGS, executeRun, firstDifference } from '../../core/runner/campaign.ts';
import { checkInvariants } from '../../core/runner/check-invariants.ts';
import { foldProjections } from '../../core/runner/run-actions.ts';
import { checkConvergence } from '../../core/sequencer/convergence-report.ts';
import { inGseqOrder } from '../../core/sequencer/ordered-replay.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import { findTradingProperty } from '../../domains/trading/scenarios/find-property.ts';
import type { TradingAction } from '../../domains/trading/trading-action.ts';
import { tradingPack } from '../../domains/trading/trading-pack.ts';
import { isClientBug } from '../../domains/trading/transport/client-bugs.ts';
import { isBugName } from '../../exchange/bugs/planted-bugs.ts';
import { loadExchangeConfig } from '../../exchange/config/load-config.ts';
import { parseInteger } from '../options/parse-options.ts';
import { parseTargetSpec } from './run-command.ts';

interface ReplayFlags {
  eventsOnly?: boolean;
  shuffle?: string | boolean;
  shuffleSeed: number;
  target?: string;
  config?: string;
  json?: boolean;
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('reproduce a saved failure: re-execute it, replay its recorded events, or shuffle them')
    .argument('<file>', 'a replay file written by shakedown run')
    .option(
      '--events-only',
      'no target: fold the recorded events into fresh projections and check the invariants',
    )
    .option('--shuffle [mode]', 'replay the recorded events in a seeded shuffled order (interleave | all)')
    .option('--shuffle-seed <n>', 'seed of the shuffle', parseInteger('--shuffle-seed', 0), 1)
    .option('--target <target>', 'override the target the file names (inproc | ws | ws://… | ./module.ts)')
    .option('--config <file>', 'exchange config for the reference venue (JSON)')
    .option('--json', 'print one JSON result on stdout')
    .action(async (file: string, flags: ReplayFlags) => {
      process.exitCode = await replayCommand(file, flags);
    });
}

interface ReplayResult {
  file: string;
  mode: 'execute' | 'events-only' | 'shuffle';
  property: string;
  reproduced: boolean;
  violations: Violation[];
  divergence?: string;
  converged?: boolean;
  differences?: unknown[];
}

async function replayCommand(file: string, flags: ReplayFlags): Promise<number> {
  const replay = readReplayFile(file);
  const property = findTradingProperty(replay.property);
  if (!property) {
    throw new ShakedownError(
      'SHK_REPLAY_INVALID',
      `${file}: property ${JSON.stringify(replay.property)} is not known here`,
      {
        exitCode: EXIT.usage,
      },
    );
  }
  const invariants = tradingPack.invariants.filter((i) => property.invariants.includes(i.name));
  const events = inGseqOrder(replay.events);
  let result: ReplayResult;
  if (flags.shuffle !== undefined && flags.shuffle !== false) {
    const mode = flags.shuffle === true || flags.shuffle === 'interleave' ? 'interleave' : flags.shuffle;
    if (mode !== 'interleave' && mode !== 'all') {
      throw new ShakedownError(
        'SHK_USAGE',
        `--shuffle: expected interleave or all, got ${JSON.stringify(mode)}`,
      );
    }
    const traders = tradingPack.clients.filter((c) => c !== 'admin');
    const report = checkConvergence(
      events.filter((e) => traders.includes(e.client)),
      tradingPack.projection,
      {
        seed: flags.shuffleSeed,
        mode,
        // Traders only: the admin follows every account at once, so its single balance is
        // whichever account spoke last, which no shuffle is expected to preserve.
        clients: traders,
      },
    );
    result = {
      file,
      mode: 'shuffle',
      property: replay.property,
      reproduced: !report.converged,
      violations: [],
      converged: report.converged,
      differences: report.differences,
    };
  } else if (flags.eventsOnly) {
    const saved = replay.evidence;
    if (!saved) {
      throw new ShakedownError(
        'SHK_REPLAY_INVALID',
        `${file}: has no saved evidence (history, snapshot) for --events-only`,
        {
          exitCode: EXIT.usage,
        },
      );
    }
    const evidence: RunEvidence = {
      actions: replay.actions,
      history: saved.history,
      events: [...events],
      projections: foldProjections(events, tradingPack.clients, tradingPack.projection),
      snapshot: saved.snapshot,
      extra: saved.extra,
    };
    const { verdict } = checkInvariants(evidence, invariants);
    result = {
      file,
      mode: 'events-only',
      property: replay.property,
      reproduced: verdict.status === 'fail',
      violations: verdict.status === 'fail' ? verdict.violations : [],
    };
  } else {
    const bugs = replay.bugs.filter((bug) => isBugName(bug) || isClientBug(bug));
    // The faults the file holds must be applicable again: over ws that takes the chaos proxy
    // (and the venue in a child process for process faults), set up only when needed.
    const faults = [
      ...new Set(
        (replay.actions as { kind?: unknown; fault?: Fault }[])
          .filter((a) => a.kind === 'fault' && a.fault !== undefined)
          .map((a) => faultKind(a.fault as Fault)),
      ),
    ];
    const factory = await tradingPack.targetFactory(parseTargetSpec(flags.target ?? replay.target), {
      bugs,
      seed: replay.seed,
      config: loadExchangeConfig(flags.config),
      faults,
    } as never);
    try {
      const report = await executeRun(factory, replay.actions as TradingAction[], {
        clients: tradingPack.clients,
        projection: tradingPack.projection,
        invariants,
        settings: { ...DEFAULT_SETTINGS, ...property.settings },
      });
      const divergence = firstDifference(replay.events, report.evidence.events);
      result = {
        file,
        mode: 'execute',
        property: replay.property,
        reproduced: report.verdict.status === 'fail',
        violations: report.verdict.status === 'fail' ? report.verdict.violations : [],
        ...(divergence ? { divergence } : {}),
      };
    } finally {
      await factory.dispose?.();
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printHuman(result);
  return result.reproduced ? EXIT.failed : EXIT.passed;
}

function printHuman(result: ReplayResult): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`replay ${result.file} (${result.mode}) of ${result.property}`);
  if (result.mode === 'shuffle') {
    out(result.converged ? '  converged: the shuffled replay reached the same views' : '  NOT converged:');
    for (const d of result.differences ?? []) out(`    ${JSON.stringify(d)}`);
    return;
  }
  if (result.divergence) out(`  first divergence from the recording: ${result.divergence}`);
  if (result.violations.length === 0) out('  no violation: the failure does not reproduce');
  for (const v of result.violations.slice(0, 10)) {
    out(`  [${v.invariant}] ${v.message}${v.steps.length ? ` (steps ${v.steps.join(', ')})` : ''}`);
  }
}
