// The `podets` package: every cmdlet as `VerbPodeNoun`, the `pode` tag, and the types scripts use.
// Under `podets serve` the same names are globals; importing them is for editors and library mode.
export * from './cmdlets/index.ts';
export { pode } from './host/cmdlet/template.ts';
export { variables } from './host/cmdlet/variables.ts';
export { PodeError } from './host/errors/error.ts';
export { createPodeServer, type PodeApp, type PodeServerOptions } from './host/runtime/embed.ts';
export type { PodeRequestHandler } from './host/http/handler.ts';
export type { WebEvent } from './host/http/webevent.ts';
