// The third call form: ``pode`ConvertTo-PodeSseConnection -Name ${name} -Scope Local` ``. The template's
// strings array is the same object for every call from one call site, so its parse (and the cmdlet
// lookup) is cached per site; a call only places the interpolated values.
import { bindTokens } from '../binder/bind.ts';
import { compile, type CompiledCmdlet } from '../binder/compile.ts';
import { errors } from '../errors/catalog.ts';
import type { PodeError } from '../errors/error.ts';
import { instantiate, parseTemplate } from '../binder/tokenize.ts';
import { closestCmdlets, findCmdlet } from './registry.ts';
import { invoke } from './invoke.ts';

type Parsed = ReturnType<typeof parseTemplate>;
const sites = new WeakMap<TemplateStringsArray, { parsed: Parsed; cmdlet: CompiledCmdlet }>();

export function commandNotFound(name: string): PodeError {
  return errors.CommandNotFoundException('', { name, closest: closestCmdlets(name) });
}

export function compileCommand(name: string): CompiledCmdlet {
  const entry = findCmdlet(name);
  if (!entry) throw commandNotFound(name);
  return compile(entry.decl);
}

/** Binds a whole command line (`podets bind`), returning the compiled cmdlet and its tokens' binding. */
export function bindCommandLine(line: string) {
  const { command, tokens } = instantiate(parseTemplate([line], 0), []);
  return bindTokens(compileCommand(command), tokens);
}

/** `pode` called as a plain function, with something other than a template's strings. */
function notATemplate(): PodeError {
  return errors.ParseError('', { message: 'pode is a template tag: write pode`Verb-PodeNoun -Name ${value}`, not pode(...).' });
}

export function pode(strings: TemplateStringsArray, ...values: unknown[]): any {
  let site = sites.get(strings);
  if (!site) {
    if (!Array.isArray(strings) || strings.length !== values.length + 1) throw notATemplate();
    const parsed = parseTemplate(strings, values.length);
    const { command } = instantiate(parsed, values);
    site = { parsed, cmdlet: compileCommand(command) };
    // A real template's strings are frozen and belong to one call site; any other array could change later.
    if (Object.isFrozen(strings)) sites.set(strings, site);
  }
  return invoke(bindTokens(site.cmdlet, instantiate(site.parsed, values).tokens));
}
