import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { renderHtmlReport } from './html-report.ts';
import { renderCampaignMarkdown, renderFailureMarkdown } from './markdown-report.ts';
import { failureFileName, type ReportInput, withDistinctFailures } from './report-input.ts';

/**
 * Writes the reports into `dir` (created when missing), each file atomically: `index.md` for
 * the campaign, `failure-<n>-<property>.md` per drawn failure (each once) and the self-contained
 * `report.html`. Returns the paths written, in that order.
 */
export function writeReport(dir: string, all: ReportInput): { files: string[] } {
  // A saved failure found again is one failure: one file, with its count.
  const input = withDistinctFailures(all);
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    files.push(path);
  };
  write('index.md', renderCampaignMarkdown(input));
  input.failures.forEach((failure, i) => {
    write(failureFileName(i, failure), renderFailureMarkdown(failure, input));
  });
  write('report.html', renderHtmlReport(input));
  return { files };
}
