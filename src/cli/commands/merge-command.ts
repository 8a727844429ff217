import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AnyDomainPack } from '../../core/model/domain-pack.ts';
import { readReplayFile } from '../../core/replay/write-replay-file.ts';
import type { CampaignSummary } from '../../core/report/campaign-summary.ts';
import { mergeJunit } from '../../core/report/merge-junit.ts';
import { mergeSummaries } from '../../core/report/merge-summaries.ts';
import { readSummaryFile } from '../../core/report/read-summary.ts';
import type { ReportFailure } from '../../core/report/report-input.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import { loadDomain } from '../../domains/registry.ts';
import { writeCampaignOutputs } from '../campaign-outputs.ts';
import { examplesAndExitCodes } from '../options/help-text.ts';
import { printSummary } from '../print-summary.ts';

interface MergeFlags {
  summary?: string;
  junit?: string;
  report?: string;
  json?: boolean;
}

/**
 * `shakedown merge`: the shards' summaries (and JUnit files) as one campaign, with the verdict
 * an unsharded campaign over the same runs gives, and its exit code.
 */
export function registerMergeCommand(program: Command): void {
  program
    .command('merge')
    .description("combine shards' JSON summaries (and JUnit files) into one campaign; exits with its verdict")
    .argument('<files...>', 'summary files (.json, from run --summary) and JUnit files (.xml)')
    .option('--summary <file>', 'write the merged JSON summary')
    .option(
      '--junit <file>',
      'write merged JUnit XML (from the .xml inputs, else rendered from the summaries)',
    )
    .option('--report <dir>', 'write the Markdown and HTML reports of the merged campaign')
    .option('--json', 'print the merged JSON summary on stdout')
    .addHelpText(
      'after',
      examplesAndExitCodes({
        examples: [
          [
            'npx shakedown merge s1.json s2.json --junit all.xml --report report',
            "two shards' summaries as one campaign, with its JUnit and reports",
          ],
          [
            'npx shakedown merge s1.json s2.json s1.xml s2.xml --summary all.json',
            'summaries and JUnit files together',
          ],
        ],
        exitCodes: [
          [0, 'the merged campaign passed'],
          [1, 'the merged campaign failed'],
          [
            2,
            'bad flags, a file that cannot be read, or summaries of different campaigns (one SHK_ line on stderr)',
          ],
        ],
      }),
    )
    .action(async (files: string[], flags: MergeFlags) => {
      process.exitCode = await mergeCommand(files, flags);
    });
}

async function mergeCommand(files: readonly string[], flags: MergeFlags): Promise<number> {
  const summaries: CampaignSummary[] = [];
  const junits: string[] = [];
  for (const file of files) {
    if (file.endsWith('.xml')) junits.push(readText(file));
    else if (file.endsWith('.json')) summaries.push(readSummaryFile(file));
    else
      throw new ShakedownError('SHK_USAGE', `merge: ${file}: expected a .json summary or a .xml JUnit file`, {
        exitCode: EXIT.usage,
        context: { file },
      });
  }
  if (summaries.length === 0)
    throw new ShakedownError('SHK_USAGE', 'merge: give at least one summary (.json) to decide the verdict', {
      exitCode: EXIT.usage,
    });
  const pack = await packOf(summaries[0]?.domain ?? '');
  const mergedFigures = mergeSummaries(summaries);
  // The domain's sections are made again from the shards' measures merged (never added up).
  const measures = mergedFigures.domainMeasures;
  const merged: CampaignSummary =
    pack?.report && measures ? { ...mergedFigures, sections: pack.report.sections(measures) } : mergedFigures;
  // Failures saved by the shards are shown in the report when their files are at hand.
  const failures: ReportFailure[] = merged.failures.flatMap((f) =>
    f.replayFile !== null && existsSync(f.replayFile)
      ? [{ summary: f, replay: readReplayFile(f.replayFile) }]
      : [],
  );
  const written = writeCampaignOutputs(
    merged,
    {
      ...(flags.summary ? { summary: flags.summary } : {}),
      ...(flags.junit ? { junit: flags.junit } : {}),
      ...(flags.report ? { report: flags.report } : {}),
    },
    failures,
    junits.length > 0 ? mergeJunit(junits) : undefined,
    pack,
  );
  if (flags.json) process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  else {
    printSummary(merged, (line) => process.stdout.write(`${line}\n`));
    if (written.length > 0) process.stderr.write(`wrote ${written.join(', ')}\n`);
  }
  return merged.verdict === 'pass' ? EXIT.passed : EXIT.failed;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split(',')[0];
    throw new ShakedownError('SHK_USAGE', `merge: ${file}: cannot read it (${reason})`, {
      exitCode: EXIT.usage,
      context: { file },
    });
  }
}

/**
 * The pack of the domain the summaries name, when it loads here: how the report words the
 * shards' actions and events, and the domain's sections. Otherwise plain JSON, and no
 * sections (a report is still written).
 */
async function packOf(domain: string): Promise<AnyDomainPack | undefined> {
  try {
    return (await loadDomain(domain, 'domain')).pack;
  } catch {
    return undefined;
  }
}
