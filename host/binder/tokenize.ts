// The tokenizer behind the third call form, ``pode`ConvertTo-PodeSseConnection -Name ${name} -Scope Local` ``:
// PowerShell's argument-mode syntax, read from a tagged template. It is split in two steps because the
// template's `strings` array is the same object for every call from one call site: `parseTemplate` does all
// of the scanning once per site and refers to interpolations by index only, and `instantiate` places a call's
// values into that parse, which is a walk over a short list with no string scanning.
//
// The one rule everything here protects: an interpolated value is always a value. It never becomes a
// parameter name, never gets re-scanned as syntax, and never changes how the text around it is read, so user
// data cannot inject a parameter.

import { errors } from '../errors/catalog.ts';
import type { PodeError } from '../errors/error.ts';
import { scanNumberLiteral } from '../values/number.ts';

export type Token =
  | { kind: 'parameter'; name: string /* without dash, as typed */; text: string /* e.g. '-Name:' */; colonArg?: { value: unknown } }
  | { kind: 'value'; value: unknown; text: string /* source text, used in error messages */ };

/** Literal text and interpolation indices (numbers), concatenated in order. */
export type TextParts = readonly (string | number)[];

/** A value as parsed: evaluated against each call's interpolated values by `instantiate`. */
export type Expr =
  | { readonly k: 'lit'; readonly v: string | number | bigint | boolean | null }
  | { readonly k: 'interp'; readonly i: number }
  | { readonly k: 'concat'; readonly parts: TextParts }
  | { readonly k: 'list'; readonly items: readonly Expr[] }
  | { readonly k: 'sub'; readonly stmts: readonly Expr[] }
  | { readonly k: 'hash'; readonly entries: readonly (readonly [string, Expr])[] };

export type ParsedItem =
  | { readonly kind: 'parameter'; readonly name: string; readonly text: string; readonly colonArg?: Expr }
  | { readonly kind: 'value'; readonly expr: Expr; readonly text: string | TextParts };

/** The reusable result of `parseTemplate`: holds no interpolated values. */
export interface ParsedCommand {
  readonly command: string;
  readonly interpolationCount: number;
  readonly items: readonly ParsedItem[];
}

/** How an interpolation is shown in the command text that error columns count in. */
export const INTERPOLATION_TEXT = '${…}';

/** The command line as written, with each interpolation shown as `${…}`; error columns refer to this text. */
export function templateText(strings: readonly string[]): string {
  return strings.map((s) => (typeof s === 'string' ? s : '')).join(INTERPOLATION_TEXT);
}

// PowerShell accepts the typographic quotes and dashes that word processors substitute, so pasted command
// lines behave as they do in a console.
const SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b";
const DOUBLE_QUOTES = '"\u201c\u201d\u201e';
const DASHES = '-\u2013\u2014\u2015';
// Characters that end a bareword wherever they appear (PowerShell's ForceStartNewToken set, less whitespace).
const FORCE_END = ',;|&(){}';
// Characters that end a parameter name (PowerShell's ScanParameter): `-Dfoo.bar` is `-Dfoo` then `.bar`.
const PARAM_END = ',;|&(){}.[';
const WS = /[\s\u0085]/;
const LETTER = /\p{L}/u;
const VAR_NAME = /[\p{L}\p{N}_]+(?::[\p{L}\p{N}_]+)*/uy;
const BACKTICK_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

type Ctx = 'top' | 'nested' | 'key';

/**
 * How deep `@( )` and `@{ }` may nest. PowerShell has no fixed limit: its parser gives up with ScriptTooComplicated
 * ("Processing was stopped because the script is too complex.") when the stack runs low (Parser.cs, ParseTask
 * catching InsufficientExecutionStackException). A fixed limit fails the same way however deep the caller's stack
 * already is; a hundred levels is far beyond any command line written by hand.
 */
export const MAX_NESTING = 100;

class PartsBuilder {
  private readonly out: (string | number)[] = [];
  private buf = '';
  hasInterp = false;

  text(s: string): void {
    this.buf += s;
  }

  interp(i: number): void {
    if (this.buf) this.out.push(this.buf);
    this.buf = '';
    this.out.push(i);
    this.hasInterp = true;
  }

