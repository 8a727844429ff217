import { writeFileAtomic } from '../core/io/atomic-write.ts';
import type { AnyDomainPack } from '../core/model/domain-pack.ts';
import type { CampaignSummary } from '../core/report/campaign-summary.ts';
import { renderJunit } from '../core/report/junit-report.ts';
import type { ReportFailure } from '../core/report/report-input.ts';
import { writeReport } from '../core/report/write-report.ts';
import type { OutputPath } from './output-paths.ts';

export interface OutputPaths {
  /** The JSON summary (the object `--json` prints). */
  summary?: string;
  junit?: string;
  /** A folder for the Markdown and HTML reports. */
  report?: string;
}

/** One output of a campaign: the flag that asked for it, where, and how to write it there. */
export interface CampaignOutput {
  flag: '--summary' | '--junit' | '--report';
  path: string;
  /** Writes the output at `path` (a file, or a folder for --report); returns the files written. */
  write: (path: string) => string[];
}

/**
 * How the reports word actions and events: the domain pack's, or plain JSON without one; and
 * the pack's report hook, whose `timeline` adds the domain's lanes to each failure's timeline.
 */
export type Describers = Pick<AnyDomainPack, 'describeAction' | 'describeEvent'> &
  Partial<Pick<AnyDomainPack, 'report'>>;

const AS_JSON: Describers = {
  describeAction: (action) => JSON.stringify(action),
  describeEvent: (event) => JSON.stringify(event),
};

/** The outputs asked for, in the order they are written; nothing is written here. */
export function campaignOutputs(
  summary: CampaignSummary,
  paths: OutputPaths,
  failures: readonly ReportFailure[],
  junitXml?: string,
  describe: Describers = AS_JSON,
): CampaignOutput[] {
  const outputs: CampaignOutput[] = [];
  if (paths.summary)
    outputs.push({
      flag: '--summary',
      path: paths.summary,
      write: (path) => {
        writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
        return [path];
      },
    });
  if (paths.junit)
    outputs.push({
      flag: '--junit',
      path: paths.junit,
      write: (path) => {
        writeFileAtomic(path, junitXml ?? renderJunit(summary));
        return [path];
      },
    });
  if (paths.report)
    outputs.push({
      flag: '--report',
      path: paths.report,
      write: (path) =>
        writeReport(path, {
          summary,
          failures,
          describeAction: (action) => describe.describeAction(action as never),
          describeEvent: (event) => describe.describeEvent(event),
          ...(describe.report?.timeline
            ? { timelineNotes: (evidence) => describe.report?.timeline?.(evidence) ?? [] }
            : {}),
        }).files,
    });
  return outputs;
}

/** The output paths as `checkOutputPaths` takes them, to check before a campaign starts. */
export function outputPathsToCheck(paths: OutputPaths): OutputPath[] {
  return [
    ...(paths.summary ? [{ flag: '--summary', path: paths.summary, kind: 'file' as const }] : []),
    ...(paths.junit ? [{ flag: '--junit', path: paths.junit, kind: 'file' as const }] : []),
    ...(paths.report ? [{ flag: '--report', path: paths.report, kind: 'dir' as const }] : []),
  ];
}

/**
 * Writes what a campaign (or a merge) leaves for people and CI, each file atomically.
 * `junitXml` is given when JUnit files were merged as they are; otherwise it is rendered.
 * Throws at the first output that cannot be written (`writeOutputsWithFallback` does not).
 */
export function writeCampaignOutputs(
  summary: CampaignSummary,
  paths: OutputPaths,
  failures: readonly ReportFailure[],
  junitXml?: string,
  describe?: Describers,
): string[] {
  return campaignOutputs(summary, paths, failures, junitXml, describe).flatMap((output) =>
    output.write(output.path),
  );
}
