/**
 * GET /v1/groups/:group/txs/bodies: a page of the listing of GET …/txs (by sender, by module, or by
 * module and subject) with every transaction's body and receipt, so a reader of a whole history
 * (e.g. an election's ballots for its `.bel` export) makes one request a page, not one a transaction.
 */
import type { FastifyPluginAsync } from 'fastify';
import { toBase64Url } from '../../encoding/index.js';
import { decodeReceipt, decodeTx } from '../../ledger/index.js';
import type { StoredTx } from '../../storage/index.js';
import {
  MAX_TX_BODY_PAGE,
  receiptView,
  type TxBodyEntry,
  type TxBodyListResponse,
  TxBodyListResponseSchema,
  txView,
} from '../../wire/index.js';
import { txIndexEntry } from '../ledger-views.js';
import { errorResponses, type GroupParams, groupParams, type RouteContext } from './context.js';
import { nextCursor, readTxListQuery, type TxListQuery, txListQuerySchema } from './tx-list-query.js';

/** Entries of a page when `limit` is not given. */
const DEFAULT_BODY_PAGE = 100;

const txBodiesSchema = {
  summary: 'Committed transactions with their bodies and receipts, a page at a time (newest first)',
  description:
    'The listing of `GET /v1/groups/{group}/txs` (exactly one of `sender` or `module`; `subject` with ' +
    `\`module\`), each entry with its decoded transaction, receipt and their canonical bytes. At most ` +
    `${MAX_TX_BODY_PAGE} entries a page (a larger \`limit\` is 400 API_BAD_REQUEST); \`next\` continues.`,
  tags: ['transactions'],
  params: groupParams,
  querystring: txListQuerySchema(MAX_TX_BODY_PAGE, DEFAULT_BODY_PAGE),
  response: { 200: TxBodyListResponseSchema, ...errorResponses },
};

export const txBodyRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  api.get<{ Params: GroupParams; Querystring: TxListQuery }>(
    '/v1/groups/:group/txs/bodies',
    { schema: txBodiesSchema },
    async (req): Promise<TxBodyListResponse> => {
      const g = node.group(req.params.group);
      const { by, limit, before, beforeIndex } = readTxListQuery(
        req.query,
        MAX_TX_BODY_PAGE,
        DEFAULT_BODY_PAGE,
      );
      const rows: StoredTx[] =
        'sender' in by
          ? g.store.txsBySender(by.sender, limit, before, beforeIndex)
          : by.subject !== undefined
            ? g.store.txsBySubject(by.module, by.subject, limit, before, beforeIndex)
            : g.store.txsByModule(by.module, limit, before, beforeIndex);
      const txs = rows.map(
        (t): TxBodyEntry => ({
          ...txIndexEntry(t),
          tx: txView(g.suite, decodeTx(t.tx), t.hash, t.sender),
          raw: toBase64Url(t.tx),
          receipt: receiptView(decodeReceipt(t.receipt)),
          receiptRaw: toBase64Url(t.receipt),
        }),
      );
      return { txs, ...nextCursor(rows, limit) };
    },
  );
};
