// The machinery of an error catalog: one declaration per id (its message template and defaults), from which
// the catalog infers a typed constructor. `errors.SseInvalidEventId(command, { what })` compiles only for an id
// the catalog declares and with the arguments its template names.
import { PodeError } from './error.ts';

/** What the message says: fixed text, or a template of named arguments. */
export type Template<A> = string | ((args: A) => string);

export interface Entry<A> {
  readonly text: Template<A>;
  /** The HTTP status a request handler answers with when the error escapes it (500 when there is none). */
  readonly status?: number;
  /** The parameter the error is about: a name, or read from the arguments. */
  readonly parameter?: string | ((args: A) => string | undefined);
  /**
   * Whose wording the text is (docs/errors.md's "Pode's text?" column). `pode`: the text is Pode's, for the same
   * condition: its key in Pode's src/Locales/en/Pode.psd1, or, for a text Pode writes inline, the file that writes it.
   * `podetsOnly`: a condition Pode does not raise, in podets' words.
   */
  readonly pode?: string;
  readonly podetsOnly?: true;
  /** With `pode`: what podets writes after Pode's text, for the docs to list ("the header value it got"). */
  readonly addition?: string;
}

/** One catalog entry: fixed text, or a template whose argument type, written once, types the `parameter` reader and the callers. */
export function entry(text: string, defaults?: Omit<Entry<{}>, 'text'>): Entry<{}>;
export function entry<A extends object>(text: (args: A) => string, defaults?: Omit<Entry<A>, 'text'>): Entry<A>;
export function entry<A extends object>(text: Template<A>, defaults: Omit<Entry<A>, 'text'> = {}): Entry<A> {
  return { text, ...defaults };
}

/**
 * The constructor of one id: the command (`''` for an error of the host, not of a cmdlet) and the template's
 * arguments, which are optional when all of them are and absent for fixed text.
 */
export type ErrorMaker<A> = ({} extends A
  ? [keyof A] extends [never]
    ? (command: string) => PodeError
    : (command: string, args?: A) => PodeError
  : (command: string, args: A) => PodeError) &
  Readonly<{ id: string; text: Template<A>; status: number | undefined; parameter: Entry<A>['parameter'] } & Pick<Entry<A>, 'pode' | 'podetsOnly' | 'addition'>>;

export type Catalog<C extends Record<string, Entry<any>>> = { readonly [K in keyof C]: C[K] extends Entry<infer A> ? ErrorMaker<A> : never };

/** A catalog whose keys are the ErrorIds; `defaults.status` applies to the entries that name none. */
export function defineCatalog<C extends Record<string, Entry<any>>>(entries: C, defaults: { status?: number } = {}): Catalog<C> {
  const catalog: Record<string, unknown> = {};
  for (const [id, { text, parameter, status = defaults.status, pode, podetsOnly, addition }] of Object.entries(entries)) {
    const make = (command: string, args: object = {}) =>
      new PodeError(id, command, typeof text === 'string' ? text : text(args), {
        parameter: typeof parameter === 'function' ? parameter(args) : parameter,
        status,
      });
    catalog[id] = Object.freeze(Object.assign(make, { id, text, status, parameter, pode, podetsOnly, addition }));
  }
  return Object.freeze(catalog) as Catalog<C>;
}

/**
 * A template with `{name}` in place of each argument, for the docs. Every argument reads as a one-element list,
 * which prints as its element, so the same placeholder serves text, number and list arguments (`join`, `[0]`).
 */
export function placeholders<A>(template: Template<A> | Entry<A>['parameter']): string | undefined {
  if (typeof template !== 'function') return template;
  const args = new Proxy({}, { get: (_, key) => [`{${String(key)}}`], has: () => true });
  return String(template(args as A)); // `(a) => a.message` returns the placeholder list itself
}
