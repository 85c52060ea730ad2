// A binding as PowerShell would show it: the chosen set and $PSBoundParameters (switches as true/false,
// enum values by name). Used by `podets bind` and by tests.
import type { Binding } from './bind.ts';

export interface BindingDescription {
  ParameterSetName: string;
  BoundParameters: Record<string, unknown>;
}

export function describeBinding(b: Binding): BindingDescription {
  const bound: Record<string, unknown> = {};
  b.cmdlet.params.forEach((p, i) => {
    if (b.values[i] !== undefined) bound[p.name] = b.values[i];
  });
  return { ParameterSetName: b.setName, BoundParameters: bound };
}
