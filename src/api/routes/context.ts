/**
 * What every route plugin gets, and the request-part schemas and parsers several share.
 * Query strings and headers are strings (no type coercion), so integers arrive as digit
 * strings checked by a pattern and range-checked by `uintParam`.
 */
import { fromBase64Url } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { ApiLimits } from '../../node/config.js';
import type { GongzhiNode } from '../../node/gongzhi-node.js';
import {
  API_ERROR_ID,
  DEFAULT_WAIT_MS,
  GROUP_PATTERN,
  MAX_WAIT_MS,
  StringEnum,
  T,
} from '../../wire/index.js';
import type { BatchBudget } from '../batch-body.js';
import type { Lifecycle } from '../lifecycle.js';

/** Options of every route plugin. */
export interface RouteContext {
  readonly node: GongzhiNode;
  readonly life: Lifecycle;
  /** The server's limits (body sizes, event streams…). */
  readonly limits: ApiLimits;
  /** Bytes of batch bodies being received, shared by every batch request. */
  readonly batchBudget: BatchBudget;
}

const errRef = { $ref: `${API_ERROR_ID}#` } as const;
/** Error responses shared by every route. */
export const errorResponses = { '4xx': errRef, '5xx': errRef } as const;

export const groupParam = T.String({ pattern: GROUP_PATTERN, description: 'Group id' });
export const groupParams = T.Object({ group: groupParam }, { additionalProperties: false });
export type GroupParams = { group: string };

/** A non-negative integer in a query string or header (the handler range-checks it). */
export const uintString = (description: string) => T.String({ pattern: '^[0-9]{1,15}$', description });

export const waitQuery = T.Object(
  {
    wait: T.Optional(StringEnum(['commit'], { description: 'Wait until the transaction is committed' })),
    timeoutMs: T.Optional(uintString(`Wait limit in ms, 1..${MAX_WAIT_MS} (default ${DEFAULT_WAIT_MS})`)),
  },
  { additionalProperties: false },
);
export type WaitQuery = { wait?: 'commit'; timeoutMs?: string };

/** A validated digit string from a query or header, range-checked; `dflt` when absent. */
export function uintParam(
  v: string | undefined,
  name: string,
  min: number,
  max: number,
  dflt: number,
): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new GongzhiError('API_BAD_REQUEST', `${name} must be an integer ${min}..${max}`, { name });
  }
  return n;
}

export const waitMs = (q: WaitQuery): number =>
  uintParam(q.timeoutMs, 'timeoutMs', 1, MAX_WAIT_MS, DEFAULT_WAIT_MS);

/** Bytes of a base64url transaction; TX_MALFORMED when it is not base64url. */
export function decodeTxParam(s: string): Uint8Array {
  try {
    return fromBase64Url(s);
  } catch {
    throw new GongzhiError('TX_MALFORMED', 'transaction is not valid base64url', { length: s.length });
  }
}
