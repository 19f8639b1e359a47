/**
 * GET /v1/groups/:group/txs/bodies: a page of the listing of GET …/txs (by sender, by module, or by
 * module and subject) with every transaction's body and receipt, so a reader of a whole history
 * (e.g. an election's ballots for its `.bel` export) makes one request a page, not one a transaction.
 */
import type { FastifyPluginAsync } from 'fastify';
import { toBase64Url } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { MAX_SUBJECT } from '../../execution/index.js';
import { decodeReceipt, decodeTx } from '../../ledger/index.js';
import type { StoredTx } from '../../storage/index.js';
import {
  ADDRESS_PATTERN,
  MAX_TX_BODY_PAGE,
  NAME_PATTERN,
  receiptView,
  T,
  type TxBodyEntry,
  type TxBodyListResponse,
  TxBodyListResponseSchema,
  txView,
} from '../../wire/index.js';
import { txIndexEntry } from '../ledger-views.js';
import {
  errorResponses,
  type GroupParams,
  groupParams,
  type RouteContext,
  uintParam,
  uintString,
} from './context.js';

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
  querystring: T.Object(
    {
      sender: T.Optional(T.String({ pattern: ADDRESS_PATTERN })),
      module: T.Optional(T.String({ pattern: NAME_PATTERN })),
      subject: T.Optional(
        T.String({
          minLength: 1,
          maxLength: MAX_SUBJECT,
          description: 'With `module`: only its transactions about this subject (e.g. an election id)',
        }),
      ),
      limit: T.Optional(
        uintString(`Most entries to return, 1..${MAX_TX_BODY_PAGE} (default ${DEFAULT_BODY_PAGE})`),
      ),
      before: T.Optional(uintString('Only transactions at or below this height')),
      beforeIndex: T.Optional(
        uintString('With `before`: at that height, only transactions below this index (the `next` cursor)'),
      ),
    },
    { additionalProperties: false },
  ),
  response: { 200: TxBodyListResponseSchema, ...errorResponses },
};

interface BodiesQuery {
  sender?: string;
  module?: string;
  subject?: string;
  limit?: string;
  before?: string;
  beforeIndex?: string;
}

export const txBodyRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  api.get<{ Params: GroupParams; Querystring: BodiesQuery }>(
    '/v1/groups/:group/txs/bodies',
    { schema: txBodiesSchema },
    async (req): Promise<TxBodyListResponse> => {
      const g = node.group(req.params.group);
      const { sender, module, subject } = req.query;
      if ((sender === undefined) === (module === undefined)) {
        throw new GongzhiError('API_BAD_REQUEST', 'give exactly one of sender or module');
      }
      if (subject !== undefined && module === undefined) {
        throw new GongzhiError(
          'API_BAD_REQUEST',
          'subject needs module (a subject is named within its module)',
        );
      }
      if (req.query.beforeIndex !== undefined && req.query.before === undefined) {
        throw new GongzhiError('API_BAD_REQUEST', 'beforeIndex needs before (the height it is an index in)');
      }
      const limit = uintParam(req.query.limit, 'limit', 1, MAX_TX_BODY_PAGE, DEFAULT_BODY_PAGE);
      const before = uintParam(
        req.query.before,
        'before',
        0,
        Number.MAX_SAFE_INTEGER,
        Number.MAX_SAFE_INTEGER,
      );
      const beforeIndex =
        req.query.beforeIndex === undefined
          ? undefined
          : uintParam(req.query.beforeIndex, 'beforeIndex', 0, Number.MAX_SAFE_INTEGER, 0);
      const rows: StoredTx[] =
        sender !== undefined
          ? g.store.txsBySender(sender, limit, before, beforeIndex)
          : subject !== undefined
            ? g.store.txsBySubject(module as string, subject, limit, before, beforeIndex)
            : g.store.txsByModule(module as string, limit, before, beforeIndex);
      const txs = rows.map(
        (t): TxBodyEntry => ({
          ...txIndexEntry(t),
          tx: txView(g.suite, decodeTx(t.tx), t.hash, t.sender),
          raw: toBase64Url(t.tx),
          receipt: receiptView(decodeReceipt(t.receipt)),
          receiptRaw: toBase64Url(t.receipt),
        }),
      );
      const last = rows.at(-1);
      return {
        txs,
        ...(rows.length === limit && last !== undefined
          ? { next: { before: last.height, beforeIndex: last.index } }
          : {}),
      };
    },
  );
};
