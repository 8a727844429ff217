import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllChildren, runNode } from './mutation-child.ts';
import { CLASSIFIED } from './mutation-classified.ts';
import { applyMutant, brief, compileError, type EngineMutant, findMutants } from './mutation-mutants.ts';
import { fileTable, killers, problemList, scoreTable, survivorList } from './mutation-report.ts';
import { type Judgement, judge, type MutantResult, type MutationResult } from './mutation-result.ts';
import { seededSample } from './mutation-sample.ts';
import { engineSources, Sandbox, snapshotTree } from './mutation-sandbox.ts';
import { readSettings, type SuiteName } from './mutation-settings.ts';
import { SUITES, type SuiteRun } from './mutation-suites.ts';

/**
 * `npm run bench:mutation`: a seeded sample of Stryker's mutants of the reference engine
 * (src/exchange/engine/), each judged one at a time by three suites (the campaign, the fixed
 * scenario catalog, the engine's unit tests). The working tree is snapshotted once; every job
 * judges in its own copy of it, writing one mutated file there and putting it back after, so
 * everything a suite starts (CLI, worker threads, Vitest's forks) loads the mutant from disk and
 * the tool itself runs exactly as it always does. Progress on stderr, the report on stdout,
 * the full result as JSON with --json. See docs/benchmarks.md, "Mutation score".
 */
const settings = readSettings();
const started = Date.now();
const log = (line: string) => process.stderr.write(`${line}\n`);
const root = fileURLToPath(new URL('..', import.meta.url));

const snapshot = snapshotTree(root);
const sources = engineSources(snapshot);
const all = await findMutants(sources, settings.excludeMutators);
const drawn = seededSample(all, settings.sample, settings.seed);
const population: Record<string, number> = {};
for (const m of all) population[m.file] = (population[m.file] ?? 0) + 1;
const cpus = os.cpus();
const argv = process.argv.slice(2);

const result: MutationResult = {
  format: 'shakedown-mutation',
  version: 1,
  startedAt: new Date(started).toISOString(),
  wallMs: 0,
  command: `npm run bench:mutation${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
  machine: {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown cpu',
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
  },
  tree: { commit: snapshot.commit, engineHash: snapshot.engineHash, engineStatus: snapshot.engineStatus },
  seed: settings.seed,
  sample: drawn.length,
  suites: settings.suites,
  jobs: settings.jobs,
  excludeMutators: settings.excludeMutators,
  population,
  controls: {},
  mutants: [],
};

log(
  `bench:mutation: ${all.length} engine mutants, drawing ${drawn.length} (seed ${settings.seed}); suites ${settings.suites.join(', ')}; ${settings.jobs} job(s)`,
);
if (settings.dryRun) {
  for (const m of drawn)
    process.stdout.write(
      `${m.key}  ${m.file}:${m.line}  ${m.mutator}: ${brief(m.original)} → ${brief(m.replacement, 30)}\n`,
    );
  process.exit(0);
}

const base = mkdtempSync(join(os.tmpdir(), 'shakedown-mutation-'));
const sandboxes = Array.from({ length: settings.jobs }, (_, i) =>
  Sandbox.create(snapshot, join(base, `job-${i + 1}`)),
);
log(`tree copied to ${base} (commit ${snapshot.commit.slice(0, 7)}, engine ${snapshot.engineHash})`);
const cleanUp = () => {
  killAllChildren();
  if (!settings.keep) rmSync(base, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    log(`bench:mutation: ${signal}: stopping the suites${settings.keep ? '' : ' and deleting the copies'}`);
    cleanUp();
    process.exit(130);
  });

// Children get the environment minus SHAKEDOWN_* (which could change a suite), and no colour.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('SHAKEDOWN_')),
);
env.NO_COLOR = '1';

async function runSuite(sandbox: Sandbox, name: SuiteName, timeoutMs: number): Promise<SuiteRun> {
  const suite = SUITES[name];
  const scratch = sandbox.scratch();
  const outcome = await runNode(suite.args(sandbox.dir, scratch), { cwd: sandbox.dir, env, timeoutMs });
  return suite.read(outcome, sandbox.dir, scratch);
}

// Controls: each suite on the unmutated copy. A failure there is subtracted from every
// judgement (only new failures kill); a crash or a hang there leaves nothing to judge by.
const CONTROL_TIMEOUT_MS = 600_000;
const controlRuns = await Promise.all(
  sandboxes.map(async (sandbox, slot) => {
    const runs: [SuiteName, SuiteRun][] = [];
    for (const name of settings.suites.filter((_, i) => i % sandboxes.length === slot))
      runs.push([name, await runSuite(sandbox, name, settings.timeoutMs ?? CONTROL_TIMEOUT_MS)]);
    return runs;
  }),
);
const timeouts: Partial<Record<SuiteName, number>> = {};
for (const [name, run] of controlRuns.flat()) {
  const timeoutMs = settings.timeoutMs ?? Math.max(60_000, Math.round(4 * run.ms));
  timeouts[name] = timeoutMs;
  result.controls[name] = { ...run, timeoutMs };
  log(
    `control ${name}: ${run.status} in ${(run.ms / 1000).toFixed(1)} s${run.runs === undefined ? '' : ` (${run.runs} runs, ${run.actions} actions)`}${run.failing.length > 0 ? `; failing on the unmutated tree: ${run.failing.join('; ')}` : ''}`,
  );
  if (run.status === 'error' || run.status === 'timeout') {
    log(`bench:mutation: the ${name} suite does not run on the unmutated tree: ${run.detail ?? run.status}`);
    cleanUp();
    process.exit(1);
  }
}

const writeJson = () => {
  if (settings.json === undefined) return;
  result.wallMs = Date.now() - started;
  const temporary = `${settings.json}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(temporary, settings.json);
};

