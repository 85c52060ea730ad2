// Every cmdlet group, so one import registers all of them (the docs script, the CLI's help).
export * from './sse.ts';
export * from './server.ts';
