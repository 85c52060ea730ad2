// SYNTAX lines in platyPS 0.14 form, one per parameter set. The wrap rule is platyPS's own
// (MarkdownV2Renderer.GetSyntaxString): before appending " <token>", break when the current line's length
// plus the token's length (without its leading space) exceeds 110. A line can therefore reach 111
// characters, as the seed's first line does; continuation lines start with the token's space.
import type { AnyDecl, ParamView } from './model.ts';
import { inSet, paramViews, parameterSets } from './model.ts';

export const SYNTAX_WIDTH = 110;
const TAIL = ['[-ProgressAction <ActionPreference>]', '[<CommonParameters>]'];

export interface SyntaxBlock {
  /** The set's name, or undefined for a cmdlet without parameter sets. */
  readonly set: string | undefined;
  readonly isDefault: boolean;
  /** The (possibly wrapped, `\n`-joined) syntax line. */
  readonly text: string;
}

export function syntaxToken(v: ParamView): string {
  const p = v.decl;
  if (v.isSwitch) return v.mandatory ? `-${p.name}` : `[-${p.name}]`;
  const name = v.position === undefined ? `-${p.name}` : `[-${p.name}]`;
  const token = `${name} <${p.type}>`;
  return v.mandatory ? token : `[${token}]`;
}

export function wrapSyntax(head: string, tokens: readonly string[], width = SYNTAX_WIDTH): string {
  let out = head;
  let lineStart = 0;
  for (const t of tokens) {
    if (out.length - lineStart + t.length > width) {
      out += '\n';
      lineStart = out.length;
    }
    out += ` ${t}`;
  }
  return out;
}

export function syntaxBlocks(decl: AnyDecl): SyntaxBlock[] {
  const sets = parameterSets(decl);
  const line = (set: string | undefined) =>
    wrapSyntax(decl.name, [...paramViews(decl, set).filter((v) => inSet(v.decl, set)).map(syntaxToken), ...TAIL]);
  if (sets.length === 0) return [{ set: undefined, isDefault: true, text: line(undefined) }];
  return sets.map((set, i) => ({ set, isDefault: i === 0 && set === decl.defaultParameterSet, text: line(set) }));
}

/** One line per parameter set, default set first; params in declaration order. */
export function syntaxLines(decl: AnyDecl): string[] {
  return syntaxBlocks(decl).map((b) => b.text);
}
