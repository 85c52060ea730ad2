// The HTTP engine's public surface, for the cmdlet layer.
export { createPodeHttpServer, type PodeHttpServer, type PodeHttpServerOptions } from './server.ts';
export type { EndpointConfig, BoundEndpoint } from './endpoints.ts';
export { Router, type RouteMatch, type RouteFound, type RouteNotAllowed, type RouteParams } from './router.ts';
export { StaticRoutes, DEFAULT_INDEX_FILES } from './static.ts';
export { WebEvent, WebRequest, WebResponse, type WebEndpoint, type WebEventSse } from './webevent.ts';
export { currentWebEvent, tryCurrentWebEvent, runInRequest } from './context.ts';
export { json, text, html, file, view, status, redirect, getHeader, setHeader, addHeader, testHeader } from './respond.ts';
export { DEFAULT_BODY_LIMIT, parseBody, readBody, readAndParseBody } from './body.ts';
export { contentTypeFor } from './mime.ts';
export { formatRequestLog, type RequestLogEntry, type RequestLogHook } from './requestlog.ts';
export { HTTP_METHODS, type HttpMethod, type RouteMethod, type Route, type RouteHandler, type StaticRoute, type Middleware, type MiddlewareFn, type MiddlewareDefinition } from './types.ts';
