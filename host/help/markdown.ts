// A platyPS 0.14 (schema 2.0.0) markdown page, laid out exactly as Pode's generated help pages are
// (see the seed page for ConvertTo-PodeSseConnection). Text is written as-is: Pode's pages are made in
// platyPS's FormattingPreserve mode, which neither escapes nor re-wraps help text.
import type { RegisteredCmdlet } from '../cmdlet/registry.ts';
import type { ParamDecl } from '../cmdlet/declare.ts';
import { type AnyDecl, type ParamView, PROGRESS_ACTION, acceptedValues, compareNames, defaultText, helpText, inSet, paramViews, parameterSets, positionText, setsLabel } from './model.ts';
import { syntaxBlocks } from './syntax.ts';

export const MODULE_NAME = 'podets';

export const COMMON_PARAMETERS_TEXT =
  'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, ' +
  '-InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -Verbose, -WarningAction, and -WarningVariable. ' +
  'For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).';

const fence = (code: string, lang = '') => `\`\`\`${lang}\n${code}\n\`\`\`\n\n`;
const paragraph = (text: string) => (text.trim() === '' ? '' : `${text}\n\n`);


function frontMatter(entry: RegisteredCmdlet): string {
  return ['---', `external help file: ${MODULE_NAME}-help.xml`, `Module Name: ${MODULE_NAME}`, 'online version:', `PodeType: ${entry.group}`, 'schema: 2.0.0', '---', '', ''].join('\n');
}

function syntaxSection(decl: AnyDecl): string {
  const blocks = syntaxBlocks(decl);
  let out = '## SYNTAX\n\n';
  for (const b of blocks) {
    if (blocks.length > 1) out += `### ${b.set}${b.isDefault ? ' (Default)' : ''}\n`;
    out += fence(b.text);
  }
  return out;
}

/** A section whose empty body still gets its blank line, as platyPS's AddEntryHeaderWithText does. */
const section = (title: string, body: string) => `## ${title}\n${body.trim() === '' ? '\n' : paragraph(body)}`;

function examplesSection(decl: AnyDecl): string {
  let out = '## EXAMPLES\n\n';
  (decl.examples ?? []).forEach((ex, i) => {
    out += `### EXAMPLE ${i + 1}\n${fence(ex.code)}${paragraph(ex.text ?? '')}`;
  });
  return out;
}

/** One yaml block; an enum-typed parameter gets platyPS's `Accepted values:` line after its aliases. */
function yamlBlock(rows: Record<string, string>): string {
  const yaml = (k: string) => (rows[k] === '' ? `${k}:` : `${k}: ${rows[k]}`);
  const head = ['Type', 'Parameter Sets', 'Aliases', ...('Accepted values' in rows ? ['Accepted values'] : [])].map(yaml);
  const tail = ['Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters'].map(yaml);
  return fence([...head, '', ...tail].join('\n'), 'yaml');
}

/**
 * The yaml blocks of one parameter: one, or (as platyPS writes a parameter whose [Parameter()] attributes differ
 * between its sets) one per group of sets that agree, in the sets' display order.
 */
function parameterBlocks(decl: AnyDecl, p: ParamDecl, whole: ParamView, own: boolean): string {
  const rows = (v: ParamView, sets: string) => ({
    Type: p.type,
    'Parameter Sets': sets,
    Aliases: (p.aliases ?? []).join(', '),
    ...(acceptedValues(p) !== undefined && { 'Accepted values': acceptedValues(p)! }),
    Required: v.mandatory ? 'True' : 'False',
    Position: positionText(v),
    'Default value': defaultText(p),
    'Accept pipeline input': v.pipeline ? 'True (ByValue)' : 'False',
    'Accept wildcard characters': 'False',
  });
  if (!own || p.perSet === undefined) return yamlBlock(rows(whole, own ? setsLabel(decl, p) : '(All)'));
  const groups: { key: string; view: ParamView; sets: string[] }[] = [];
  for (const set of parameterSets(decl).filter((s) => inSet(p, s))) {
    const v = paramViews(decl, set).find((x) => x.decl === p)!;
    const key = `${v.mandatory}|${v.position}|${v.pipeline}`;
    const group = groups.find((g) => g.key === key);
    if (group) group.sets.push(set);
    else groups.push({ key, view: v, sets: [set] });
  }
  return groups.map((g) => yamlBlock(rows(g.view, g.sets.join(', ')))).join('');
}

function parametersSection(decl: AnyDecl): string {
  // platyPS sorts parameters by name, ProgressAction among them.
  const whole: ParamView = { decl: PROGRESS_ACTION, position: undefined, isSwitch: false, mandatory: false, pipeline: false };
  const views = [...paramViews(decl), whole];
  const own = new Set(decl.parameters);
  const blocks = views
    .sort((a, b) => compareNames(a.decl.name, b.decl.name))
    .map((v) => {
      const help = helpText(v.decl) || `{{ Fill ${v.decl.name} Description }}`;
      return `### -${v.decl.name}\n${paragraph(help)}${parameterBlocks(decl, v.decl, v, own.has(v.decl))}`;
    });
  return `## PARAMETERS\n\n${blocks.join('')}### CommonParameters\n${paragraph(COMMON_PARAMETERS_TEXT)}`;
}

/** platyPS prints an output type as a bare `###` heading with no blank line after it. */
function outputsSection(decl: AnyDecl): string {
  return `## OUTPUTS\n\n${decl.outputs ? `### ${decl.outputs}\n` : ''}`;
}

export function renderMarkdown(entry: RegisteredCmdlet): string {
  const d = entry.decl;
  return (
    frontMatter(entry) +
    `# ${d.name}\n\n` +
    section('SYNOPSIS', d.synopsis) +
    syntaxSection(d) +
    section('DESCRIPTION', d.description) +
    examplesSection(d) +
    parametersSection(d) +
    '## INPUTS\n\n' +
    outputsSection(d) +
    '## NOTES\n\n' +
    '## RELATED LINKS\n'
  );
}
