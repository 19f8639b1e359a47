import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { fromBase64Url } from '../../encoding/index.js';
import { epcisBrowserScript, formatDigitalLink, parseKey, parseProductPath } from '../../epcis/index.js';
import { GongzhiError, httpStatusFor, isGongzhiError } from '../../errors/index.js';
import { SCAN_PLACE } from '../../modules/trace/index.js';
import type { GongzhiNode } from '../../node/gongzhi-node.js';
import type { GroupLedger } from '../../node/group-ledger.js';
import { TraceRecorder } from '../../node/trace-recorder.js';
import { ScanRecorder } from '../../node/trace-scans.js';
import { TRACE_DOCUMENTS_FILE, TraceDocumentStore } from '../../storage/index.js';
import { type Lang, renderNotFoundPage, renderTracePage } from './trace-page.js';
import { TraceResolver } from './trace-view.js';

/**
 * Traceability routes (a Fastify plugin of its own): the node as a GS1 Digital Link resolver —
 * `GET /01/<gtin>/10/<lot>[/21/<serial>]` answers the consumer page to a browser and the trace as
 * JSON to an API client, `GET /v1/trace/links` lists what it resolves — plus the recording
 * organisation's side: `POST /v1/groups/{group}/trace/events` (an EPCIS document with one signed
 * `trace.record` per event: checked, submitted, its documents kept) and
 * `GET /v1/groups/{group}/trace/events/{hash}` (a kept document, to be re-hashed by anyone).
 */

const errRef = { $ref: 'ApiError#' } as const;
const errors = { '4xx': errRef, '5xx': errRef } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const GROUP = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } as const;
/**
 * Where a scan came from, coarsely, as the node's front proxy (or CDN) names it from its own
 * address lookup — a city, never a position; the client may name one itself with `?place=`.
 */
const PLACE_HEADER = 'x-gongzhi-place';

const resolverQuery = {
  type: 'object',
  properties: {
    group: { ...GROUP, description: 'group (default: the node’s first)' },
    lang: { type: 'string', enum: ['zh', 'en'], description: 'page language (default zh)' },
    format: { type: 'string', enum: ['json', 'html'], description: 'override the Accept header' },
    scan: {
      type: 'string',
      enum: ['0', '1'],
      description:
        'record this resolution of a serial as a consumer scan (default 1; 0 for a holder’s own check)',
    },
    place: {
      type: 'string',
      maxLength: 64,
      description: `coarse place of the scan (city); the front proxy's ${PLACE_HEADER} header wins`,
    },
  },
  additionalProperties: { type: 'string', maxLength: 256 },
} as const;

type ResolverQuery = {
  group?: string;
  lang?: Lang;
  format?: 'json' | 'html';
  scan?: '0' | '1';
  place?: string;
};

function scanPlace(req: FastifyRequest<{ Querystring: ResolverQuery }>): string | undefined {
  const h = req.headers[PLACE_HEADER];
  let raw = typeof h === 'string' ? h : req.query.place;
  if (typeof h === 'string') {
    try {
      raw = decodeURIComponent(h);
    } catch {
      raw = undefined;
    }
  }
  const place = raw?.trim();
  return place !== undefined && SCAN_PLACE.test(place) ? place : undefined;
}

/** Per node: its document store and one recorder per group (opened on first use). */
class TraceState {
  private store: TraceDocumentStore | undefined;
  private readonly recorders = new Map<string, TraceRecorder>();
  private readonly resolvers = new Map<string, TraceResolver>();
  private readonly scanners = new Map<string, ScanRecorder>();

  constructor(private readonly node: GongzhiNode) {}

  recorder(group: string): TraceRecorder {
    let r = this.recorders.get(group);
    if (r === undefined) {
      this.store ??= TraceDocumentStore.open(join(this.node.opts.dataDir, TRACE_DOCUMENTS_FILE));
      r = new TraceRecorder(this.node.group(group), this.store);
      this.recorders.set(group, r);
    }
    return r;
  }

  /** The group's resolver (one per group: its memo is of that group's state). */
  resolver(group: string): TraceResolver {
    let r = this.resolvers.get(group);
    if (r === undefined) {
      r = new TraceResolver();
      this.resolvers.set(group, r);
    }
    return r;
  }

  /** The group's scan recorder (signs with the node's key). */
  scans(group: string): ScanRecorder {
    let r = this.scanners.get(group);
    if (r === undefined) {
      r = new ScanRecorder(this.node.group(group), this.node.nodeKey());
      this.scanners.set(group, r);
    }
    return r;
  }

