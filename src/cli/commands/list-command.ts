import type { Command } from 'commander';
import { FAULT_KINDS, type FaultKind } from '../../core/faults/fault.ts';
import type { AnyDomainPack } from '../../core/model/domain-pack.ts';
import { DEFAULT_DOMAIN, type LoadedDomain } from '../../domains/registry.ts';
import { addDomainOption } from '../options/domain-option.ts';
import { examplesAndExitCodes } from '../options/help-text.ts';
import { FAULT_SUMMARIES } from './fault-summaries.ts';

interface ListFlags {
  bugs?: boolean;
  properties?: boolean;
  invariants?: boolean;
  faults?: boolean;
  scenarios?: boolean;
  json?: boolean;
}

/** `shakedown list`: the properties, invariants and planted bugs (all three unless one is asked for). */
export function registerListCommand(program: Command, domain: LoadedDomain): void {
  const { pack } = domain;
  const sources = pack.scenarioSources ?? {};
  const command = program
    .command('list')
    .description('list the properties, the invariants, the planted bugs, the fault kinds and the scenarios')
    .option('--properties', 'properties, with their invariants and tags')
    .option('--invariants', 'invariants, with what each checks')
    .option('--bugs', 'planted bugs (venue and client), each with the invariant that should catch it')
    .option('--faults', "fault kinds the domain's reference target can inject, for --faults")
    .option('--scenarios', 'the scenario catalog, with source documents and surface tags')
    .option('--json', 'print JSON instead of text')
    .addHelpText(
      'after',
      examplesAndExitCodes({
        examples: [
          ['npx shakedown list --properties', 'the properties, with their invariants and tags'],
          ['npx shakedown list --faults', 'the fault kinds --faults takes'],
          ['npx shakedown list --scenarios --json', 'the scenario catalog as JSON'],
        ],
        exitCodes: [
          [0, 'listed'],
          [2, 'bad flags (one SHK_ line on stderr)'],
        ],
      }),
    )
    .action(async (flags: ListFlags) => {
      const all = !flags.bugs && !flags.properties && !flags.invariants && !flags.faults && !flags.scenarios;
      const scenarios = (pack.scenarios ?? []).map((s) => ({
        name: s.name,
        source: s.source,
        document: sources[s.source] ?? s.source,
        description: s.description,
        tags: [...s.tags],
      }));
      const properties = pack.properties.map((p) => ({
        name: p.name,
        description: p.description,
        invariants: [...p.invariants],
        tags: [...p.tags],
      }));
      const invariants = pack.invariants.map((i) => ({ name: i.name, description: i.description }));
      // `venue` for the reference system's side: the word `list --bugs` has always shown.
      const bugs = (pack.bugs ?? []).map((b) => ({
        name: b.name,
        invariant: b.invariant,
        needs: b.needs ?? '-',
        summary: b.summary,
        side: b.side === 'reference' ? 'venue' : b.side,
      }));
      const supported = all || flags.faults ? await referenceFaultKinds(pack) : FAULT_KINDS;
      const trading = domain.recordAs === DEFAULT_DOMAIN;
      const faults = FAULT_KINDS.filter((kind) => supported.includes(kind)).map((kind) => ({
        name: kind,
        summary: trading ? FAULT_SUMMARIES[kind] : withoutTradingTerms(FAULT_SUMMARIES[kind]),
      }));
      if (flags.json) {
        const out: Record<string, unknown> = {};
        if (all || flags.properties) out.properties = properties;
        if (all || flags.invariants) out.invariants = invariants;
        if (all || flags.bugs) out.bugs = bugs;
        if (all || flags.faults) out.faults = faults;
        if (all || flags.scenarios) out.scenarios = scenarios;
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const write = (line: string) => process.stdout.write(`${line}\n`);
      const pad = (rows: { name: string }[]) => Math.max(...rows.map((r) => r.name.length));
      if (all || flags.properties) {
        write(`properties (${properties.length}), run with --property NAME:`);
        const w = pad(properties);
        for (const p of properties)
          write(`  ${p.name.padEnd(w)}  ${p.invariants.length} invariants  ${p.description}`);
      }
      if (all || flags.invariants) {
        if (all) write('');
        write(`invariants (${invariants.length}):`);
        const w = pad(invariants);
        for (const i of invariants) write(`  ${i.name.padEnd(w)}  ${i.description}`);
      }
      if (all || flags.bugs) {
        if (all) write('');
        write(`planted bugs (${bugs.length}), enable with --bug NAME:`);
        const w = pad(bugs);
        const iw = Math.max(0, ...bugs.map((b) => b.invariant.length));
        for (const b of bugs)
          write(
            `  ${b.name.padEnd(w)}  caught by ${b.invariant.padEnd(iw)}  [${b.side}, ${b.needs}]  ${b.summary}`,
          );
      }
      if (all || flags.faults) {
        if (all) write('');
        write(`fault kinds (${faults.length}), mix in with --faults KIND,... or --faults all:`);
        const w = pad(faults);
        for (const f of faults) write(`  ${f.name.padEnd(w)}  ${f.summary}`);
      }
      if (all || flags.scenarios) {
        if (all) write('');
        write(`scenarios (${scenarios.length}), run with --scenario NAME or --scenario all:`);
        const w = pad(scenarios);
        for (const source of Object.keys(sources)) {
          write(`  from ${sources[source]}`);
          for (const s of scenarios.filter((x) => x.source === source))
            write(`    ${s.name.padEnd(w)}  ${s.description}  [${s.tags.join(', ')}]`);
        }
      }
    });
  addDomainOption(command);
}

/**
 * The fault kinds the pack's reference target (in-process) can inject, as its factory says;
 * every kind when it says nothing or cannot be built here. Building a factory starts no target.
 */
async function referenceFaultKinds(pack: AnyDomainPack): Promise<readonly FaultKind[]> {
  try {
    const factory = await pack.targetFactory({ kind: 'inproc' }, { bugs: [], seed: 0 });
    const kinds = factory.faultKinds;
    await factory.dispose?.();
    return kinds ?? FAULT_KINDS;
  } catch {
    return FAULT_KINDS;
  }
}

/** A fault's line for another domain than trading: its link and its system, not a trader's and a venue. */
function withoutTradingTerms(summary: string): string {
  return summary
    .replaceAll('a trader link', "a client's link")
    .replaceAll(' restarted from its journal', ' restarted')
    .replaceAll("the venue's", "the system's")
    .replaceAll('the venue', 'the system');
}
