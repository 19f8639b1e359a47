import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import {
  actsFor,
  type DataRequest,
  foundDataset,
  keys,
  LIMITS,
  ownedRequest,
  REQUEST_KINDS,
  type RequestKind,
  readCounter,
  writeCounter,
  writeRequest,
} from './state.js';

export interface RequestArgs {
  readonly dataset: string;
  readonly dept: string;
  readonly kind: RequestKind;
  readonly fields: readonly string[];
  readonly purpose: string;
  readonly legalBasis: string;
  readonly question?: string;
}

/**
 * `request`: a department asks for a dataset (or named fields of it) for a stated purpose and legal
 * basis — or, `kind: answer`, for a yes/no answer to a question about it, which even a not-shared
 * dataset can give. The request id is in the `requested` event.
 */
export const request = defineMethod<RequestArgs, number>({
  summary: 'Ask a department for a dataset’s fields (or an answer), with purpose and legal basis',
  args: S.Object(
    {
      dataset: S.Id(),
      dept: S.Id('the requesting department'),
      kind: S.Optional(
        S.Union(
          REQUEST_KINDS.map((k) => S.Literal(k)),
          { description: 'data (default) or answer' },
        ),
      ),
      fields: S.Array(S.String({ minLength: 1, maxLength: LIMITS.fieldName }), { maxItems: LIMITS.fields }),
      purpose: S.String({ minLength: 1, maxLength: LIMITS.text }),
      legalBasis: S.String({ minLength: 1, maxLength: LIMITS.text }),
      question: S.Optional(
        S.String({ minLength: 1, maxLength: LIMITS.text, description: 'for an answer request' }),
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['dataset', 'dept', 'kind', 'fields', 'purpose', 'legalBasis', 'question']);
    const kind = r.has('kind') ? r.oneOf('kind', REQUEST_KINDS) : 'data';
    const question = r.has('question') ? r.str('question', LIMITS.text) : undefined;
    if (kind === 'answer' && question === undefined) r.fail('question', 'present for an answer request');
    if (kind === 'data' && question !== undefined) r.fail('question', 'absent for a data request');
    const base = {
      dataset: r.id('dataset'),
      dept: r.id('dept'),
      kind,
      fields: r.strs('fields', LIMITS.fields, LIMITS.fieldName, true),
      purpose: r.str('purpose', LIMITS.text),
      legalBasis: r.str('legalBasis', LIMITS.text),
    };
    return question === undefined ? base : { ...base, question };
  },
  check: ({ state, sender }, a) => {
    if (!actsFor(state, sender, a.dept)) {
      throw new GongzhiError('DATASHARE_NOT_MEMBER', 'the account does not act for this department', {
        dept: a.dept,
      });
    }
    const d = foundDataset(state, a.dataset);
    if (a.kind === 'data' && d.class === 'not-shared') {
      throw new GongzhiError('DATASHARE_NOT_SHARED', 'this dataset is not shared; request an answer', {
        dataset: a.dataset,
      });
    }
    const names = new Set(d.fields.map((f) => f.name));
    const unknown = a.fields.filter((f) => !names.has(f));
    if (unknown.length > 0 || (a.kind === 'data' && a.fields.length === 0)) {
      throw new GongzhiError('DATASHARE_BAD_FIELDS', 'fields must be named fields of the dataset', {
        dataset: a.dataset,
        unknown: unknown.join(','),
      });
    }
    return readCounter(state, keys.nextRequest()) + 1;
  },
  apply: (ctx, a, id) => {
    const d = foundDataset(ctx.state, a.dataset);
    writeRequest(ctx.state, {
      id,
      dataset: a.dataset,
      owner: d.owner,
      requester: a.dept,
      account: ctx.sender,
      kind: a.kind,
      fields: a.fields,
      purpose: a.purpose,
      legalBasis: a.legalBasis,
      ...(a.question === undefined ? {} : { question: a.question }),
      status: 'pending',
      height: ctx.height,
      timestamp: ctx.timestamp,
      deliveries: 0,
    });
    writeCounter(ctx.state, keys.nextRequest(), id);
    ctx.emit('requested', {
      request: id,
      dataset: a.dataset,
      requester: a.dept,
      owner: d.owner,
      kind: a.kind,
    });
  },
});

export interface GrantArgs {
  readonly request: number;
  readonly expiresAt: number;
  readonly fields?: readonly string[];
  readonly maxDeliveries?: number;
}

/** `grant`: the owner grants a pending request, with an expiry (block time, ms) and a scope. */
export const grant = defineMethod<GrantArgs, DataRequest>({
  summary: 'Grant a request: expiry, fields in scope (default all requested), most deliveries',
  args: S.Object(
    {
      request: S.Uint(),
      expiresAt: S.Uint('block time (ms) after which deliveries are refused'),
      fields: S.Optional(
        S.Array(S.String({ minLength: 1, maxLength: LIMITS.fieldName }), { maxItems: LIMITS.fields }),
      ),
      maxDeliveries: S.Optional(S.Integer({ minimum: 1, maximum: LIMITS.deliveries })),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['request', 'expiresAt', 'fields', 'maxDeliveries']);
    const base: GrantArgs = { request: r.uint('request'), expiresAt: r.uint('expiresAt') };
    const fields = r.has('fields') ? r.strs('fields', LIMITS.fields, LIMITS.fieldName, true) : undefined;
    const max = r.has('maxDeliveries') ? r.uint('maxDeliveries', LIMITS.deliveries) : undefined;
    if (max === 0) r.fail('maxDeliveries', 'at least 1');
    return {
      ...base,
      ...(fields === undefined ? {} : { fields }),
      ...(max === undefined ? {} : { maxDeliveries: max }),
    };
  },
  check: ({ state, sender, timestamp }, a) => {
    const q = ownedRequest(state, a.request, sender);
    if (q.status !== 'pending') {
      throw new GongzhiError('DATASHARE_NOT_PENDING', 'the request was decided already', {
        request: q.id,
        status: q.status,
      });
    }
    if (a.expiresAt <= timestamp) {
      throw new GongzhiError('DATASHARE_BAD_EXPIRY', 'expiry must be after the block time', {
        expiresAt: a.expiresAt,
        now: timestamp,
      });
    }
    const outside = (a.fields ?? []).filter((f) => !q.fields.includes(f));
    if (outside.length > 0) {
      throw new GongzhiError('DATASHARE_BAD_FIELDS', 'a grant’s scope must be within the requested fields', {
        outside: outside.join(','),
      });
    }
    return q;
  },
  apply: (ctx, a, q) => {
    writeRequest(ctx.state, {
      ...q,
      status: 'granted',
      scope: a.fields ?? q.fields,
      expiresAt: a.expiresAt,
      ...(a.maxDeliveries === undefined ? {} : { maxDeliveries: a.maxDeliveries }),
      decided: { by: ctx.sender, height: ctx.height, timestamp: ctx.timestamp },
    });
    ctx.emit('granted', { request: q.id, dataset: q.dataset, grantee: q.requester, expiresAt: a.expiresAt });
  },
});

export interface DecideArgs {
  readonly request: number;
  readonly reason: string;
}

const decideSchema = S.Object(
  { request: S.Uint(), reason: S.String({ minLength: 1, maxLength: LIMITS.text }) },
  { additionalProperties: false },
);
const parseDecide = (v: Parameters<typeof readArgs>[0]): DecideArgs => {
  const r = readArgs(v, ['request', 'reason']);
  return { request: r.uint('request'), reason: r.str('reason', LIMITS.text) };
};

/** `refuse`: the owner refuses a pending request, with a reason. */
export const refuse = defineMethod<DecideArgs, DataRequest>({
  summary: 'Refuse a pending request, with a reason',
  args: decideSchema,
  parse: parseDecide,
  check: ({ state, sender }, a) => {
    const q = ownedRequest(state, a.request, sender);
    if (q.status !== 'pending') {
      throw new GongzhiError('DATASHARE_NOT_PENDING', 'the request was decided already', { request: q.id });
    }
    return q;
  },
  apply: (ctx, a, q) => {
    writeRequest(ctx.state, {
      ...q,
      status: 'refused',
      decided: { by: ctx.sender, height: ctx.height, timestamp: ctx.timestamp, reason: a.reason },
    });
    ctx.emit('refused', { request: q.id, reason: a.reason });
  },
});

/** `revoke`: the owner withdraws a grant; deliveries under it are refused from the next block. */
export const revoke = defineMethod<DecideArgs, DataRequest>({
  summary: 'Revoke a grant, with a reason: later deliveries are refused',
  args: decideSchema,
  parse: parseDecide,
  check: ({ state, sender }, a) => {
    const q = ownedRequest(state, a.request, sender);
    if (q.status !== 'granted') {
      throw new GongzhiError('DATASHARE_NOT_GRANTED', 'only a granted request can be revoked', {
        request: q.id,
        status: q.status,
      });
    }
    return q;
  },
  apply: (ctx, a, q) => {
    writeRequest(ctx.state, {
      ...q,
      status: 'revoked',
      revoked: { by: ctx.sender, height: ctx.height, timestamp: ctx.timestamp, reason: a.reason },
    });
    ctx.emit('revoked', { request: q.id, reason: a.reason });
  },
});