  defaultGroup(q: ResolverQuery): GroupLedger {
    const id = q.group ?? this.node.groupIds()[0];
    if (id === undefined) throw new GongzhiError('API_NOT_FOUND', 'this node serves no group');
    return this.node.group(id);
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
    this.recorders.clear();
    this.resolvers.clear();
    this.scanners.clear();
  }
}

/** True when the client asks for HTML before JSON (a browser), or `?format=html`. */
function wantsHtml(req: FastifyRequest<{ Querystring: ResolverQuery }>): boolean {
  if (req.query.format !== undefined) return req.query.format === 'html';
  const accept = req.headers.accept ?? '';
  const q = (type: string): number => {
    for (const part of accept.split(',')) {
      const [t, ...params] = part.trim().split(';');
      if (t?.trim() !== type) continue;
      const qp = params.find((p) => p.trim().startsWith('q='));
      return qp === undefined ? 1 : Number(qp.trim().slice(2)) || 0;
    }
    return -1;
  };
  const html = q('text/html');
  return html >= 0 && html >= q('application/json');
}

/** The resolver's base URL as the client reached it. */
function baseUrl(req: FastifyRequest): string {
  const host = req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost';
  const proto = req.headers['x-forwarded-proto'] ?? req.protocol;
  return `${String(proto)}://${String(host)}`;
}

