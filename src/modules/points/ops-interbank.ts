import { bytesEqual, encodeCanonical } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import { type Agreement, agreementCodec } from './agreement.js';
import { readId, schemas } from './args.js';
import type { Env } from './env.js';
import { type InterbankStatement, interbankBody, interbankCodec } from './interbank.js';
import { keys } from './keys.js';
import { pointsMethod } from './method.js';
import { numMapCodec } from './num-map.js';

/**
 * Inter-bank settlement statements (issue 17, item 10): between two programs of an exchange
 * agreement — two time banks above all, whose net position is hours one bank's members owe the
 * other's — either issuer draws up a statement of the conversions since the last one; the other
 * signs or disputes it. The flows are kept per agreement (`xflow/<agreement>`) as conversions run.
 */

/** Add a conversion to the agreement's running flows (A's minor units). */
export function recordFlow(env: Env, agreement: string, forward: boolean, amountA: number): void {
  const key = keys.exchangeFlow(agreement);
  const f = env.read(key, numMapCodec) ?? {};
  const field = forward ? 'aToB' : 'bToA';
  env.write(key, numMapCodec, { ...f, [field]: (f[field] ?? 0) + amountA });
}

function agreementOf(env: Env, id: string): Agreement {
  const x = env.read(keys.agreement(id), agreementCodec);
  if (x === undefined) throw new GongzhiError('POINTS_NOT_FOUND', `no agreement ${id}`, { agreement: id });
  return x;
}

/** Which side's issuer the sender is (A first), or POINTS_WRONG_ROLE. */
function sideOf(env: Env, x: Agreement): 'A' | 'B' {
  if (env.program(x.a).issuer === env.sender) return 'A';
  if (env.program(x.b).issuer === env.sender) return 'B';
  throw new GongzhiError('POINTS_WRONG_ROLE', 'only the two issuers settle an agreement', {
    agreement: x.id,
  });
}

function statementOf(env: Env, x: Agreement, n: number): InterbankStatement {
  const s = env.read(keys.exchangeStatement(x.id, n), interbankCodec);
  if (s === undefined)
    throw new GongzhiError('POINTS_NOT_FOUND', `no statement ${n}`, { agreement: x.id, n });
  return s;
}

const agreementArgs = S.Object({ agreement: schemas.id('agreement id') }, { additionalProperties: false });

const settleExchange = pointsMethod<{ agreement: string }>({
  summary: 'Draw up the next settlement statement of an exchange agreement, signing it (either issuer)',
  args: agreementArgs,
  parse: (v) => ({ agreement: readId(readArgs(v, ['agreement']), 'agreement') }),
  run: (env, a) => {
    const x = agreementOf(env, a.agreement);
    const side = sideOf(env, x);
    env.active(side === 'A' ? x.a : x.b);
    const f = env.read(keys.exchangeFlow(x.id), numMapCodec) ?? {};
    const n = f.statements ?? 0;
    const prev = n > 0 ? statementOf(env, x, n) : undefined;
    if (prev && !(prev.signedA && prev.signedB)) {
      throw new GongzhiError(
        'POINTS_INVALID_STATE',
        'the previous statement is not signed by both issuers yet',
        {
          agreement: x.id,
          n,
          dispute: prev.dispute,
        },
      );
    }
    const cumAToB = f.aToB ?? 0;
    const cumBToA = f.bToA ?? 0;
    const aToB = cumAToB - (prev?.cumAToB ?? 0);
    const bToA = cumBToA - (prev?.cumBToA ?? 0);
    if (prev && aToB === 0 && bToA === 0) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'no conversion since the last statement', {
        agreement: x.id,
      });
    }
    const body = {
      agreement: x.id,
      n: n + 1,
      a: x.a,
      b: x.b,
      fromHeight: prev ? prev.toHeight + 1 : x.acceptedAt,
      toHeight: env.height,
      toTs: env.ts,
      aToB,
      bToA,
      cumAToB,
      cumBToA,
      opening: prev?.closing ?? 0,
      closing: cumAToB - cumBToA,
    };
    const digest = env.ctx.suite.hash(encodeCanonical(interbankBody(body)));
    env.write(keys.exchangeStatement(x.id, n + 1), interbankCodec, {
      ...body,
      digest,
      // one issuer of both programs signs both sides by drawing the statement up
      signedA: side === 'A',
      signedB: side === 'B' || env.program(x.b).issuer === env.sender,
      dispute: '',
    });
    env.write(keys.exchangeFlow(x.id), numMapCodec, { ...f, statements: n + 1 });
    env.emit('exchangeStatement', {
      agreement: x.id,
      n: n + 1,
      digest,
      closing: body.closing,
      by: env.sender,
    });
  },
});

