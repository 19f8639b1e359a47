/**
 * The node's HTTP API (Fastify): JSON routes over a GongzhiNode, validated by JSON schemas that
 * also generate the OpenAPI document. Every error is answered as `{error: {code, message, details}}`
 * with the status of its code.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import type { Logger } from 'pino';
import { fromBase64Url } from '../encoding/index.js';
import { GongzhiError, httpStatusFor, isGongzhiError } from '../errors/index.js';
import type { GongzhiNode } from '../node/gongzhi-node.js';
import type { CommitInfo, GroupLedger } from '../node/group-ledger.js';
import { assertSyncRequest, syncBlocks } from '../node/peer-sync.js';
import { receiptView, toJsonValue } from '../sdk/json-view.js';
import type {
  ApiErrorBody,
  BatchResponse,
  BatchResultEntry,
  GroupsResponse,
  HealthResponse,
  NodeInfoResponse,
  QueryResponse,
  SubmitResponse,
  TxListResponse,
} from '../sdk/types.js';
import { evidenceCertificate } from './evidence-certificate.js';
import { blockResponse, findBlock, txIndexEntry, txResponse } from './ledger-views.js';
import { traceRoutes } from './routes/trace.js';
import {
  apiErrorSchema,
  batchSchema,
  blockSchema,
  certificateSchema,
  DEFAULT_WAIT_MS,
  eventsSchema,
  groupsSchema,
  healthSchema,
  latestBlockSchema,
  MAX_WAIT_MS,
  metricsSchema,
  nodeInfoSchema,
  openapiSchema,
  querySchema,
  submitSchema,
  syncBlocksSchema,
  txListSchema,
  txSchema,
} from './schemas.js';
import { type SseStream, streamBlocks } from './sse.js';

export interface ServerOptions {
  /** Largest accepted request body for every route but the batch route (default 1 MiB). */
  readonly bodyLimit?: number;
  /** Largest accepted batch body (default 48 MiB, never below `bodyLimit`). */
  readonly batchBodyLimit?: number;
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

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const DEFAULT_BATCH_BODY_LIMIT = 48 * 1024 * 1024;
/** On close, connections still busy after this long are cut. */
const CLOSE_GRACE_MS = 5000;

type GroupParams = { group: string };
type WaitQuery = { wait?: 'commit'; timeoutMs?: string };

/** A validated digit string from a query or header, range-checked; `dflt` when absent. */
function uintParam(v: string | undefined, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new GongzhiError('API_BAD_REQUEST', `${name} must be an integer ${min}..${max}`, { name });
  }
  return n;
}

const waitMs = (q: WaitQuery): number => uintParam(q.timeoutMs, 'timeoutMs', 1, MAX_WAIT_MS, DEFAULT_WAIT_MS);

/** The error answer for `e`, and its status. */
export function errorBody(e: GongzhiError): { status: number; body: ApiErrorBody } {
  return { status: httpStatusFor(e.code), body: { error: e.toJSON() } };
}

interface FastifyLikeError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message?: string;
  readonly validation?: readonly { instancePath?: string; message?: string }[];
  readonly validationContext?: string;
}

/** Map anything thrown while serving a request to a GongzhiError. */
export function toApiError(err: unknown): GongzhiError {
  if (isGongzhiError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as FastifyLikeError;
  if (e.validation) {
    const first = e.validation[0];
    const details: Record<string, string> = {};
    if (e.validationContext) details.part = e.validationContext;
    if (first?.instancePath) details.field = first.instancePath;
    return new GongzhiError('API_BAD_REQUEST', e.message ?? 'invalid request', details);
  }
  const status = e.statusCode;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    return new GongzhiError('API_BODY_TOO_LARGE', 'request body is too large');
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
    return new GongzhiError('API_UNSUPPORTED_MEDIA_TYPE', 'unsupported content type (use application/json)');
  }
  if (status === 404) return new GongzhiError('API_NOT_FOUND', e.message ?? 'not found');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const invalidJson =
      e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
    return new GongzhiError(
      'API_BAD_REQUEST',
      invalidJson ? 'request body is not valid JSON' : (e.message ?? 'bad request'),
      {
        ...(e.code === undefined ? {} : { reason: e.code }),
      },
    );
  }
  return new GongzhiError('API_INTERNAL', 'internal error', {}, { cause: err });
}

