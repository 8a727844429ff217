import type { Command } from 'commander';
import { PLANTED_BUGS } from '../../exchange/bugs/planted-bugs.ts';

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('list the planted bugs of the reference exchange (and, later, properties and invariants)')
    .option('--bugs', 'planted bugs, each with the invariant that should catch it')
    .option('--json', 'print JSON instead of a table')
    .action((options: { bugs?: boolean; json?: boolean }) => {
      const rows = PLANTED_BUGS.map((b) => ({
        name: b.name,
        invariant: b.invariant,
        needs: b.needs,
        summary: b.summary,
      }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ bugs: rows }, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rows.map((r) => r.name.length));
      const invWidth = Math.max(...rows.map((r) => r.invariant.length));
      process.stdout.write(`planted bugs (${rows.length}), enable with --bug NAME:\n`);
      for (const r of rows) {
        process.stdout.write(
          `  ${r.name.padEnd(width)}  caught by ${r.invariant.padEnd(invWidth)}  [${r.needs}]  ${r.summary}\n`,
        );
      }
    });
}
