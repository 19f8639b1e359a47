/** Transaction routes: submit one, submit a batch, look one up (with proofs, or its receipt only), list by sender or module. */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { GongzhiError } from '../../errors/index.js';
import {
  type BatchBody,
  BatchBodySchema,
  type BatchResponse,
  BatchResponseSchema,
  type BatchResultEntry,
  HEX64_PATTERN,
  MAX_BATCH_TXS,
  receiptView,
  type SubmitBody,
  SubmitBodySchema,
  type SubmitResponse,
  SubmitResponseSchema,
  T,
  type TxListResponse,
  TxListResponseSchema,
  TxReceiptResponseSchema,
  TxResponseSchema,
} from '../../wire/index.js';
import { base64UrlLength, oversizedEntries, readBatchBody } from '../batch-body.js';
import { toApiError } from '../errors.js';
import { txIndexEntry, txReceiptResponse, txResponse } from '../ledger-views.js';
import {
  decodeTxParam,
  errorResponses,
  type GroupParams,
  groupParam,
  groupParams,
  type RouteContext,
  type WaitQuery,
  waitMs,
  waitQuery,
} from './context.js';
import { nextCursor, readTxListQuery, type TxListQuery, txListQuerySchema } from './tx-list-query.js';

const submitSchema = {
  summary: 'Submit one signed transaction',
  description:
    'Body is `{tx: base64url(canonical CBOR signed tx)}` as JSON, or the raw canonical CBOR bytes with ' +
    '`Content-Type: application/cbor`. Answers 202 `{hash}` once admitted; with `wait=commit` answers 200 ' +
    'with the height, index and receipt once committed (504 NODE_TIMEOUT if not committed in `timeoutMs`). ' +
    'The methods a transaction may call, with their argument schemas, are listed under `x-gongzhi-modules` ' +
    'and `GET /v1/groups/{group}/modules`.',
  tags: ['transactions'],
  params: groupParams,
  querystring: waitQuery,
  body: {
    content: {
      'application/json': { schema: SubmitBodySchema },
      'application/cbor': {
        schema: { format: 'binary', description: 'Canonical CBOR signed transaction bytes' },
      },
    },
  },
  response: { 200: SubmitResponseSchema, 202: SubmitResponseSchema, ...errorResponses },
};

const batchSchema = {
  summary: 'Submit up to 10,000 signed transactions',
  description:
    'Each transaction is admitted or rejected on its own; `results[i]` answers `txs[i]`. With `wait=commit` ' +
    'the answer comes once every admitted transaction is committed (or failed / timed out). The body is ' +
    'read as it arrives and refused at the first byte out of shape (400 API_BAD_REQUEST), beyond the ' +
    'node’s batch body limit (at most what 10,000 transactions of `maxTxBytes` need; 413 ' +
    'API_BODY_TOO_LARGE), or while the node holds too many large batches (503 API_BUSY).',
  tags: ['transactions'],
  params: groupParams,
  querystring: waitQuery,
  body: BatchBodySchema,
  response: { 200: BatchResponseSchema, ...errorResponses },
};

const txSchema = {
  summary: 'A transaction with its receipt and inclusion proofs',
  description:
    'Committed transactions carry the decoded views, the canonical bytes (base64url) and Merkle proofs ' +
    'to the header tx and receipt roots, plus the header and its signatures, so inclusion can be verified offline.',
  tags: ['transactions'],
  params: T.Object(
    {
      group: groupParam,
      hash: T.String({ pattern: HEX64_PATTERN, description: 'Transaction hash (hex)' }),
    },
    { additionalProperties: false },
  ),
  response: { 200: TxResponseSchema, ...errorResponses },
};

const txReceiptSchema = {
  summary: 'A transaction with its receipt, without inclusion proofs',
  description:
    'The decoded transaction and receipt (and their canonical bytes) from the transaction’s own row: ' +
    'no other transaction of its block is read, so the answer costs the same in a block of any size. ' +
    'For proofs to verify offline, GET the transaction itself.',
  tags: ['transactions'],
  params: txSchema.params,
  response: { 200: TxReceiptResponseSchema, ...errorResponses },
};

const txListSchema = {
  summary: 'Committed transactions by sender address, by module, or by module and subject (newest first)',
  tags: ['transactions'],
  params: groupParams,
  querystring: txListQuerySchema(1000, 100),
  response: { 200: TxListResponseSchema, ...errorResponses },
};

/** The bytes of a submitted body: raw CBOR, or `{tx}` as JSON. */
function submittedBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'object' && body !== null && typeof (body as Partial<SubmitBody>).tx === 'string') {
    return decodeTxParam((body as SubmitBody).tx);
  }
  throw new GongzhiError('API_BAD_REQUEST', 'body must be {tx: base64url} or application/cbor bytes');
}