function sendError(reply: FastifyReply, e: GongzhiError): FastifyReply {
  const { status, body } = errorBody(e);
  if (e.code === 'MEMPOOL_FULL' || e.code === 'NODE_SHUTTING_DOWN') {
    const ms = typeof e.details.retryAfterMs === 'number' ? e.details.retryAfterMs : 1000;
    reply.header('Retry-After', String(Math.max(1, Math.ceil(ms / 1000))));
  }
  return reply.code(status).send(body);
}

function decodeTxParam(s: string): Uint8Array {
  try {
    return fromBase64Url(s);
  } catch {
    throw new GongzhiError('TX_MALFORMED', 'transaction is not valid base64url', { length: s.length });
  }
}

/** Shutdown state shared by the routes of one server. */
class Lifecycle {
  closing = false;
  readonly streams = new Set<SseStream>();
  /** Rejecters of the commit waits in flight (a set, so finished waits leave nothing behind). */
  private readonly waits = new Set<(e: GongzhiError) => void>();

  begin(): void {
    if (this.closing) return;
    this.closing = true;
    const err = new GongzhiError('NODE_SHUTTING_DOWN', 'server is shutting down');
    for (const reject of [...this.waits]) reject(err);
    this.waits.clear();
    for (const s of [...this.streams]) s.end();
  }

  /** Wait for a commit, giving up with NODE_SHUTTING_DOWN when the server closes. */
  waitForCommit(g: GroupLedger, hash: string, timeoutMs: number): Promise<CommitInfo> {
    if (this.closing) {
      return Promise.reject(new GongzhiError('NODE_SHUTTING_DOWN', 'server is shutting down'));
    }
    return new Promise<CommitInfo>((resolve, reject) => {
      this.waits.add(reject);
      g.waitForCommit(hash, timeoutMs)
        .then(resolve, reject)
        .finally(() => this.waits.delete(reject));
    });
  }
}