const results: MutantResult[] = new Array(drawn.length);
let next = 0;
let done = 0;

async function judgeMutant(sandbox: Sandbox, mutant: EngineMutant): Promise<MutantResult> {
  const { start: _start, end: _end, ...described } = mutant;
  const entry: MutantResult = { ...described, suites: {} };
  const classified = CLASSIFIED[mutant.key];
  if (classified) entry.classification = classified;
  const original = sources.get(mutant.file);
  if (original === undefined) throw new Error(`${mutant.file}: not an engine source`);
  const mutated = applyMutant(original, mutant);
  const error = await compileError(mutated, mutant.file);
  if (error !== undefined) return { ...entry, compileError: error };
  sandbox.write(mutant.file, mutated);
  try {
    for (const name of settings.suites) {
      const control = result.controls[name];
      if (control === undefined) throw new Error(`no control for ${name}`);
      // What the surface coverage was is kept for the controls only (the JSON stays small).
      const { coverage: _coverage, ...run } = await runSuite(sandbox, name, timeouts[name] ?? 60_000);
      entry.suites[name] = judge(run, control);
    }
  } finally {
    sandbox.restore(mutant.file);
  }
  return entry;
}

function progress(entry: MutantResult): string {
  const verdicts = settings.suites
    .map((s) => {
      const j: Judgement | undefined = entry.suites[s];
      return `${s} ${j ? `${j.verdict} ${(j.ms / 1000).toFixed(1)}s` : '-'}`;
    })
    .join(', ');
  return `[${done}/${drawn.length}] ${entry.key} ${entry.file.replace('src/exchange/engine/', '')}:${entry.line} ${entry.mutator}: ${entry.compileError ? `does not compile (${entry.compileError})` : verdicts}`;
}

await Promise.all(
  sandboxes.map(async (sandbox) => {
    while (next < drawn.length) {
      const index = next++;
      const entry = await judgeMutant(sandbox, drawn[index]);
      results[index] = entry;
      done++;
      log(progress(entry));
      result.mutants = results.filter((r) => r !== undefined);
      writeJson();
    }
  }),
);
result.mutants = results;
result.wallMs = Date.now() - started;
writeJson();
cleanUp();

const suiteLines = settings.suites.map((s) => {
  const c = result.controls[s];
  return `  ${s}: \`${SUITES[s].command}\` — control ${c?.status} in ${((c?.ms ?? 0) / 1000).toFixed(1)} s${c?.runs === undefined ? '' : ` (${c.runs} runs, ${c.actions} actions)`}, timeout ${((c?.timeoutMs ?? 0) / 1000).toFixed(0)} s`;
});
const unexercised = result.controls.campaign?.coverage?.unexercised ?? {};
const gaps = Object.entries(unexercised).filter(([, items]) => items.length > 0);
if (gaps.length > 0)
  suiteLines.push(
    `  surface the control campaign left unexercised (${result.controls.campaign?.coverage?.properties.join(', ')}): ${gaps.map(([label, items]) => `${label}: ${items.join(', ')}`).join('; ')}`,
  );
// Runs the campaign got when it did not kill: how deep the time budget let it look.
const campaignRuns = result.mutants
  .flatMap((m) => (m.suites.campaign?.verdict === 'survived' ? [m.suites.campaign.runs ?? 0] : []))
  .sort((a, b) => a - b);
process.stdout.write(
  [
    `# shakedown mutation score — ${result.startedAt.replace('T', ' ').slice(0, 16)} UTC`,
    '',
    `Machine: ${cpus.length} x ${result.machine.model}, Node ${process.version}, load average ${result.machine.loadAverage.join(' ')} at start.`,
    `Command: \`${result.command}\`. Tree: commit ${snapshot.commit.slice(0, 7)}, engine files hash ${snapshot.engineHash}${snapshot.engineStatus.length > 0 ? `, ${snapshot.engineStatus.length} engine files with uncommitted edits (listed in the JSON)` : ''}.`,
    `Sample: ${drawn.length} of ${all.length} Stryker mutants of src/exchange/engine/ (seed ${settings.seed}${settings.excludeMutators.length > 0 ? `, without ${settings.excludeMutators.join(', ')}` : ''}), ${settings.jobs} job(s). Wall time ${(result.wallMs / 60_000).toFixed(1)} min.`,
    'Suites:',
    ...suiteLines,
    ...(campaignRuns.length > 0
      ? [
          `  campaign runs where a mutant survived (the time budget decides how many): min ${campaignRuns[0]}, median ${campaignRuns[Math.floor(campaignRuns.length / 2)]}, max ${campaignRuns[campaignRuns.length - 1]}`,
        ]
      : []),
    '',
    scoreTable(result),
    '',
    fileTable(result),
    '',
    'Survivors:',
    survivorList(result),
    '',
    ...settings.suites.flatMap((s) => [
      `What killed, ${s} (mutants per ${s === 'campaign' ? 'invariant' : s === 'unit' ? 'test file' : 'scenario'}):`,
      killers(result, s),
      '',
    ]),
    'Harness errors and mutants that do not compile (never kills):',
    problemList(result),
    '',
    settings.json === undefined
      ? 'Full result: pass --json FILE to write it.'
      : `Full result: ${settings.json}`,
    '',
  ].join('\n'),
);
