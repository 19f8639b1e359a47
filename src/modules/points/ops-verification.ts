import { GongzhiError } from '../../errors/index.js';
import { readArgs, S, stringListCodec } from '../../execution/index.js';
import { readId, schemas } from './args.js';
import type { Env } from './env.js';
import { bookIdOf, keys } from './keys.js';
import { pointsMethod } from './method.js';
import { methodologyCodec } from './methodology.js';
import { unsourcedFactors } from './methodology-sources.js';
import { numMapCodec } from './num-map.js';
import { MAX_AMOUNT, type Program } from './types.js';
import {
  UNIT_ACTIONS,
  type UnitAction,
  type UnitBatch,
  unitBatchCodec,
  unitOpCodec,
  validationCodec,
} from './verification.js';

/**
 * Third-party validation and verification (issue 17, items 3 and 12). A verifier — appointed by a
 * supervisor, holding no other capacity in the program — validates methodology versions (a
 * positive opinion needs every emission factor to cite its source) and, once a period is closed,
 * verifies the reductions its claims measured under each version: the verified amount is issued as
 * serial-numbered units of 1 kg CO2e, which leave once each (retired, exported or cancelled).
 * With a verifier in the program, no new methodology version is approved without a positive
 * validation and against no negative one.
 */

const G_PER_UNIT = 1000;
const MAX_BATCHES = 10_000;

function version(env: Env, p: Program, v: number) {
  const m = env.read(keys.methodology(p.id, v), methodologyCodec);
  if (m === undefined) {
    throw new GongzhiError('POINTS_NOT_FOUND', `no methodology version ${v}`, { program: p.id, version: v });
  }
  return m;
}

interface ValidateArgs {
  readonly program: string;
  readonly version: number;
  readonly opinion: 'positive' | 'negative';
  readonly report: Uint8Array;
}

const validateMethodology = pointsMethod<ValidateArgs>({
  summary: 'Record a validation opinion on a methodology version, with the report digest (a verifier)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      version: S.Integer({ minimum: 1, maximum: 1e9 }),
      opinion: S.Union([S.Literal('positive'), S.Literal('negative')]),
      report: schemas.digest('digest of the validation report'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'version', 'opinion', 'report']);
    return {
      program: readId(a, 'program'),
      version: a.uint('version', 1e9),
      opinion: a.oneOf('opinion', ['positive', 'negative'] as const),
      report: a.digest('report'),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'verifier');
    const m = version(env, p, a.version);
    if (m.retiredAt !== 0) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'the version is retired', {
        program: p.id,
        version: a.version,
      });
    }
    const key = keys.validation(p.id, a.version, env.sender);
    if (env.has(key)) {
      throw new GongzhiError('POINTS_ALREADY_SIGNED', 'this verifier gave its opinion on this version', {
        program: p.id,
        version: a.version,
      });
    }
    const unsourced = unsourcedFactors(m.rules, m.sources);
    if (a.opinion === 'positive' && unsourced.length > 0) {
      throw new GongzhiError(
        'POINTS_BAD_CONFIG',
        `emission factors without a source: ${unsourced.join(', ')}`,
        {
          program: p.id,
          version: a.version,
          unsourced: unsourced.join(','),
        },
      );
    }
    env.write(key, validationCodec, { opinion: a.opinion, report: a.report, height: env.height, ts: env.ts });
    const sumKey = keys.validationSum(p.id, a.version);
    const sum = env.read(sumKey, numMapCodec) ?? {};
    env.write(sumKey, numMapCodec, { ...sum, [a.opinion]: (sum[a.opinion] ?? 0) + 1 });
    env.emit('methodologyValidated', {
      program: p.id,
      version: a.version,
      opinion: a.opinion,
      by: env.sender,
    });
  },
});

/** POINTS_NOT_VALIDATED when the program has a verifier and the version lacks a clean positive opinion. */
export function requireValidated(env: Env, p: Program, v: number): void {
  if (env.booksOf(p).totals.get('verifiers') <= 0) return;
  const sum = env.read(keys.validationSum(p.id, v), numMapCodec) ?? {};
  if ((sum.positive ?? 0) < 1 || (sum.negative ?? 0) > 0) {
    throw new GongzhiError(
      'POINTS_NOT_VALIDATED',
      'the version needs a positive validation and no negative one',
      {
        program: p.id,
        version: v,
        positive: sum.positive ?? 0,
        negative: sum.negative ?? 0,
      },
    );
  }
}

interface VerifyArgs {
  readonly program: string;
  readonly period: number;
  readonly version: number;
  readonly verifiedG: number;
  readonly report: Uint8Array;
}

