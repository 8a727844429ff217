import type { FaultKind } from '../../core/faults/fault.ts';
import type { ActionBase } from '../../core/model/action.ts';
import type { Property } from '../../core/model/property.ts';
import { EXIT, ShakedownError } from '../../core/shakedown-error.ts';

/** `--faults`: nothing given means each property's default; `none` turns faults off everywhere. */
export function parseFaultSelection(values: readonly string[]): readonly FaultKind[] | 'all' | undefined {
  if (values.length === 0) return undefined;
  for (const word of ['all', 'none'])
    if (values.includes(word) && values.length > 1)
      throw new ShakedownError('SHK_USAGE', `--faults: "${word}" cannot be combined with other kinds`, {
        exitCode: EXIT.usage,
      });
  if (values[0] === 'all') return 'all';
  if (values[0] === 'none') return [];
  return [...new Set(values)] as FaultKind[];
}

/** The kinds the chosen properties mix in by default, so the target can prepare for them. */
export function faultsOfProperties<A extends ActionBase>(
  properties: readonly Property<A>[],
): readonly FaultKind[] | 'all' {
  if (properties.some((p) => p.faults === 'all')) return 'all';
  return [...new Set(properties.flatMap((p) => (p.faults === 'all' ? [] : (p.faults ?? []))))];
}