/** Build (but do not start) the API server of `node`. */
export function buildServer(node: GongzhiNode, opts: ServerOptions = {}): FastifyInstance {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const batchBodyLimit = Math.max(opts.batchBodyLimit ?? DEFAULT_BATCH_BODY_LIMIT, bodyLimit);
  const app = Fastify({
    bodyLimit,
    ...(typeof opts.logger === 'object' ? { loggerInstance: opts.logger } : { logger: opts.logger ?? false }),
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // No type coercion (a number is not a string), no silent stripping of unknown fields.
    ajv: {
      customOptions: { strict: false, coerceTypes: false, removeAdditional: false, useDefaults: false },
    },
  }) as unknown as FastifyInstance;
  const life = new Lifecycle();

  app.addSchema(apiErrorSchema);
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

  app.addHook('onRequest', async (req, reply) => {
    if (!life.closing || req.url === '/health') return;
    reply.header('Connection', 'close');
    return sendError(reply, new GongzhiError('NODE_SHUTTING_DOWN', 'server is shutting down'));
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

  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gongzhi node API',
        description:
          'HTTP API of a Gongzhi consortium ledger node. Errors are `{error: {code, message, details}}` ' +
          'with the HTTP status of the code.',
        version: '1.0.0',
      },
      tags: [
        { name: 'node', description: 'Node status and metadata' },
        { name: 'transactions', description: 'Submit and look up transactions' },
        { name: 'blocks', description: 'Blocks and block events' },
        { name: 'state', description: 'Module queries' },
        { name: 'evidence', description: 'Evidence certificates' },
      ],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });

  app.register(async (api) => {
    api.get('/health', { schema: healthSchema }, async (_req, reply) => {
      const groups = node.groupIds().map((id) => node.group(id));
      const halted = groups.some((g) => g.halted !== undefined);
      const body: HealthResponse = {
        status: life.closing ? 'shutting-down' : halted ? 'halted' : 'ok',
        groups: groups.map((g) => ({
          id: g.group,
          height: g.latest.height,
          finalHeight: g.finalHeight,
          mempool: g.mempoolSize,
          ...(g.halted ? { halted: `${g.halted.code}: ${g.halted.message}` } : {}),
        })),
      };
      return reply.code(body.status === 'ok' ? 200 : 503).send(body);
    });

    api.get('/metrics', { schema: metricsSchema }, async (_req, reply) => {
      const registry = node.metrics.registry;
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    });

    api.get('/openapi.json', { schema: openapiSchema }, async () => app.swagger());

    api.get('/v1/node', { schema: nodeInfoSchema }, async (): Promise<NodeInfoResponse> => {
      const i = node.info();
      return {
        nodeId: i.nodeId,
        org: i.org,
        publicKey: i.publicKey,
        suite: i.suite,
        chain: i.chain,
        groups: i.groups,
      };
    });

    api.get('/v1/groups', { schema: groupsSchema }, async (): Promise<GroupsResponse> => {
      const info = node.info();
      const byId = new Map(info.groups.map((g) => [g.id, g]));
      return {
        groups: node.groupIds().map((id) => {
          const g = node.group(id);
          return {
            id,
            chain: g.chain,
            suite: g.suite.id,
            height: g.latest.height,
            genesisHash: byId.get(id)?.genesisHash ?? '',
            mempool: g.mempoolSize,
          };
        }),
      };
    });

    api.post<{ Params: GroupParams; Querystring: WaitQuery; Body: { tx: string } | Buffer }>(
      '/v1/groups/:group/txs',
      { schema: submitSchema },
      async (req, reply) => {
        const g = node.group(req.params.group);
        const timeoutMs = waitMs(req.query);
        const body = req.body as unknown;
        let bytes: Uint8Array;
        if (body instanceof Uint8Array) bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
        else if (
          typeof body === 'object' &&
          body !== null &&
          typeof (body as { tx?: unknown }).tx === 'string'
        ) {
          bytes = decodeTxParam((body as { tx: string }).tx);
        } else
          throw new GongzhiError('API_BAD_REQUEST', 'body must be {tx: base64url} or application/cbor bytes');
        const [r] = await g.submit([bytes]);
        if (!r) throw new GongzhiError('API_INTERNAL', 'no submit result');
        if ('error' in r) throw r.error;
        if (req.query.wait !== 'commit')
          return reply.code(202).send({ hash: r.hash } satisfies SubmitResponse);
        const c = await life.waitForCommit(g, r.hash, timeoutMs);
        const out: SubmitResponse = {
          hash: r.hash,
          status: 'committed',
          height: c.height,
          index: c.index,
          receipt: receiptView(c.receipt),
        };
        return reply.code(200).send(out);
      },
    );

    api.post<{ Params: GroupParams; Querystring: WaitQuery; Body: { txs: string[] } }>(
      '/v1/groups/:group/txs/batch',
      { schema: batchSchema, bodyLimit: batchBodyLimit },
      async (req): Promise<BatchResponse> => {
        const g = node.group(req.params.group);
        const timeoutMs = waitMs(req.query);
        const txs = req.body.txs;
        const results: BatchResultEntry[] = new Array(txs.length);
        const decoded: Uint8Array[] = [];
        const positions: number[] = [];
        for (let i = 0; i < txs.length; i++) {
          try {
            decoded.push(decodeTxParam(txs[i] as string));
            positions.push(i);
          } catch (e) {
            const err = toApiError(e);
            results[i] = { error: { code: err.code, message: err.message } };
          }
        }
        const submitted = decoded.length > 0 ? await g.submit(decoded) : [];
        const accepted: number[] = [];
        for (let k = 0; k < submitted.length; k++) {
          const r = submitted[k];
          const i = positions[k] as number;
          if (!r) continue;
          if ('error' in r) {
            results[i] = {
              ...(r.hash === undefined ? {} : { hash: r.hash }),
              error: { code: r.error.code, message: r.error.message },
            };
          } else {
            results[i] = { hash: r.hash };
            accepted.push(i);
          }
        }
        if (req.query.wait === 'commit' && accepted.length > 0) {
          await Promise.all(
            accepted.map(async (i) => {
              const hash = (results[i] as { hash: string }).hash;
              try {
                const c = await life.waitForCommit(g, hash, timeoutMs);
                results[i] = {
                  hash,
                  status: 'committed',
                  height: c.height,
                  index: c.index,
                  receiptStatus: c.receipt.status,
                };
              } catch (e) {
                const err = toApiError(e);
                results[i] = { hash, error: { code: err.code, message: err.message } };
              }
            }),
          );
        }
        return { results };
      },
    );

    api.get<{ Params: GroupParams; Querystring: { from?: string; limit?: string } }>(
      '/v1/groups/:group/sync/blocks',
      { schema: syncBlocksSchema },
      async (req) => {
        const g = node.group(req.params.group);
        const from = uintParam(req.query.from, 'from', 1, Number.MAX_SAFE_INTEGER, 1);
        const limit = uintParam(req.query.limit, 'limit', 1, 1000, 200);
        assertSyncRequest(g, from, req.headers);
        return { blocks: syncBlocks(g, from, limit) };
      },
    );

    api.get<{
      Params: GroupParams;
      Querystring: { sender?: string; module?: string; limit?: string; before?: string };
    }>('/v1/groups/:group/txs', { schema: txListSchema }, async (req): Promise<TxListResponse> => {
      const g = node.group(req.params.group);
      const { sender, module } = req.query;
      if ((sender === undefined) === (module === undefined)) {
        throw new GongzhiError('API_BAD_REQUEST', 'give exactly one of sender or module');
      }
      const limit = uintParam(req.query.limit, 'limit', 1, 1000, 100);
      const before = uintParam(
        req.query.before,
        'before',
        0,
        Number.MAX_SAFE_INTEGER,
        Number.MAX_SAFE_INTEGER,
      );
      const rows =
        sender !== undefined
          ? g.store.txsBySender(sender, limit, before)
          : g.store.txsByModule(module as string, limit, before);
      return { txs: rows.map(txIndexEntry) };
    });

    api.get<{ Params: GroupParams & { hash: string } }>(
      '/v1/groups/:group/txs/:hash',
      { schema: txSchema },
      async (req) => txResponse(node.group(req.params.group), req.params.hash),
    );

    api.get<{ Params: GroupParams }>(
      '/v1/groups/:group/blocks/latest',
      { schema: latestBlockSchema },
      async (req) => {
        const g = node.group(req.params.group);
        return blockResponse(g, g.latest);
      },
    );

    api.get<{ Params: GroupParams & { id: string } }>(
      '/v1/groups/:group/blocks/:id',
      { schema: blockSchema },
      async (req) => {
        const g = node.group(req.params.group);
        return blockResponse(g, findBlock(g, req.params.id));
      },
    );

    api.get<{ Params: GroupParams & { module: string; name: string }; Querystring: Record<string, string> }>(
      '/v1/groups/:group/query/:module/:name',
      { schema: querySchema },
      async (req): Promise<QueryResponse> => {
        const g = node.group(req.params.group);
        const args: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.query)) args[k] = v;
        return { result: toJsonValue(g.query(req.params.module, req.params.name, args)) };
      },
    );

    api.get<{ Params: GroupParams & { digest: string } }>(
      '/v1/groups/:group/evidence/:digest/certificate',
      { schema: certificateSchema },
      async (req) => evidenceCertificate(node.group(req.params.group), req.params.digest),
    );

    api.get<{ Params: GroupParams; Querystring: { from?: string }; Headers: { 'last-event-id'?: string } }>(
      '/v1/groups/:group/events',
      { schema: eventsSchema },
      async (req, reply) => {
        const g = node.group(req.params.group);
        const lastId = req.headers['last-event-id'];
        const max = Number.MAX_SAFE_INTEGER - 1;
        const from =
          typeof lastId === 'string' && lastId !== ''
            ? uintParam(lastId, 'Last-Event-ID', 0, max, 0) + 1
            : uintParam(req.query.from, 'from', 0, max, g.latest.height + 1);
        reply.hijack();
        const stream = streamBlocks(g, from, reply.raw, () => {
          life.streams.delete(stream);
        });
        life.streams.add(stream);
      },
    );
  });
  app.register(traceRoutes(node));

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
      closed ??= app.close();
      return closed;
    },
  };
}