const verifyReductions = pointsMethod<VerifyArgs>({
  summary:
    'Verify a closed period’s reductions under one methodology version, issuing serial-numbered units (a verifier)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      period: S.Integer({ minimum: 1, maximum: 1e9, description: 'a closed period of the program’s book' }),
      version: S.Integer({ minimum: 1, maximum: 1e9, description: 'methodology version' }),
      verifiedG: S.Integer({ minimum: 1, maximum: MAX_AMOUNT, description: 'g CO2e confirmed, ≤ claimed' }),
      report: schemas.digest('digest of the verification report'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'period', 'version', 'verifiedG', 'report']);
    return {
      program: readId(a, 'program'),
      period: a.uint('period', 1e9),
      version: a.uint('version', 1e9),
      verifiedG: a.uint('verifiedG', MAX_AMOUNT),
      report: a.digest('report'),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'verifier');
    const m = version(env, p, a.version);
    const book = env.book(bookIdOf(p));
    if (book === undefined || a.period < 1 || a.period >= book.period) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'only a closed period’s reductions are verified', {
        program: p.id,
        period: a.period,
        openPeriod: book?.period ?? 0,
      });
    }
    const key = keys.units(p.id, a.period, a.version);
    if (env.has(key)) {
      throw new GongzhiError('POINTS_EXISTS', 'this period and version were verified already', {
        program: p.id,
        period: a.period,
        version: a.version,
      });
    }
    const claimedG = env.read(keys.periodAgg(p.id, a.period), numMapCodec)?.[`r:${a.version}`] ?? 0;
    if (a.verifiedG > claimedG || a.verifiedG < G_PER_UNIT) {
      throw new GongzhiError(
        'POINTS_BAD_AMOUNT',
        `verify between ${G_PER_UNIT} g (one unit) and the ${claimedG} g claimed`,
        {
          program: p.id,
          claimedG,
          verifiedG: a.verifiedG,
        },
      );
    }
    const list = env.read(keys.unitBatches(p.id), stringListCodec) ?? [];
    if (list.length >= MAX_BATCHES)
      throw new GongzhiError('POINTS_LIMIT', `at most ${MAX_BATCHES} unit batches`);
    const totals = env.booksOf(p).totals;
    const first = totals.get('serials') + 1;
    const count = Math.floor(a.verifiedG / G_PER_UNIT);
    totals.bump('serials', count);
    const batch: UnitBatch = {
      program: p.id,
      period: a.period,
      version: a.version,
      methodologyHash: m.hash,
      verifier: env.sender,
      report: a.report,
      claimedG,
      verifiedG: a.verifiedG,
      first,
      count,
      retired: 0,
      exported: 0,
      cancelled: 0,
      height: env.height,
      ts: env.ts,
    };
    env.write(key, unitBatchCodec, batch);
    env.write(keys.unitBatches(p.id), stringListCodec, [...list, `${a.period}/${a.version}`]);
    env.emit('unitsIssued', {
      program: p.id,
      period: a.period,
      version: a.version,
      first,
      count,
      by: env.sender,
    });
  },
});

interface UseArgs {
  readonly program: string;
  readonly period: number;
  readonly version: number;
  readonly action: UnitAction;
  readonly count: number;
  readonly party: string;
  readonly note: string;
}

const FIELD_OF: Readonly<Record<UnitAction, 'retired' | 'exported' | 'cancelled'>> = {
  retire: 'retired',
  export: 'exported',
  cancel: 'cancelled',
};

/**
 * The issuer retires units (offsetting, for a beneficiary) or exports them (to a registry, with
 * its reference); the issuer or a supervisor cancels them. Units leave in serial order, once each.
 */
const useUnits = pointsMethod<UseArgs>({
  summary: 'Retire, export or cancel verified units, next serials first (issuer; cancel also a supervisor)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      period: S.Integer({ minimum: 1, maximum: 1e9 }),
      version: S.Integer({ minimum: 1, maximum: 1e9 }),
      action: S.Union(UNIT_ACTIONS.map((x) => S.Literal(x))),
      count: schemas.amount('units (1 kg CO2e each)'),
      party: S.Optional(S.String({ maxLength: 128, description: 'retire: beneficiary; export: registry' })),
      note: S.Optional(
        S.String({ maxLength: 256, description: 'retire: purpose; export: reference; cancel: reason' }),
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'period', 'version', 'action', 'count', 'party', 'note']);
    const action = a.oneOf('action', UNIT_ACTIONS);
    const out = {
      program: readId(a, 'program'),
      period: a.uint('period', 1e9),
      version: a.uint('version', 1e9),
      action,
      count: a.uint('count', MAX_AMOUNT),
      party: a.has('party') ? a.str('party', 128) : '',
      note: a.has('note') ? a.str('note', 256) : '',
    };
    if (out.count < 1) a.fail('count', 'at least 1');
    if (action !== 'cancel' && (out.party === '' || out.note === '')) {
      a.fail(
        out.party === '' ? 'party' : 'note',
        'present (retire: beneficiary and purpose; export: registry and reference)',
      );
    }
    return out;
  },
  run: (env, a) => {
    const p = env.active(a.program);
    // a supervisor may cancel units too (a fraudulent claim found after verification)
    if (a.action !== 'cancel' || !env.hasRole(p, 'supervisor', env.sender)) env.requireRole(p, 'issuer');
    const key = keys.units(p.id, a.period, a.version);
    const b = env.read(key, unitBatchCodec);
    if (b === undefined) {
      throw new GongzhiError('POINTS_NOT_FOUND', 'no verified units for this period and version', {
        program: p.id,
        period: a.period,
        version: a.version,
      });
    }
    const used = b.retired + b.exported + b.cancelled;
    if (a.count > b.count - used) {
      throw new GongzhiError('POINTS_INSUFFICIENT_BALANCE', 'not that many units left in the batch', {
        program: p.id,
        left: b.count - used,
        count: a.count,
      });
    }
    const totals = env.booksOf(p).totals;
    const n = totals.get('unitOps');
    totals.bump('unitOps', 1);
    const first = b.first + used;
    const field = FIELD_OF[a.action];
    env.write(key, unitBatchCodec, { ...b, [field]: b[field] + a.count });
    env.write(keys.unitOp(p.id, n), unitOpCodec, {
      action: a.action,
      period: a.period,
      version: a.version,
      first,
      count: a.count,
      party: a.party,
      note: a.note,
      by: env.sender,
      height: env.height,
      ts: env.ts,
    });
    env.emit('unitsUsed', { program: p.id, action: a.action, first, count: a.count, party: a.party, n });
  },
});

export const verificationMethods = { validateMethodology, verifyReductions, useUnits };