/** Transactions admitted per call to the mempool: the event loop serves commits between slices. */
const ADMIT_SLICE = 1000;

export const txRoutes: FastifyPluginAsync<RouteContext> = async (api, ctx) => {
  const { node, life } = ctx;
  api.post<{ Params: GroupParams; Querystring: WaitQuery; Body: SubmitBody | Buffer }>(
    '/v1/groups/:group/txs',
    { schema: submitSchema },
    async (req, reply) => {
      const g = node.group(req.params.group);
      const timeoutMs = waitMs(req.query);
      const bytes = submittedBytes(req.body);
      const [r] = await g.submit([bytes]);
      if (!r) throw new GongzhiError('API_INTERNAL', 'no submit result');
      if ('error' in r) throw r.error;
      if (req.query.wait !== 'commit') return reply.code(202).send({ hash: r.hash } satisfies SubmitResponse);
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

  // The batch route in a scope of its own, with its own JSON reader (./batch-body.ts).
  api.register(async (scope) => batchRoute(scope, ctx));

  api.get<{
    Params: GroupParams;
    Querystring: TxListQuery;
  }>('/v1/groups/:group/txs', { schema: txListSchema }, async (req): Promise<TxListResponse> => {
    const g = node.group(req.params.group);
    const { by, limit, before, beforeIndex } = readTxListQuery(req.query, 1000, 100);
    const rows =
      'sender' in by
        ? g.store.txEntriesBy('sender', by.sender, limit, before, beforeIndex)
        : by.subject !== undefined
          ? g.store.txEntriesBySubject(by.module, by.subject, limit, before, beforeIndex)
          : g.store.txEntriesBy('module', by.module, limit, before, beforeIndex);
    return { txs: rows.map(txIndexEntry), ...nextCursor(rows, limit) };
  });

  api.get<{ Params: GroupParams & { hash: string } }>(
    '/v1/groups/:group/txs/:hash',
    { schema: txSchema },
    async (req) => txResponse(node.group(req.params.group), req.params.hash),
  );

  api.get<{ Params: GroupParams & { hash: string } }>(
    '/v1/groups/:group/txs/:hash/receipt',
    { schema: txReceiptSchema },
    async (req) => txReceiptResponse(node.group(req.params.group), req.params.hash),
  );
};

/** POST /v1/groups/:group/txs/batch, registered in `scope` (which gets the batch JSON reader). */
async function batchRoute(scope: FastifyInstance, { node, life, limits, batchBudget }: RouteContext) {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', (req: FastifyRequest, payload: IncomingMessage) => {
    const g = node.group((req.params as GroupParams).group);
    const maxEntryChars = base64UrlLength(g.params().maxTxBytes);
    // What a full batch of the largest transactions needs: each entry, its quotes and comma.
    const needed = MAX_BATCH_TXS * (maxEntryChars + 3) + 64;
    return readBatchBody(
      req.raw,
      payload,
      { maxBytes: Math.min(limits.batchBodyBytes, needed), maxEntries: MAX_BATCH_TXS, maxEntryChars },
      batchBudget,
    );
  });
  scope.post<{ Params: GroupParams; Querystring: WaitQuery; Body: BatchBody }>(
    '/v1/groups/:group/txs/batch',
    { schema: batchSchema },
    async (req): Promise<BatchResponse> => {
      const g = node.group(req.params.group);
      const timeoutMs = waitMs(req.query);
      const txs = req.body.txs;
      const oversized = oversizedEntries(req.raw);
      const maxTxBytes = g.params().maxTxBytes;
      const results: BatchResultEntry[] = new Array(txs.length);
      const decoded: Uint8Array[] = [];
      const positions: number[] = [];
      for (let i = 0; i < txs.length; i++) {
        try {
          if (oversized.has(i)) {
            throw new GongzhiError('TX_TOO_LARGE', 'transaction exceeds maxTxBytes', { max: maxTxBytes });
          }
          decoded.push(decodeTxParam(txs[i] as string));
          positions.push(i);
        } catch (e) {
          const err = toApiError(e);
          results[i] = { error: { code: err.code, message: err.message } };
        }
      }
      const submitted: Awaited<ReturnType<typeof g.submit>> = [];
      for (let k = 0; k < decoded.length; k += ADMIT_SLICE) {
        // A turn of the event loop between slices (admission may not await anything itself).
        if (k > 0) await new Promise((r) => setImmediate(r));
        submitted.push(...(await g.submit(decoded.slice(k, k + ADMIT_SLICE))));
      }
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
}
