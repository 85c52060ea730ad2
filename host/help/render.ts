// Get-Help-style terminal text (the layout of PowerShell 7's `Get-Help <name> -Full`), without colour:
// the CLI adds colour. Every fact comes from the same helpers as the markdown page.
import type { RegisteredCmdlet } from '../cmdlet/registry.ts';
import { acceptedValues, compareNames, defaultText, helpText, paramViews, positionText, setsLabel } from './model.ts';
import { syntaxLines } from './syntax.ts';

const COMMON_PARAMETERS_NOTE = [
  'This cmdlet supports the common parameters: Verbose, Debug,',
  'ErrorAction, ErrorVariable, WarningAction, WarningVariable,',
  'InformationAction, InformationVariable, ProgressAction,',
  'OutBuffer, PipelineVariable, and OutVariable. For more information, see',
  'about_CommonParameters (https://go.microsoft.com/fwlink/?LinkID=113216).',
];

const indent = (text: string, by: number) =>
  text
    .split('\n')
    .map((l) => (l === '' ? '' : ' '.repeat(by) + l))
    .join('\n');

/** Get-Help's attribute table, with its labels padded to one column. */
function attributeRows(rows: ReadonlyArray<readonly [string, string]>): string {
  return rows.map(([k, v]) => `${k.padEnd(29)}${v}`.trimEnd()).join('\n');
}

function parameters(entry: RegisteredCmdlet): string {
  const decl = entry.decl;
  const blocks = paramViews(decl).map((v) => {
    const p = v.decl;
    const head = p.type === 'SwitchParameter' ? `-${p.name} [<SwitchParameter>]` : `-${p.name} <${p.type}>`;
    const values = p.validateSet?.join(', ') ?? acceptedValues(p);
    const valid = values !== undefined ? `\nAccepted values: ${values}` : '';
    const rows = attributeRows([
      ['Required?', String(v.mandatory)],
      ['Position?', positionText(v).toLowerCase()],
      ['Default value', defaultText(p)],
      ['Accept pipeline input?', v.pipeline ? 'true (ByValue)' : 'false'],
      ['Parameter set name', setsLabel(decl, p)],
      ['Aliases', p.aliases?.length ? p.aliases.join(', ') : 'None'],
      ['Accept wildcard characters?', 'false'],
    ]);
    return `${indent(head, 4)}\n${indent(helpText(p) + valid, 8)}\n\n${indent(rows, 8)}\n`;
  });
  blocks.push(`${indent('<CommonParameters>', 4)}\n${indent(COMMON_PARAMETERS_NOTE.join('\n'), 8)}\n`);
  return `PARAMETERS\n${blocks.join('\n')}`;
}

function examples(entry: RegisteredCmdlet): string {
  return (entry.decl.examples ?? [])
    .map((ex, i) => {
      const bar = `-------------------------- EXAMPLE ${i + 1} --------------------------`;
      const text = ex.text ? `\n\n${indent(ex.text, 4)}` : '';
      return `${indent(bar, 4)}\n\n${indent(`PS > ${ex.code}`, 4)}${text}\n\n`;
    })
    .join('');
}

/** The full help of one cmdlet, as `Get-Help <name> -Full` prints it. */
export function renderHelp(entry: RegisteredCmdlet): string {
  const d = entry.decl;
  const syntax = syntaxLines(d)
    .map((l) => indent(l, 4))
    .join('\n\n');
  return [
    '',
    'NAME',
    indent(d.name, 4),
    '',
    'SYNOPSIS',
    indent(d.synopsis, 4),
    '',
    '',
    'SYNTAX',
    syntax,
    '',
    '',
    'DESCRIPTION',
    indent(d.description, 4),
    '',
    '',
    parameters(entry),
    'INPUTS',
    '',
    'OUTPUTS',
    ...(d.outputs ? [indent(d.outputs, 4), ''] : []),
    '',
    examples(entry) + 'RELATED LINKS',
    '',
  ].join('\n');
}

/** Every cmdlet with its group and synopsis, sorted by name, as a plain text table. */
export function renderHelpList(entries: readonly RegisteredCmdlet[]): string {
  const rows = [...entries]
    .sort((a, b) => compareNames(a.decl.name, b.decl.name))
    .map((e) => [e.decl.name, e.group, e.decl.synopsis] as const);
  const head = ['Name', 'Group', 'Synopsis'] as const;
  const w0 = Math.max(head[0].length, ...rows.map((r) => r[0].length));
  const w1 = Math.max(head[1].length, ...rows.map((r) => r[1].length));
  const line = (r: readonly [string, string, string]) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`.trimEnd();
  return [line(head), line(['----', '-----', '--------']), ...rows.map(line)].join('\n') + '\n';
}