  /** The literal text; only meaningful when there was no interpolation. */
  literal(): string {
    return this.buf;
  }

  expr(): Expr {
    if (!this.hasInterp) return { k: 'lit', v: this.buf };
    if (this.buf) this.out.push(this.buf);
    this.buf = '';
    return { k: 'concat', parts: this.out };
  }
}

class Parser {
  private readonly src: string;
  private readonly len: number;
  /** Position in `src` → interpolation index. Each interpolation occupies one placeholder character. */
  private readonly interpAt = new Map<number, number>();
  private readonly multiline: boolean;
  private p = 0;
  private endOfParameters = false;
  /** Open `@(` and `@{` around the current position. */
  private depth = 0;

  constructor(strings: readonly string[]) {
    let src = '';
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i];
      // A tagged template's cooked string is undefined when its JavaScript escape is invalid (`C:\users`).
      if (typeof s !== 'string') {
        throw parseError(
          `Invalid JavaScript escape sequence in the template text before interpolation ${i + 1}: write a backslash as \\\\.`,
        );
      }
      src += s;
      if (i < strings.length - 1) {
        this.interpAt.set(src.length, i);
        src += '\0';
      }
    }
    this.src = src;
    this.len = src.length;
    this.multiline = /[\n\r]/.test(src);
  }

  // ---- positions and errors ----

  /** `column N` (or `line L, column N` in a multi-line template), counting each interpolation as `${…}`. */
  private where(pos: number): string {
    let line = 1;
    let col = 1;
    for (let j = 0; j < pos && j < this.len; j++) {
      const c = this.src[j];
      if (this.interpAt.has(j)) col += INTERPOLATION_TEXT.length;
      else if (c === '\n' || (c === '\r' && this.src[j + 1] !== '\n')) {
        line++;
        col = 1;
      } else col++;
    }
    return this.multiline ? `line ${line}, column ${col}` : `column ${col}`;
  }

  /** Throws a ParseError; `{at}` in the message becomes the position of `pos`. */
  private fail(message: string, pos: number): never {
    throw parseError(message.replace('{at}', () => this.where(pos)));
  }

  private isInterp(q: number): boolean {
    return this.interpAt.has(q);
  }

  /** The character at q, or '' at the end or on an interpolation. */
  private ch(q: number): string {
    return q < this.len && !this.interpAt.has(q) ? this.src[q]! : '';
  }

  private show(q: number): string {
    if (q >= this.len) return 'end of text';
    return this.isInterp(q) ? INTERPOLATION_TEXT : this.src[q]!;
  }

  private isNewline(q: number): boolean {
    const c = this.ch(q);
    return c === '\n' || c === '\r';
  }

  /** A backtick followed by a line break: PowerShell's line continuation, which reads as whitespace. */
  private isContinuation(q: number): boolean {
    return this.ch(q) === '`' && this.isNewline(q + 1);
  }

  /** Whether a token (number, `$true`, a lone interpolation) ends at q. */
  private isTokenEnd(q: number, ctx: Ctx): boolean {
    if (q >= this.len) return true;
    if (this.isInterp(q)) return false;
    const c = this.src[q]!;
    return WS.test(c) || FORCE_END.includes(c) || this.isContinuation(q) || (ctx === 'key' && c === '=');
  }

  /** After the dash: a letter, `_` or `?` makes a parameter (`-5`, `-`, `-$x` are values). */
  private isParamStart(q: number): boolean {
    const c = this.ch(q);
    if (c === '') return false;
    if (c === '_' || c === '?') return true;
    return LETTER.test(String.fromCodePoint(this.src.codePointAt(q)!));
  }

  private isParamAt(q: number): boolean {
    return DASHES.includes(this.ch(q)) && this.ch(q) !== '' && this.isParamStart(q + 1);
  }

  private isDashDashAt(q: number): boolean {
    const a = this.ch(q);
    const b = this.ch(q + 1);
    return a !== '' && b !== '' && DASHES.includes(a) && DASHES.includes(b) && this.isTokenEnd(q + 2, 'top');
  }

  /** Skips whitespace, line continuations and comments; line breaks only when `newlines` (they separate
   *  elements inside `@( )` and `@{ }`). */
  private skipWs(newlines: boolean): void {
    for (;;) {
      const p = this.p;
      if (p >= this.len || this.isInterp(p)) return;
      const c = this.src[p]!;
      if (c === '\n' || c === '\r') {
        if (!newlines) return;
        this.p++;
      } else if (WS.test(c)) {
        this.p++;
      } else if (this.isContinuation(p)) {
        this.p += this.ch(p + 1) === '\r' && this.ch(p + 2) === '\n' ? 3 : 2;
      } else if (c === '#') {
        // A comment runs to the end of the line; an interpolation inside it is ignored, as in PowerShell.
        while (this.p < this.len && !this.isNewline(this.p)) this.p++;
      } else if (c === '<' && this.ch(p + 1) === '#') {
        const end = this.src.indexOf('#>', p + 2);
        if (end < 0) this.fail("Missing end of block comment '#>' for the comment starting at {at}.", p);
        this.p = end + 2;
      } else return;
    }
  }

  // ---- the command line ----

  parse(): { command: string; items: ParsedItem[] } {
    this.skipWs(true);
    if (this.p >= this.len) throw parseError('Missing command name: the command line is empty.');
    const command = this.commandName();
    const items: ParsedItem[] = [];
    for (;;) {
      this.skipWs(true);
      if (this.p >= this.len) break;
      this.element(items);
    }
    return { command, items };
  }

  private commandName(): string {
    const start = this.p;
    if (this.isInterp(start)) {
      this.fail('The command name at {at} cannot be an interpolation: write the command name in the template.', start);
    }
    if (this.isParamAt(start)) {
      const end = this.paramNameEnd(start + 1);
      this.fail(
        `Missing command name: the command line starts with the parameter '${this.src.slice(start, end)}' at {at}.`,
        start,
      );
    }
    while (!this.isTokenEnd(this.p, 'top')) {
      const p = this.p;
      if (this.isInterp(p)) {
        this.fail('An interpolation at {at} cannot be part of the command name: write the command name in the template.', p);
      }
      const c = this.src[p]!;
      if (SINGLE_QUOTES.includes(c) || DOUBLE_QUOTES.includes(c) || c === '$' || c === '`' || (c === '@' && p === start)) {
        this.fail(
          `Unexpected '${c}' in the command name at {at}: the command name is a bareword such as ConvertTo-PodeSseConnection.`,
          p,
        );
      }
      this.p++;
    }
    if (this.p === start) this.unexpected(start);
    return this.src.slice(start, this.p);
  }

  /** One command element at the top level: a parameter, `--`, or a value (possibly a comma list). */
  private element(items: ParsedItem[]): void {
    const start = this.p;
    if (!this.endOfParameters && !this.isInterp(start)) {
      if (this.isDashDashAt(start)) {
        // `--`: every later token is a value. The marker itself is not passed on.
        this.p += 2;
        this.endOfParameters = true;
        return;
      }
      if (this.isParamAt(start)) {
        const param = this.parameter();
        if (param) {
          items.push(param);
          return;
        }
        this.p = start; // a quote inside the name: the whole token is a value, as in PowerShell
      }
    }
    const expr = this.list('top');
    items.push({ kind: 'value', expr, text: this.textParts(start, this.p) });
  }

  private paramNameEnd(q: number): number {
    while (q < this.len && !this.isInterp(q) && !WS.test(this.src[q]!) && !PARAM_END.includes(this.src[q]!) && this.src[q] !== ':') q++;
    return q;
  }

  /** A dash token: `-Name`, `-Name:value`, `-Name: value`. Returns undefined when a quote or backtick in the
   *  name makes it a plain value (`-Name'x'` is the string `-Namex`, as in PowerShell). */
  private parameter(): ParsedItem | undefined {
    const start = this.p;
    let q = start + 1;
    let colon = false;
    for (;;) {
      if (q >= this.len) break;
      if (this.isInterp(q)) {
        const typed = this.src.slice(start, q);
        this.fail(
          `An interpolation is glued to the parameter '${typed}' at {at}: write ${typed}:${INTERPOLATION_TEXT} to make it that parameter's value, or put a space before it.`,
          q,
        );
      }
      const c = this.src[q]!;
      if (WS.test(c) || PARAM_END.includes(c) || this.isContinuation(q)) break;
      if (c === ':') {
        colon = true;
        q++;
        break;
      }
      if (SINGLE_QUOTES.includes(c) || DOUBLE_QUOTES.includes(c) || c === '`') return undefined;
      q++;
    }
    const text = this.src.slice(start, q);
    const name = this.src.slice(start + 1, colon ? q - 1 : q);
    this.p = q;
    if (!colon) return { kind: 'parameter', name, text };
    // `-Name:` takes the next argument, glued or after whitespace (PowerShell's UsedColon).
    this.skipWs(true);
    if (this.p >= this.len || this.isParamAt(this.p) || this.isDashDashAt(this.p)) {
      this.fail(`Parameter '${text}' at {at} requires an argument.`, start);
    }
    return { kind: 'parameter', name, text, colonArg: this.list('top') };
  }

  private textParts(start: number, end: number): string | TextParts {
    const parts: (string | number)[] = [];
    let from = start;
    for (let q = start; q < end; q++) {
      const i = this.interpAt.get(q);
      if (i === undefined) continue;
      if (q > from) parts.push(this.src.slice(from, q));
      parts.push(i);
      from = q + 1;
    }
    if (parts.length === 0) return this.src.slice(start, end);
    if (end > from) parts.push(this.src.slice(from, end));
    return parts;
  }

  /** Errors for a character that cannot start a value. */
  private unexpected(q: number): never {
    const c = this.show(q);
    switch (c) {
      case '|':
        this.fail("The pipe operator '|' at {at} is not supported: a template runs one command; pipe values in JavaScript.", q);
      case ';':
        this.fail("The statement separator ';' at {at} is not supported: a template runs one command.", q);
      case '&':
        this.fail("The '&' character at {at} is not supported; quote it to pass it as text.", q);
      case '(':
        this.fail(`A parenthesized expression at {at} is not supported: compute the value in JavaScript and pass it as ${INTERPOLATION_TEXT}.`, q);
      case '{':
        this.fail(`A script block at {at} is not supported: pass a JavaScript function as ${INTERPOLATION_TEXT}.`, q);
      case ',':
        this.fail("Missing value before ',' at {at}.", q);
      case '>':
      case '<':
        this.fail(`Redirection ('${c}') at {at} is not supported; quote it to pass it as text.`, q);
      default:
        this.fail(`Unexpected '${c}' at {at}.`, q);
    }
  }

  // ---- values ----

  /** A value, or several joined by commas into an array (`a,b`, `'x', 'y'`). */
  private list(ctx: Ctx): Expr {
    const first = this.primary(ctx);
    let items: Expr[] | undefined;
    for (;;) {
      const save = this.p;
      // Inside @( ) and @{ } a line break ends the element, so it may not stand before a comma there.
      this.skipWs(ctx === 'top');
      if (this.ch(this.p) !== ',') {
        this.p = save;
        break;
      }
      const comma = this.p++;
      this.skipWs(true);
      const c = this.ch(this.p);
      if (this.p >= this.len || (!this.isInterp(this.p) && ',;|)}'.includes(c))) {
        this.fail("Missing expression after ',' at {at}.", comma);
      }
      if ((ctx !== 'top' || !this.endOfParameters) && this.isParamAt(this.p)) {
        const word = this.src.slice(this.p, this.paramNameEnd(this.p + 1));
        this.fail(`Missing expression after ',' at {at}: '${word}' is a parameter name, not a value; quote it to pass it as text.`, comma);
      }
      (items ??= [first]).push(this.primary(ctx));
    }
    return items ? { k: 'list', items } : first;
  }

  private primary(ctx: Ctx): Expr {
    const p = this.p;
    if (p >= this.len) this.fail('Missing value at {at}.', p);
    const i = this.interpAt.get(p);
    if (i !== undefined) {
      // Standing alone, the interpolation keeps its JavaScript value; glued to text it is part of a string.
      if (this.isTokenEnd(p + 1, ctx)) {
        this.p++;
        return { k: 'interp', i };
      }
      return this.bareword(ctx).expr();
    }
    const c = this.src[p]!;
    if (SINGLE_QUOTES.includes(c)) {
      // A quoted token ends at its closing quote: `'a'b` is two arguments in PowerShell.
      const b = new PartsBuilder();
      this.singleQuoted(b);
      return b.expr();
    }
    if (DOUBLE_QUOTES.includes(c)) {
      const b = new PartsBuilder();
      this.doubleQuoted(b);
      return b.expr();
    }
    if (c === '$') return this.dollar(ctx);
    if (c === '@') {
      const next = this.ch(p + 1);
      if (next === '(') return this.subexpression();
      if (next === '{') return this.hashtable();
      this.fail(
        "Unexpected '@' at {at}: write @( ) for an array or @{ } for a hashtable (splatting and here-strings are not supported).",
        p,
      );
    }
    if (FORCE_END.includes(c) || c === '>' || (c === '<' && this.ch(p + 1) !== '#')) this.unexpected(p);
    if (ctx !== 'top' && this.isParamAt(p)) {
      const word = this.src.slice(p, this.paramNameEnd(p + 1));
      this.fail(`'${word}' at {at} is a parameter name, not a value; quote it to pass it as text.`, p);
    }
    if (isDigit(c) || ((c === '.' || c === '+' || DASHES.includes(c)) && this.looksNumeric(p))) {
      const n = this.number(ctx);
      if (n !== undefined) return n;
    }
    return this.bareword(ctx).expr();
  }

  private looksNumeric(p: number): boolean {
    const c = this.src[p]!;
    if (c === '.') return isDigit(this.ch(p + 1));
    return isDigit(this.ch(p + 1)) || (this.ch(p + 1) === '.' && isDigit(this.ch(p + 2)));
  }

  /** A PowerShell numeric literal, or undefined when the token is not one (`5abc`, `1.2.3`), which makes it a
   *  bareword, as PowerShell's tokenizer does in argument mode. */
  private number(ctx: Ctx): Expr | undefined {
    const n = scanNumberLiteral(this.src, this.p);
    if (n === undefined || n.value === undefined || !this.isTokenEnd(n.end, ctx)) return undefined;
    this.p = n.end;
    return { k: 'lit', v: n.value };
  }

  /** `$true`, `$false`, `$null`; any other variable is an error; a `$` not starting a name is literal text. */
  private dollar(ctx: Ctx): Expr {
    const p = this.p;
    VAR_NAME.lastIndex = p + 1;
    const m = this.isInterp(p + 1) ? null : VAR_NAME.exec(this.src);
    if (m) {
      const end = p + 1 + m[0].length;
      const lower = m[0].toLowerCase();
      if (this.isTokenEnd(end, ctx)) {
        if (lower === 'true') return this.take(end, true);
        if (lower === 'false') return this.take(end, false);
        if (lower === 'null') return this.take(end, null);
      }
    }
    this.checkDollar(p, false);
    return this.bareword(ctx).expr();
  }

  private take(end: number, v: boolean | null): Expr {
    this.p = end;
    return { k: 'lit', v };
  }

  /** A `$` inside text (a bareword or a double-quoted string). PowerShell would expand a variable there; podets
   *  has no PowerShell variables, so that is an error rather than a silently different string. */
  private checkDollar(p: number, inString: boolean): void {
    if (this.isInterp(p + 1)) return; // `$${price}`: a literal dollar sign before the value
    const c = this.ch(p + 1);
    const where = inString ? 'in a string at {at}' : 'at {at}';
    const hint = `Pass values with ${INTERPOLATION_TEXT} interpolation; for a literal dollar sign write \`$ or use single quotes.`;
    if (c === '(') this.fail(`The subexpression '$(' ${where} is not supported: compute the value in JavaScript. ${hint}`, p);
    if (c === '{') this.fail(`The braced variable '\${' ${where} is not supported: podets has no PowerShell variables. ${hint}`, p);
    VAR_NAME.lastIndex = p + 1;
    const m = VAR_NAME.exec(this.src);
    const name = m ? m[0] : c === '?' || c === '^' || c === '$' ? c : '';
    if (!name) return;
    const lower = name.toLowerCase();
    const which =
      lower === 'true' || lower === 'false' || lower === 'null'
        ? `'$${name}' ${where} is not expanded inside text`
        : `The variable '$${name}' ${where} is not supported: podets has no PowerShell variables (only $true, $false and $null, standing alone)`;
    this.fail(`${which}. ${hint}`, p);
  }

  /** An unquoted argument: text up to whitespace or a special character. Quoted parts and interpolations glued
   *  to it join it (`pre${x}post`, `a'b c'd`); backtick escapes apply, as in PowerShell's expandable barewords. */
  private bareword(ctx: Ctx): PartsBuilder {
    const b = new PartsBuilder();
    for (;;) {
      const p = this.p;
      if (p >= this.len) break;
      const i = this.interpAt.get(p);
      if (i !== undefined) {
        b.interp(i);
        this.p++;
        continue;
      }
      const c = this.src[p]!;
      if (WS.test(c) || FORCE_END.includes(c) || (ctx === 'key' && c === '=')) break;
      if (c === '`') {
        if (this.isNewline(p + 1)) break; // line continuation
        this.p++;
        if (this.p >= this.len) {
          b.text('`');
          break;
        }
        if (!this.isInterp(this.p)) b.text(this.escape());
      } else if (SINGLE_QUOTES.includes(c)) this.singleQuoted(b);
      else if (DOUBLE_QUOTES.includes(c)) this.doubleQuoted(b);
      else {
        if (c === '$') this.checkDollar(p, false);
        b.text(c);
        this.p++;
      }
    }
    return b;
  }

  /** `'…'`: no escapes except a doubled quote; an interpolation inside joins the string. */
  private singleQuoted(b: PartsBuilder): void {
    this.quoted(b, SINGLE_QUOTES, false);
  }

  /** `"…"`: a doubled quote and backtick escapes; `$name` is an error (see checkDollar). */
  private doubleQuoted(b: PartsBuilder): void {
    this.quoted(b, DOUBLE_QUOTES, true);
  }

  /** The one scanner behind both quote kinds; only double quotes (`expandable`) know backticks and `$`. */
  private quoted(b: PartsBuilder, quotes: string, expandable: boolean): void {
    const open = this.p++;
    for (;;) {
      const p = this.p;
      if (p >= this.len) this.fail('Unterminated string starting at {at}.', open);
      const i = this.interpAt.get(p);
      if (i !== undefined) {
        b.interp(i);
        this.p++;
        continue;
      }
      const c = this.src[p]!;
      if (quotes.includes(c)) {
        const next = this.ch(p + 1);
        if (next !== '' && quotes.includes(next)) {
          b.text(next);
          this.p += 2;
          continue;
        }
        this.p++;
        return;
      }
      if (expandable && c === '`') {
        this.p++;
        if (this.p >= this.len) this.fail('Unterminated string starting at {at}.', open);
        // A backtick before an interpolation has nothing to escape: the value is inserted as it is.
        if (!this.isInterp(this.p)) b.text(this.escape());
        continue;
      }
      if (expandable && c === '$') this.checkDollar(p, true);
      b.text(c);
      this.p++;
    }
  }

  /** The character after a backtick (this.p points at it). */
  private escape(): string {
    const p = this.p;
    const c = this.src[p]!;
    const simple = BACKTICK_ESCAPES[c];
    if (simple !== undefined) {
      this.p++;
      return simple;
    }
    if (c === 'u' && this.ch(p + 1) === '{') {
      const close = this.src.indexOf('}', p + 2);
      const hex = close < 0 ? '' : this.src.slice(p + 2, close);
      const cp = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : NaN;
      if (!(cp <= 0x10ffff)) this.fail('Invalid Unicode escape sequence at {at}: write `u{XXXX} with 1 to 6 hex digits.', p - 1);
      this.p = close + 1;
      return String.fromCodePoint(cp);
    }
    this.p++;
    return c;
  }

  /** `@( … )`: statements separated by `;` or line breaks, each statement a value or comma list. Like
   *  PowerShell, each statement's output is enumerated one level: `@(1,2)` and `@(${arr})` are flat arrays. */
  private subexpression(): Expr {
    const open = this.p;
    this.enter("array '@('", open);
    this.p += 2;
    const stmts: Expr[] = [];
    for (;;) {
      this.skipWs(false);
      const p = this.p;
      if (p >= this.len) this.fail("Missing closing ')' for the array '@(' starting at {at}.", open);
      const c = this.ch(p);
      if (c === ')') {
        this.p++;
        break;
      }
      if (c === ';' || c === '\n' || c === '\r') {
        this.p++;
        continue;
      }
      stmts.push(this.list('nested'));
      this.skipWs(false);
      const after = this.ch(this.p);
      if (this.p < this.len && !(after !== '' && ');\n\r'.includes(after))) {
        this.fail(`Unexpected '${this.show(this.p)}' at {at} inside '@( )': separate elements with ',' (or ';' or a line break).`, this.p);
      }
    }
    this.depth--;
    return { k: 'sub', stmts };
  }

  /** `@{ Key = value; … }`: keys are barewords or quoted strings, written in the template; entries are
   *  separated by `;` or line breaks. */
  private hashtable(): Expr {
    const open = this.p;
    this.enter("hashtable '@{'", open);
    this.p += 2;
    const entries: (readonly [string, Expr])[] = [];
    const seen = new Set<string>();
    for (;;) {
      this.skipWs(false);
      const p = this.p;
      if (p >= this.len) this.fail("Missing closing '}' for the hashtable '@{' starting at {at}.", open);
      const c = this.ch(p);
      if (c === '}') {
        this.p++;
        break;
      }
      if (c === ';' || c === '\n' || c === '\r') {
        this.p++;
        continue;
      }
      const key = this.hashKey();
      // Hashtable keys compare case-insensitively in PowerShell, so `@{a=1; A=2}` is a duplicate there too.
      if (seen.has(key.toLowerCase())) this.fail(`Duplicate key '${key}' in the hashtable at {at}.`, p);
      seen.add(key.toLowerCase());
      this.skipWs(false);
      if (this.ch(this.p) !== '=') this.fail(`Missing '=' after the hashtable key '${key}' at {at}.`, this.p);
      this.p++;
      this.skipWs(true);
      const v = this.p;
      if (v >= this.len || (!this.isInterp(v) && ',;})'.includes(this.ch(v)))) {
        this.fail(`Missing value for the hashtable key '${key}' at {at}.`, v);
      }
      entries.push([key, this.list('nested')]);
      this.skipWs(false);
      const after = this.ch(this.p);
      if (this.p < this.len && !(after !== '' && '};\n\r'.includes(after))) {
        this.fail(`Unexpected '${this.show(this.p)}' at {at} in the hashtable: separate entries with ';' or a line break.`, this.p);
      }
    }
    this.depth--;
    return { k: 'hash', entries };
  }

  /** One more level of `@( )` or `@{ }`: parsing recurses per level, so the depth is bounded. */
  private enter(what: string, open: number): void {
    if (++this.depth > MAX_NESTING) {
      this.fail(
        `Processing was stopped because the command line is too complex: the ${what} starting at {at} is nested more than ${MAX_NESTING} levels deep.`,
        open,
      );
    }
  }

  private hashKey(): string {
    const p = this.p;
    if (this.isInterp(p)) {
      this.fail('A hashtable key at {at} cannot be an interpolation: write the key in the template.', p);
    }
    const c = this.src[p]!;
    if (c === '=' || FORCE_END.includes(c) || c === '@') {
      this.fail(`Missing hashtable key at {at}: a key is a bareword or a quoted string.`, p);
    }
    let b: PartsBuilder;
    if (SINGLE_QUOTES.includes(c) || DOUBLE_QUOTES.includes(c)) {
      b = new PartsBuilder();
      if (SINGLE_QUOTES.includes(c)) this.singleQuoted(b);
      else this.doubleQuoted(b);
    } else b = this.bareword('key');
    if (b.hasInterp) this.fail('A hashtable key at {at} cannot contain an interpolation: write the key in the template.', p);
    return b.literal();
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function parseError(message: string): PodeError {
  return errors.ParseError('', { message });
}

/**
 * Parses a tagged template's strings once, without its values. The result is reusable for every call from the
 * same site. Throws `PodeError('ParseError', '', message)` for a syntax error; the message names the column in
 * `templateText(strings)`.
 */
export function parseTemplate(strings: readonly string[], interpolationCount: number): ParsedCommand {
  if (strings.length !== interpolationCount + 1) {
    throw new TypeError(`parseTemplate: ${strings.length} template strings cannot surround ${interpolationCount} interpolations.`);
  }
  const { command, items } = new Parser(strings).parse();
  return { command, interpolationCount, items };
}

/** Places one call's interpolated values into a parse. */
export function instantiate(parsed: ParsedCommand, values: readonly unknown[]): { command: string; tokens: Token[] } {
  if (values.length !== parsed.interpolationCount) {
    throw new TypeError(`instantiate: expected ${parsed.interpolationCount} interpolated values, got ${values.length}.`);
  }
  const items = parsed.items;
  const tokens: Token[] = new Array(items.length);
  for (let n = 0; n < items.length; n++) {
    const it = items[n]!;
    if (it.kind === 'parameter') {
      tokens[n] =
        it.colonArg === undefined
          ? { kind: 'parameter', name: it.name, text: it.text }
          : { kind: 'parameter', name: it.name, text: it.text, colonArg: { value: evaluate(it.colonArg, values) } };
    } else {
      const value = evaluate(it.expr, values);
      const text = it.text;
      tokens[n] = typeof text === 'string' ? { kind: 'value', value, text } : new InterpolatedValueToken(value, text, values);
    }
  }
  return { command: parsed.command, tokens };
}

// The text of a token with interpolations is only needed for error messages, and String() of a large array
// is not free, so it is computed when read. A class getter, not an object-literal getter: a literal with an
// accessor costs about a microsecond per token to create, which is most of a call's budget.
class InterpolatedValueToken {
  readonly kind = 'value' as const;
  readonly #parts: TextParts;
  readonly #values: readonly unknown[];

  constructor(readonly value: unknown, parts: TextParts, values: readonly unknown[]) {
    this.#parts = parts;
    this.#values = values;
  }

  get text(): string {
    return render(this.#parts, this.#values);
  }

  toJSON(): { kind: 'value'; value: unknown; text: string } {
    return { kind: 'value', value: this.value, text: this.text };
  }
}

function render(parts: TextParts, values: readonly unknown[]): string {
  let s = '';
  for (const part of parts) s += typeof part === 'string' ? part : toText(values[part]);
  return s;
}

// String() as a JavaScript template would do it, except that it cannot throw (a null-prototype object has no
// toString; a revoked Proxy refuses even Object.prototype.toString), since a value's text must never be what
// makes a call fail.
function toText(v: unknown): string {
  try {
    return String(v);
  } catch {
    try {
      return Object.prototype.toString.call(v);
    } catch {
      return '[object Object]';
    }
  }
}

function evaluate(e: Expr, values: readonly unknown[]): unknown {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'interp':
      return values[e.i];
    case 'concat':
      return render(e.parts, values);
    case 'list': {
      // A fresh array per call: a cmdlet may keep or change what it is given.
      const out = new Array<unknown>(e.items.length);
      for (let n = 0; n < e.items.length; n++) out[n] = evaluate(e.items[n]!, values);
      return out;
    }
    case 'sub': {
      const out: unknown[] = [];
      for (const st of e.stmts) {
        if (st.k === 'list') {
          for (const item of st.items) out.push(evaluate(item, values));
        } else {
          const v = evaluate(st, values);
          if (Array.isArray(v)) out.push(...v);
          else out.push(v);
        }
      }
      return out;
    }
    case 'hash':
      // fromEntries defines own properties, so a key such as `__proto__` is data, not a prototype change.
      return Object.fromEntries(e.entries.map(([k, x]) => [k, evaluate(x, values)]));
  }
}

const parseCache = new WeakMap<readonly string[], ParsedCommand>();

/**
 * Tokenizes a `pode` tagged-template call. A frozen strings array (every real TemplateStringsArray) is parsed
 * once and cached; other arrays are parsed each time, since they could change.
 */
export function tokenizeCommand(strings: readonly string[], values: readonly unknown[]): { command: string; tokens: Token[] } {
  const cacheable = Object.isFrozen(strings);
  let parsed = cacheable ? parseCache.get(strings) : undefined;
  if (!parsed) {
    parsed = parseTemplate(strings, values.length);
    if (cacheable) parseCache.set(strings, parsed);
  }
  return instantiate(parsed, values);
}