interface StatementArgs {
  readonly agreement: string;
  readonly n: number;
  readonly digest: Uint8Array;
  readonly reason: string;
}

const statementArgs = (withReason: boolean) =>
  S.Object(
    {
      agreement: schemas.id('agreement id'),
      n: S.Integer({ minimum: 1, maximum: 1e9, description: 'statement number' }),
      digest: schemas.digest('the digest of the statement being signed'),
      ...(withReason ? { reason: S.String({ minLength: 1, maxLength: 256 }) } : {}),
    },
    { additionalProperties: false },
  );

function parseStatementArgs(v: Parameters<typeof readArgs>[0], withReason: boolean): StatementArgs {
  const a = readArgs(v, withReason ? ['agreement', 'n', 'digest', 'reason'] : ['agreement', 'n', 'digest']);
  return {
    agreement: readId(a, 'agreement'),
    n: a.uint('n', 1e9),
    digest: a.digest('digest'),
    reason: withReason ? a.str('reason', 256) : '',
  };
}

/** The statement named, its digest as the signer saw it, still open; and the signer's side. */
function openStatement(env: Env, a: StatementArgs): { s: InterbankStatement; side: 'A' | 'B' } {
  const x = agreementOf(env, a.agreement);
  const side = sideOf(env, x);
  const s = statementOf(env, x, a.n);
  if (!bytesEqual(s.digest, a.digest)) {
    throw new GongzhiError('POINTS_INVALID_STATE', 'the statement’s digest differs from the one signed', {
      agreement: x.id,
      n: a.n,
    });
  }
  if ((side === 'A' && s.signedA) || (side === 'B' && s.signedB)) {
    throw new GongzhiError('POINTS_ALREADY_SIGNED', 'this issuer signed the statement already', { n: a.n });
  }
  return { s, side };
}

const signExchangeStatement = pointsMethod<StatementArgs>({
  summary: 'Sign an inter-bank settlement statement by its digest (the other issuer)',
  args: statementArgs(false),
  parse: (v) => parseStatementArgs(v, false),
  run: (env, a) => {
    const { s, side } = openStatement(env, a);
    env.write(keys.exchangeStatement(s.agreement, s.n), interbankCodec, {
      ...s,
      signedA: s.signedA || side === 'A',
      signedB: s.signedB || side === 'B',
      dispute: '',
    });
    env.emit('exchangeStatementSigned', { agreement: s.agreement, n: s.n, by: env.sender });
  },
});

const disputeExchangeStatement = pointsMethod<StatementArgs>({
  summary: 'Dispute an inter-bank settlement statement, with a reason (the other issuer)',
  args: statementArgs(true),
  parse: (v) => parseStatementArgs(v, true),
  run: (env, a) => {
    const { s } = openStatement(env, a);
    env.write(keys.exchangeStatement(s.agreement, s.n), interbankCodec, { ...s, dispute: a.reason });
    env.emit('exchangeStatementDisputed', {
      agreement: s.agreement,
      n: s.n,
      reason: a.reason,
      by: env.sender,
    });
  },
});

export const interbankMethods = { settleExchange, signExchangeStatement, disputeExchangeStatement };
