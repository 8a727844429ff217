import { relative } from 'node:path';
import type { Command } from 'commander';
import { runDiffCampaign } from '../../core/diff/diff-campaign.ts';
import type { ReplayFile } from '../../core/replay/replay-file.ts';
import { writeReplayFile } from '../../core/replay/write-replay-file.ts';
import { DEFAULT_SETTINGS } from '../../core/runner/campaign.ts';
import { EXIT } from '../../core/shakedown-error.ts';
import { TRADING_DIFF_NORMALIZER } from '../../domains/trading/diff/trading-diff-normalizer.ts';
import type { TradingAction } from '../../domains/trading/trading-action.ts';
import { tradingPack } from '../../domains/trading/trading-pack.ts';
import { CLIENT_BUG_NAMES } from '../../domains/trading/transport/client-bugs.ts';
import { BUG_NAMES } from '../../exchange/bugs/planted-bugs.ts';
import { loadExchangeConfig } from '../../exchange/config/load-config.ts';
import { createLogger } from '../logger.ts';
import { collectChoice, parseChoice, parseDuration, parseInteger } from '../options/parse-options.ts';
import { TOOL_VERSION } from '../tool-version.ts';
import { parseTargetSpec } from './run-command.ts';

interface DiffFlags {
  target: string;
  against?: string;
  bug: string[];
  againstBug: string[];
  property: string;
  seed?: number;
  runs: number;
  timeBudget: number;
  shrinkBudget: number;
  maxActions?: number;
  config?: string;
  out: string;
  json?: boolean;
  logLevel: string;
}

