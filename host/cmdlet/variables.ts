// The variables that -ErrorVariable, -WarningVariable, -InformationVariable and -OutVariable write to.
// Scripts read them as `PodeVariables.get('name')` (the global) or through `import { variables } from 'podets'`.
export const variables = new Map<string, unknown[]>();

/** `name` replaces the variable; `+name` appends to it, as in PowerShell. Returns the list to fill. */
export function openVariable(spec: string): unknown[] {
  const append = spec.startsWith('+');
  const name = append ? spec.slice(1) : spec;
  const existing = variables.get(name);
  if (append && existing) return existing;
  const list: unknown[] = [];
  variables.set(name, list);
  return list;
}
