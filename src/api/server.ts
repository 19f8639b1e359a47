/**
 * The node's HTTP API (Fastify): assembles the route plugins (./routes, one per resource) over a
 * GongzhiNode, with the error answer of ./errors.ts, the shutdown handling of ./lifecycle.ts and
 * the OpenAPI document of ./openapi.ts. Request and response schemas come from src/wire.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { GongzhiError, httpStatusFor } from '../errors/index.js';
import { type ApiLimits, resolveApiLimits } from '../node/config.js';
import type { GongzhiNode } from '../node/gongzhi-node.js';
import { settleWithin } from '../ordering/index.js';
import { ApiErrorBodySchema } from '../wire/index.js';
import { BatchBudget } from './batch-body.js';
import { registerCors } from './cors.js';
import { sendError, toApiError } from './errors.js';
import { Lifecycle } from './lifecycle.js';
import { swaggerOptions } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
import { consoleRoutes } from './routes/console.js';
import { identityRoutes } from './routes/identity.js';
import { ROUTES, type RouteContext } from './routes/index.js';
import { traceRoutes } from './routes/trace.js';

export { errorBody, toApiError } from './errors.js';

export interface ServerOptions {
  /** Timeouts, connection cap, rate limit, body and stream limits (DEFAULT_API_LIMITS for the rest). */
  readonly limits?: Partial<ApiLimits>;
  /** Largest accepted request body for every route but the batch route (`limits.bodyBytes`). */
  readonly bodyLimit?: number;
  /** Ceiling on a batch body (`limits.batchBodyBytes`, never below `bodyLimit`). */
  readonly batchBodyLimit?: number;
  /** Web origins allowed to call the API from their pages (CORS); none by default. */
  readonly corsOrigins?: readonly string[];
  /** `true` for Fastify's own pino logger, or a pino logger to use (default: no logging). */
  readonly logger?: boolean | Logger;
}

export interface StartOptions extends ServerOptions {
  readonly host: string;
  readonly port: number;
}

/** A listening server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8545`. */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Stop accepting requests, end event streams and in-flight waits, close the listener. */
  close(): Promise<void>;
}

/** On close, connections still busy after this long are cut. */
const CLOSE_GRACE_MS = 5000;

/** Build (but do not start) the API server of `node`. */
/**
 * A pino logger as the base logger Fastify's default instance type uses: passing pino's own type
 * would make the instance generic over it, and every plugin typed for the default would not fit.
 */
function asFastifyLogger(l: FastifyBaseLogger): FastifyBaseLogger {
  return l;
}

export function buildServer(node: GongzhiNode, opts: ServerOptions = {}): FastifyInstance {
  const given = resolveApiLimits(opts.limits ?? {});
  const bodyLimit = opts.bodyLimit ?? given.bodyBytes;
  const limits: ApiLimits = {
    ...given,
    bodyBytes: bodyLimit,
    batchBodyBytes: Math.max(opts.batchBodyLimit ?? given.batchBodyBytes, bodyLimit),
  };
  // Node refuses a headers timeout above the request timeout.
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const app = Fastify({
    bodyLimit,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node looks for expired header and request timeouts this often (its default, 30 s, would
      // let a slow client hold its socket up to 30 s past the limit).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
    ...(typeof opts.logger === 'object'
      ? { loggerInstance: asFastifyLogger(opts.logger) }
      : { logger: opts.logger ?? false }),
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // No type coercion (a number is not a string), no silent stripping of unknown fields.
    ajv: {
      customOptions: { strict: false, coerceTypes: false, removeAdditional: false, useDefaults: false },
    },
  });
  const life = new Lifecycle();
  // Beyond this many sockets Node closes each new one at once, before it costs anything.
  app.server.maxConnections = limits.maxConnections;
  const rate = new RateLimiter(limits.ratePerSecond, limits.rateBurst);

  app.addSchema(ApiErrorBodySchema);
  // JSON and CBOR only: anything else (text/plain included) is answered 415.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/cbor', { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, body);
  });

  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err);
    if (httpStatusFor(e.code) >= 500 && e.code !== 'MEMPOOL_FULL' && e.code !== 'NODE_SHUTTING_DOWN') {
      req.log.error({ err, code: e.code, url: req.url }, 'request failed');
    }
    return sendError(reply, e);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      new GongzhiError(
        'API_NOT_FOUND',
        `no route ${req.method} ${req.url.split('?')[0]?.slice(0, 200) ?? ''}`,
      ),
    ),
  );

  registerCors(app, opts.corsOrigins ?? []);
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/health') return;
    if (life.closing) {
      reply.header('Connection', 'close');
      return sendError(reply, new GongzhiError('NODE_SHUTTING_DOWN', 'server is shutting down'));
    }
    // Before the body is read: a client over its rate costs one map lookup.
    const wait = rate.take(req.socket.remoteAddress ?? '');
    if (wait > 0) {
      return sendError(
        reply,
        new GongzhiError('API_RATE_LIMITED', 'too many requests from this client', {
          retryAfterMs: wait,
          ratePerSecond: limits.ratePerSecond,
          burst: limits.rateBurst,
        }),
      );
    }
  });
  // Node's closeIdleConnections() skips sockets that never carried a request (clients keep such
  // sockets in their pools), which would hold close() until the client drops them.
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (req: IncomingMessage) => {
    unused.delete(req.socket);
  });
  app.addHook('preClose', async () => {
    life.begin();
    for (const s of unused) s.destroy();
    // Whatever is still open after the grace period (a slow client) is cut.
    setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS).unref();
  });

  // Registered before the routes: @fastify/swagger collects them as they are added.
  app.register(swagger, swaggerOptions(node));
  const ctx: RouteContext = {
    node,
    life,
    limits,
    batchBudget: new BatchBudget(Math.max(limits.batchBytesInFlight, limits.batchBodyBytes)),
  };
  for (const routes of ROUTES) app.register(routes, ctx);
  app.register(traceRoutes(node));
  app.register(identityRoutes, ctx);
  app.register(consoleRoutes, ctx);
  return app;
}

/** Build the server and listen on `host:port` (port 0 picks a free port). */
export async function startServer(node: GongzhiNode, opts: StartOptions): Promise<RunningServer> {
  const { host, port, ...rest } = opts;
  const app = buildServer(node, rest);
  await app.listen({ host, port });
  const addr = app.server.address() as AddressInfo;
  const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${h}:${addr.port}`,
    app,
    close: () => {
      // Bounded: connections still open after the grace period are cut, and close() stops waiting soon after.
      closed ??= settleWithin(app.close(), CLOSE_GRACE_MS + 2000).then((done) => {
        if (!done) app.server.closeAllConnections();
      });
      return closed;
    },
  };
}
