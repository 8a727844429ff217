import { writeFileAtomic } from '../core/io/atomic-write.ts';
import type { CampaignSummary } from '../core/report/campaign-summary.ts';
import { renderJunit } from '../core/report/junit-report.ts';
import type { ReportFailure } from '../core/report/report-input.ts';
import { writeReport } from '../core/report/write-report.ts';
import { tradingPack } from '../domains/trading/trading-pack.ts';

export interface OutputPaths {
  /** The JSON summary (the object `--json` prints). */
  summary?: string;
  junit?: string;
  /** A folder for the Markdown and HTML reports. */
  report?: string;
}

/**
 * Writes what a campaign (or a merge) leaves for people and CI, each file atomically.
 * `junitXml` is given when JUnit files were merged as they are; otherwise it is rendered.
 */
export function writeCampaignOutputs(
  summary: CampaignSummary,
  paths: OutputPaths,
  failures: readonly ReportFailure[],
  junitXml?: string,
): string[] {
  const written: string[] = [];
  if (paths.summary) {
    writeFileAtomic(paths.summary, `${JSON.stringify(summary, null, 2)}\n`);
    written.push(paths.summary);
  }
  if (paths.junit) {
    writeFileAtomic(paths.junit, junitXml ?? renderJunit(summary));
    written.push(paths.junit);
  }
  if (paths.report) {
    const { files } = writeReport(paths.report, {
      summary,
      failures,
      describeAction: (action) => tradingPack.describeAction(action as never),
      describeEvent: (event) => tradingPack.describeEvent(event as never),
    });
    written.push(...files);
  }
  return written;
}