/** `traceRoutes(node)`: the plugin (register it once per server). */
export function traceRoutes(node: GongzhiNode): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const state = new TraceState(node);
    app.addHook('onClose', async () => state.close());

    const resolve = async (req: FastifyRequest<{ Querystring: ResolverQuery }>, reply: FastifyReply) => {
      const path = req.url.split('?')[0] ?? '';
      const html = wantsHtml(req);
      const lang: Lang = req.query.lang === 'en' ? 'en' : 'zh';
      const parsed = parseProductPath(path);
      try {
        if (!parsed.ok) {
          throw new GongzhiError(
            parsed.problem === 'check-digit' ? 'TRACE_BAD_GTIN' : 'TRACE_BAD_ID',
            parsed.detail,
            {
              path: path.slice(0, 200),
            },
          );
        }
        const g = state.defaultGroup(req.query);
        const resolved = state.resolver(g.group).view(g, state.recorder(g.group), parsed.value, baseUrl(req));
        // A consumer resolving a serial is a scan: recorded on the ledger by this node (the
        // answer shows the count before it). A lot is not a scan of one item.
        const view =
          parsed.value.serial === undefined || req.query.scan === '0'
            ? resolved
            : { ...resolved, scan: await state.scans(g.group).record(resolved.key, scanPlace(req), req.ip) };
        if (!html) return reply.send(view);
        return reply.type('text/html; charset=utf-8').send(renderTracePage(view, lang, path));
      } catch (e) {
        if (!html || !isGongzhiError(e)) throw e;
        return reply
          .code(httpStatusFor(e.code))
          .type('text/html; charset=utf-8')
          .send(renderNotFoundPage(lang, `${e.code}: ${e.message}`));
      }
    };
    const resolverSchema = (summary: string, params: Record<string, unknown>) => ({
      summary,
      tags: ['trace'],
      params: { type: 'object', properties: params },
      querystring: resolverQuery,
      response: {
        200: { description: 'the trace (JSON) or the consumer page (text/html)', ...anyObject },
        ...errors,
      },
    });
    const gtin = { type: 'string', pattern: '^[0-9]{8,14}$' };
    const attr = { type: 'string', minLength: 1, maxLength: 64 };
    app.get(
      '/01/:gtin/10/:lot',
      {
        schema: resolverSchema('GS1 Digital Link resolver: a lot (page for browsers, JSON otherwise)', {
          gtin,
          lot: attr,
        }),
      },
      resolve,
    );
    app.get(
      '/01/:gtin/10/:lot/21/:serial',
      {
        schema: resolverSchema('GS1 Digital Link resolver: a serialised item of a lot', {
          gtin,
          lot: attr,
          serial: attr,
        }),
      },
      resolve,
    );
    app.get(
      '/01/:gtin/21/:serial',
      { schema: resolverSchema('GS1 Digital Link resolver: a serialised item', { gtin, serial: attr }) },
      resolve,
    );

    app.get<{ Querystring: { group?: string; offset?: string; limit?: string } }>(
      '/v1/trace/links',
      {
        schema: {
          summary: 'The identifiers this resolver can resolve (lots on the ledger), as Digital Link URIs',
          tags: ['trace'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              group: GROUP,
              offset: { type: 'string', pattern: '^[0-9]{1,15}$' },
              limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['group', 'total', 'links'],
              properties: {
                group: { type: 'string' },
                total: { type: 'integer' },
                offset: { type: 'integer' },
                links: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['key', 'href'],
                    properties: {
                      key: { type: 'string' },
                      href: { type: 'string' },
                      gs1: { type: 'string', description: 'the same identifier on id.gs1.org' },
                      type: { type: 'string' },
                    },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      async (req) => {
        const g = state.defaultGroup(req.query);
        const r = g.query('trace', 'lots', {
          ...(req.query.offset === undefined ? {} : { offset: req.query.offset }),
          ...(req.query.limit === undefined ? {} : { limit: req.query.limit }),
        }) as { total: number; offset: number; lots: string[] };
        const base = baseUrl(req);
        return {
          group: g.group,
          total: r.total,
          offset: r.offset,
          links: r.lots.flatMap((key) => {
            const k = parseKey(key);
            if (!k.ok || k.value.kind !== 'lot') return [];
            const id = { gtin: k.value.gtin, lot: k.value.lot };
            return [
              {
                key,
                href: formatDigitalLink(id, base),
                gs1: formatDigitalLink(id),
                type: 'gs1:traceability',
              },
            ];
          }),
        };
      },
    );

    app.get(
      '/v1/trace/verify.js',
      {
        schema: {
          summary: 'The CBV 2.0 event hash as a browser script (the consumer page re-hashes events with it)',
          tags: ['trace'],
          response: { 200: { description: 'JavaScript defining globalThis.GongzhiEpcis', type: 'string' } },
        },
      },
      (_req, reply) =>
        reply
          .type('text/javascript; charset=utf-8')
          .header('Cache-Control', 'public, max-age=300')
          .send(epcisBrowserScript()),
    );

    app.post<{
      Params: { group: string };
      Querystring: { timeoutMs?: string };
      Body: { document: unknown; txs: string[] };
    }>(
      '/v1/groups/:group/trace/events',
      {
        schema: {
          summary:
            'Record an EPCIS document: one signed trace.record per event (document order); keeps the documents',
          tags: ['trace'],
          params: { type: 'object', required: ['group'], properties: { group: GROUP } },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { timeoutMs: { type: 'string', pattern: '^[0-9]{1,6}$' } },
          },
          body: {
            type: 'object',
            required: ['document', 'txs'],
            additionalProperties: false,
            properties: {
              document: { ...anyObject, description: 'EPCIS 2.0 document (JSON-LD)' },
              txs: {
                type: 'array',
                maxItems: 1000,
                items: { type: 'string', description: 'base64url signed tx' },
              },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['results'],
              properties: {
                results: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      index: { type: 'integer' },
                      hash: { type: 'string' },
                      tx: { type: 'string' },
                      status: { type: 'string' },
                      height: { type: 'integer' },
                      message: { type: 'string' },
                      stored: { type: 'boolean' },
                    },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      async (req) => {
        const txs = req.body.txs.map((t) => {
          try {
            return fromBase64Url(t);
          } catch {
            throw new GongzhiError('TX_MALFORMED', 'transaction is not valid base64url');
          }
        });
        const timeout = Math.min(Number(req.query.timeoutMs ?? 30_000), 120_000);
        const results = await state
          .recorder(node.group(req.params.group).group)
          .record(req.body.document, txs, timeout);
        return { results };
      },
    );

    app.get<{ Params: { group: string; hash: string } }>(
      '/v1/groups/:group/trace/events/:hash',
      {
        schema: {
          summary: 'A kept EPCIS event document (re-hash it and compare with the ledger’s trace.event)',
          tags: ['trace'],
          params: {
            type: 'object',
            required: ['group', 'hash'],
            properties: { group: GROUP, hash: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                hash: { type: 'string' },
                event: anyObject,
                ignore: { type: 'array', items: { type: 'string' } },
                height: { type: 'integer' },
                tx: { type: 'string' },
                matches: { type: 'boolean', description: 'the node’s own re-hash equals the ledger’s' },
              },
            },
            ...errors,
          },
        },
      },
      async (req) => {
        const s = state.recorder(node.group(req.params.group).group).served(req.params.hash);
        if (s.doc === undefined) {
          throw new GongzhiError('TRACE_NOT_FOUND', 'this node keeps no event document with this hash', {
            hash: req.params.hash,
          });
        }
        return {
          hash: s.doc.hash,
          event: s.doc.event,
          ignore: s.doc.ignore,
          height: s.doc.height,
          tx: s.doc.tx,
          matches: s.matches,
        };
      },
    );
  };
}