/** `shakedown diff`: the same sequences against two targets; the first divergence, shrunk. */
export function registerDiffCommand(program: Command): void {
  const properties = tradingPack.properties.map((p) => p.name);
  const bugs = [...BUG_NAMES, ...CLIENT_BUG_NAMES];
  program
    .command('diff')
    .description(
      'differential testing: run the same generated sequences against two targets (in lockstep, no faults), compare their event timelines and shrink to the first divergence',
    )
    .option('--target <target>', 'the first target: inproc | ws | ws://host:port | ./a.ts', 'inproc')
    .option('--against <target>', 'the second target (default: the same kind as --target)')
    .option('--bug <name...>', 'planted bugs for the --target side', collectChoice('--bug', bugs), [])
    .option(
      '--against-bug <name...>',
      'planted bugs for the --against side',
      collectChoice('--against-bug', bugs),
      [],
    )
    .option(
      '--property <name>',
      `whose sequences to generate: ${properties.join(', ')}`,
      parseChoice('--property', properties),
      'order-lifecycle',
    )
    .option(
      '--seed <n>',
      'seed (default: from the clock, always printed)',
      parseInteger('--seed', 0, 2 ** 31 - 1),
    )
    .option('--runs <n>', 'generated sequences', parseInteger('--runs', 1), 100)
    .option('--time-budget <duration>', 'wall-clock budget', parseDuration('--time-budget'), 60_000)
    .option(
      '--shrink-budget <duration>',
      'wall-clock budget for shrinking',
      parseDuration('--shrink-budget'),
      20_000,
    )
    .option(
      '--max-actions <k>',
      'upper bound on actions per sequence',
      parseInteger('--max-actions', 1, 10_000),
    )
    .option('--config <file>', 'exchange config for the reference venue (JSON)')
    .option('--out <dir>', 'where a divergence is saved', 'replays')
    .option('--json', 'print the result as JSON')
    .option(
      '--log-level <level>',
      'trace | debug | info | warn | error | silent',
      parseChoice('--log-level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
      'warn',
    )
    .addHelpText(
      'after',
      `
Examples:
  npx shakedown diff --target inproc --against ws                      in-process against WebSocket, clean
  npx shakedown diff --target inproc --against inproc --against-bug overfill --seed 1 --time-budget 30s
  npx shakedown diff --target ws://127.0.0.1:9000 --against ./durable-engine.ts
Exit codes: 0 no divergence, 1 a divergence (saved in --out), 2 usage, 3 a target unreachable.`,
    )
    .action(async (flags: DiffFlags) => {
      process.exitCode = await diffCommand(flags);
    });
}

async function diffCommand(flags: DiffFlags): Promise<number> {
  const logger = createLogger({ level: flags.logLevel });
  const seed = flags.seed ?? Date.now() % 2 ** 31;
  const against = flags.against ?? flags.target;
  const config = loadExchangeConfig(flags.config);
  const property = tradingPack.properties.find((p) => p.name === flags.property) ?? tradingPack.properties[0];
  if (!property) return EXIT.usage;
  const settings = {
    ...DEFAULT_SETTINGS,
    ...property.settings,
    ...(flags.maxActions ? { maxActions: flags.maxActions } : {}),
  };
  process.stderr.write(`shakedown diff: seed ${seed} (rerun with --seed ${seed})\n`);
  const name = (target: string, bugs: readonly string[]) =>
    bugs.length ? `${target}+${bugs.join('+')}` : target;
  const leftName = name(flags.target, flags.bug);
  const rightName =
    name(against, flags.againstBug) === leftName ? `${leftName} (second)` : name(against, flags.againstBug);
  const left = await tradingPack.targetFactory(parseTargetSpec(flags.target), {
    bugs: flags.bug,
    seed,
    config,
    faults: [],
  } as never);
  let right: typeof left | undefined;
  try {
    right = await tradingPack.targetFactory(parseTargetSpec(against), {
      bugs: flags.againstBug,
      seed,
      config,
      faults: [],
    } as never);
    const result = await runDiffCampaign<TradingAction>({
      property,
      left: { name: leftName, factory: left },
      right: { name: rightName, factory: right },
      clients: tradingPack.clients,
      projection: tradingPack.projection,
      normalize: TRADING_DIFF_NORMALIZER,
      describeAction: (action) => tradingPack.describeAction(action),
      seed,
      runs: flags.runs,
      maxActions: settings.maxActions,
      timeBudgetMs: flags.timeBudget,
      shrinkBudgetMs: flags.shrinkBudget,
      now: Date.now,
    });
    const found = result.found;
    let saved: string | null = null;
    if (found) {
      const replay: ReplayFile = {
        format: 'shakedown-replay',
        version: 1,
        tool: TOOL_VERSION,
        domain: tradingPack.name,
        property: property.name,
        target: flags.target,
        seed: found.seed,
        runIndex: found.runIndex,
        path: found.path,
        bugs: [...flags.bug],
        settings,
        actions: found.actions,
        events: found.left.events,
        violations: [
          {
            invariant: 'diff.divergence',
            message: found.divergence.message,
            steps: found.divergence.step === undefined ? [] : [found.divergence.step],
            events: [],
          },
        ],
        verdict: 'fail',
        evidence: {
          history: found.left.history,
          snapshot: found.left.snapshot,
          extra: {
            ...found.left.extra,
            diff: {
              against,
              againstBugs: flags.againstBug,
              divergence: found.divergence,
              rightEvents: found.right.events,
            },
          },
        },
        createdAt: new Date().toISOString(),
        durationMs: 0,
      };
      saved = relative(process.cwd(), writeReplayFile(flags.out, replay));
    }
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ seed, target: leftName, against: rightName, runs: result.runs, actions: result.actions, interrupted: result.interrupted, divergence: found?.divergence ?? null, shrunkActions: found?.actions.length ?? null, replayFile: saved }, null, 2)}\n`,
      );
    } else if (found) {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(
        `divergence between ${leftName} and ${rightName} (${property.name}, run ${found.runIndex}, shrunk to ${found.actions.length} actions):`,
      );
      out(`  ${found.divergence.message}`);
      out('  actions:');
      for (const [i, action] of found.actions.entries())
        out(`    ${i}. ${tradingPack.describeAction(action)}`);
      out(`  saved: ${saved}`);
    } else {
      process.stdout.write(
        `no divergence: ${leftName} and ${rightName} agreed on ${result.runs} sequences, ${result.actions} actions${result.interrupted ? ' (stopped by the time budget)' : ''}\n`,
      );
    }
    logger.info({ runs: result.runs }, 'diff done');
    return found ? EXIT.failed : EXIT.passed;
  } finally {
    await left.dispose?.();
    await right?.dispose?.();
  }
}
