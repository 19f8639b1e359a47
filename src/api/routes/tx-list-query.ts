/**
 * The selection both transaction listings take (GET …/txs and GET …/txs/bodies): exactly one of
 * sender or module, a subject within a module, a page size and the `next` cursor. One schema and
 * one reader, so the two listings cannot drift apart.
 */
import { GongzhiError } from '../../errors/index.js';
import { MAX_SUBJECT } from '../../execution/index.js';
import { ADDRESS_PATTERN, NAME_PATTERN, T } from '../../wire/index.js';
import { uintParam, uintString } from './context.js';

/** The listing's querystring schema, with its page-size bounds in the `limit` description. */
export function txListQuerySchema(maxLimit: number, defaultLimit: number) {
  return T.Object(
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
      limit: T.Optional(uintString(`Most entries to return, 1..${maxLimit} (default ${defaultLimit})`)),
      before: T.Optional(uintString('Only transactions at or below this height')),
      beforeIndex: T.Optional(
        uintString('With `before`: at that height, only transactions below this index (the `next` cursor)'),
      ),
    },
    { additionalProperties: false },
  );
}

export interface TxListQuery {
  sender?: string;
  module?: string;
  subject?: string;
  limit?: string;
  before?: string;
  beforeIndex?: string;
}

/** What to list: by sender, by module, or by module and subject; the page size and the cursor. */
export interface TxListSelection {
  readonly by: { readonly sender: string } | { readonly module: string; readonly subject?: string };
  readonly limit: number;
  readonly before: number;
  readonly beforeIndex: number | undefined;
}

/** Read the listing's query; API_BAD_REQUEST for a combination the listing does not answer. */
export function readTxListQuery(q: TxListQuery, maxLimit: number, defaultLimit: number): TxListSelection {
  const { sender, module, subject } = q;
  if ((sender === undefined) === (module === undefined)) {
    throw new GongzhiError('API_BAD_REQUEST', 'give exactly one of sender or module');
  }
  if (subject !== undefined && module === undefined) {
    throw new GongzhiError('API_BAD_REQUEST', 'subject needs module (a subject is named within its module)');
  }
  if (q.beforeIndex !== undefined && q.before === undefined) {
    throw new GongzhiError('API_BAD_REQUEST', 'beforeIndex needs before (the height it is an index in)');
  }
  return {
    by:
      sender !== undefined
        ? { sender }
        : { module: module as string, ...(subject === undefined ? {} : { subject }) },
    limit: uintParam(q.limit, 'limit', 1, maxLimit, defaultLimit),
    before: uintParam(q.before, 'before', 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    beforeIndex:
      q.beforeIndex === undefined
        ? undefined
        : uintParam(q.beforeIndex, 'beforeIndex', 0, Number.MAX_SAFE_INTEGER, 0),
  };
}

/** The `next` cursor after a full page. */
export function nextCursor(
  rows: readonly { readonly height: number; readonly index: number }[],
  limit: number,
): { next?: { before: number; beforeIndex: number } } {
  const last = rows.at(-1);
  return rows.length === limit && last !== undefined
    ? { next: { before: last.height, beforeIndex: last.index } }
    : {};
}
