// Every cmdlet group, so one import registers all of them (the docs script, the CLI's help).
export * from './sse.ts';
export * from './server.ts';
export * from './timers.ts';
export * from './schedules.ts';
export * from './logging.ts';
export * from './endpoints.ts';
export * from './routes.ts';
export * from './middleware.ts';
export * from './responses.ts';
export * from './headers.ts';
export * from './utilities.ts';
export * from './authentication.ts';
export * from './cookies.ts';
export * from './security.ts';
export * from './jwt.ts';
export * from './sessions.ts';
export * from './state.ts';
export * from './threading.ts';
export * from './folders.ts'; // issue 14: Set-/Get-PodeDefaultFolder
export * from './metrics.ts';
export * from './tasks.ts';
export * from './status.ts'; // issue 14: Enable-PodeStatusPage (podets only)
