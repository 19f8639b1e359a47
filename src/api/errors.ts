/**
 * How the API answers failures: everything thrown while serving a request becomes a
 * GongzhiError, sent as `{error: {code, message, details, hint, hintZh}}` with the status of its code.
 */
import type { FastifyReply } from 'fastify';
import { GongzhiError, httpStatusFor, isGongzhiError } from '../errors/index.js';
import type { ApiErrorBody } from '../wire/index.js';

/** The error answer for `e` (its hint in English and, as `hintZh`, in Chinese), and its status. */
export function errorBody(e: GongzhiError): { status: number; body: ApiErrorBody } {
  const zh = e.hintZh;
  return {
    status: httpStatusFor(e.code),
    body: { error: { ...e.toJSON(), ...(zh === '' ? {} : { hintZh: zh }) } },
  };
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

/** Codes that mean "not now": their answers carry `Retry-After`. */
const RETRY_CODES: ReadonlySet<string> = new Set([
  'MEMPOOL_FULL',
  'MEMPOOL_SENDER_LIMIT',
  'NODE_SHUTTING_DOWN',
  'API_BUSY',
  'API_RATE_LIMITED',
  'API_TOO_MANY_STREAMS',
]);

/** Send `e` as the error answer; back-pressure codes also get a `Retry-After` (seconds). */
export function sendError(reply: FastifyReply, e: GongzhiError): FastifyReply {
  const { status, body } = errorBody(e);
  if (RETRY_CODES.has(e.code)) {
    const ms = typeof e.details.retryAfterMs === 'number' ? e.details.retryAfterMs : 1000;
    reply.header('Retry-After', String(Math.max(1, Math.ceil(ms / 1000))));
  }
  return reply.code(status).send(body);
}
