// docs/globals.md: every non-cmdlet global from the GLOBALS table, with the members of the event objects. The
// member types come from the compiler reading the classes and interfaces themselves, and each member's text from
// its doc comment or the table, so the page follows the code (a member neither listed nor internal is an error).
// Kept in scripts/ because it needs the TypeScript compiler, a dev dependency.
import { join } from 'node:path';
import ts from 'typescript';
import { whereText } from '../host/help/globals.ts';
import { GLOBALS, type GlobalDecl } from '../host/runtime/global-table.ts';

type FieldList = Readonly<Record<string, true | string>>;

interface Member {
  readonly type: string;
  readonly doc: string;
  readonly symbol: ts.Symbol;
}

function publicMembers(checker: ts.TypeChecker, type: ts.Type, at: ts.Node, expanded: ReadonlySet<string> = new Set()): Map<string, Member> {
  const out = new Map<string, Member>();
  for (const prop of checker.getPropertiesOfType(type)) {
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    if (decl && ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    // InTypeAlias spells out an alias a script never names (UrlEncodedData, Protocol), except for a member whose own
    // members are listed below it; the import("…") prefix of a type the file does not import would put this
    // machine's paths in the page.
    const flags = ts.TypeFormatFlags.NoTruncation | (expanded.has(prop.name) ? 0 : ts.TypeFormatFlags.InTypeAlias);
    let text = checker.typeToString(checker.getTypeOfSymbolAtLocation(prop, at), at, flags).replace(/import\("[^"]*"\)\./g, '');
    if (prop.flags & ts.SymbolFlags.Optional && !text.includes('undefined')) text += ' | undefined';
    out.set(prop.name, { type: text, doc: ts.displayPartsToString(prop.getDocumentationComment(checker)).replace(/\s+/g, ' ').trim(), symbol: prop });
  }
  return out;
}

function describe(global: string, path: string, given: true | string, member: Member): string {
  const text = given === true ? member.doc : given;
  if (text === '') throw new Error(`docs: ${global}.${path} has no doc comment: give its description in host/runtime/global-table.ts`);
  return text;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function fieldRows(checker: ts.TypeChecker, global: GlobalDecl, type: ts.Type, at: ts.Node): string[] {
  const members = publicMembers(checker, type, at, new Set(Object.keys(global.expand ?? {})));
  const listed = global.fields ?? {};
  for (const name of members.keys())
    if (!(name in listed) && !global.internal?.includes(name))
      throw new Error(`docs: ${global.name}.${name} is neither listed nor internal in host/runtime/global-table.ts`);
  const rows: string[] = [];
  for (const [name, given] of Object.entries(listed)) {
    const m = members.get(name);
    if (!m) throw new Error(`docs: ${global.name} has no member '${name}' (host/runtime/global-table.ts)`);
    rows.push(`| \`${name}\` | \`${cell(m.type)}\` | ${cell(describe(global.name, name, given, m))} |`);
    const sub: FieldList | undefined = global.expand?.[name];
    if (!sub) continue;
    const subMembers = publicMembers(checker, checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(m.symbol, at)), at);
    for (const subName of subMembers.keys())
      if (!(subName in sub)) throw new Error(`docs: ${global.name}.${name}.${subName} is not listed in host/runtime/global-table.ts`);
    for (const [subName, subGiven] of Object.entries(sub)) {
      const s = subMembers.get(subName);
      if (!s) throw new Error(`docs: ${global.name}.${name} has no member '${subName}' (host/runtime/global-table.ts)`);
      rows.push(`| \`${name}.${subName}\` | \`${cell(s.type)}\` | ${cell(describe(global.name, `${name}.${subName}`, subGiven, s))} |`);
    }
  }
  return rows;
}

/** The exported type `name` of `file`, as the compiler sees it (a class gives its instance type). */
function exportedType(checker: ts.TypeChecker, source: ts.SourceFile, name: string): ts.Type {
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const symbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
  if (!symbol) throw new Error(`docs: ${source.fileName} exports no '${name}'`);
  return checker.getDeclaredTypeOfSymbol(symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
}

export function renderGlobalsPage(repoRoot: string): string {
  const withFields = GLOBALS.filter((g) => g.fields);
  const files = withFields.map((g) => join(repoRoot, g.imports[0]!.from));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const lines = [
    '<!-- Generated by `npm run docs` from host/runtime/global-table.ts and the types it names: do not edit by hand. -->',
    '# Globals',
    '',
    'Besides the cmdlets (`AddPodeRoute`, `ConvertToPodeSseConnection`, … see [Functions](Functions/)), a',
    '`podets serve` script sees these globals. Type them with `/// <reference types="podets/globals" />`.',
    '',
    '| Global | Type | Set in | What it is |',
    '| --- | --- | --- | --- |',
    ...GLOBALS.map((g) => `| \`${g.name}\` | \`${cell(g.type)}\` | ${cell(whereText(g))} | ${cell(g.description)} |`),
  ];
  for (const g of withFields) {
    const source = program.getSourceFile(join(repoRoot, g.imports[0]!.from))!;
    const type = exportedType(checker, source, g.imports[0]!.name);
    lines.push('', `## ${g.name}`, '', `${g.description} Set in: ${whereText(g)}.`, '', '| Field | Type | What it is |', '| --- | --- | --- |');
    lines.push(...fieldRows(checker, g, type, source));
  }
  return lines.join('\n') + '\n';
}
