import type { Command } from 'commander';
import { coverageSummary } from '../../core/coverage/coverage-tally.ts';
import { resolveTag } from '../../core/coverage/resolve-tag.ts';
import type { CoverageSummary } from '../../core/report/campaign-summary.ts';
import { readSummaryFile } from '../../core/report/read-summary.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';
import type { LoadedDomain } from '../../domains/registry.ts';
import { addDomainOption } from '../options/domain-option.ts';
import { examplesAndExitCodes } from '../options/help-text.ts';

interface CoverageFlags {
  json?: boolean;
  missing?: boolean;
}

/**
 * `shakedown coverage [summary]`: the surface the domain declares and which properties tag
 * each item; given a campaign's summary, what that campaign exercised of it.
 */
export function registerCoverageCommand(program: Command, domain: LoadedDomain): void {
  const { pack } = domain;
  const catalog = pack.scenarios ?? [];
  const command = program
    .command('coverage')
    .description(
      'the declared surface (actions, events, reject reasons, faults, transitions) and what a campaign exercised',
    )
    .argument('[summary]', 'a summary file from run --summary (or --json); without it, the declared surface')
    .option('--missing', 'list only the items not exercised (needs a summary)')
    .option('--json', 'print JSON instead of text')
    .addHelpText(
      'after',
      examplesAndExitCodes({
        examples: [
          [
            'npx shakedown coverage',
            'the declared surface, and the properties and scenarios that aim at each item',
          ],
          [
            'npx shakedown coverage shakedown-results/summary.json --missing',
            'what a campaign did not exercise',
          ],
        ],
        exitCodes: [
          [0, 'printed (too little coverage fails run --min-coverage, never this command)'],
          [
            2,
            'bad flags, --missing without a summary, or a summary that cannot be read (one SHK_ line on stderr)',
          ],
        ],
      }),
    )
    .action((file: string | undefined, flags: CoverageFlags) => {
      // Without a campaign nothing was exercised: "only the missing" would be the whole surface.
      if (flags.missing && file === undefined)
        throw new ShakedownError(
          'SHK_USAGE',
          '--missing needs a summary file to compare with: npx shakedown coverage SUMMARY.json --missing (a summary from run --summary or --json)',
          { exitCode: EXIT.usage, context: { flag: '--missing' } },
        );
      const registry = pack.surface;
      const tagged = new Map<string, string[]>();
      // Properties and catalog scenarios both say what they aim at.
      const aimers = [
        ...pack.properties.map((p) => ({ name: p.name, tags: p.tags })),
        ...catalog.map((s) => ({ name: `scenario ${s.name}`, tags: s.tags })),
      ];
      for (const p of aimers)
        for (const tag of p.tags)
          for (const id of resolveTag(registry, tag)) tagged.set(id, [...(tagged.get(id) ?? []), p.name]);
      const coverage: CoverageSummary = file ? readSummaryFile(file).coverage : coverageSummary(registry, []);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      if (flags.json) {
        const categories = coverage.categories.map((c) => ({
          ...c,
          ...(file ? { missing: c.items.filter((i) => !c.exercised.includes(i)) } : {}),
          taggedBy: Object.fromEntries(c.items.map((i) => [i, tagged.get(`${c.name}:${i}`) ?? []])),
        }));
        out(JSON.stringify({ ...(file ? coverage : {}), categories }, null, 2));
        return;
      }
      if (file)
        out(`coverage ${coverage.percent}% (${coverage.exercised} of ${coverage.declared} surface items)`);
      else
        out(
          `declared surface: ${coverage.declared} items; tags show which of the ${pack.properties.length} properties and ${catalog.length} scenarios aim at each`,
        );
      for (const c of coverage.categories) {
        out('');
        out(
          file ? `${c.label}: ${c.exercised.length} of ${c.items.length}` : `${c.label} (${c.items.length}):`,
        );
        for (const item of c.items) {
          const hit = c.exercised.includes(item);
          if (flags.missing && hit) continue;
          const mark = file ? (hit ? '  x ' : '  - ') : '    ';
          const by = tagged.get(`${c.name}:${item}`);
          out(`${mark}${item.padEnd(32)}${by ? ` tagged by ${by.join(', ')}` : ''}`);
        }
      }
    });
  addDomainOption(command);
}
