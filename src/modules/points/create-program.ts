import { GongzhiError } from '../../errors/index.js';
import { readArgs, readArgsAt, S, stringListCodec } from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import { readAddr, readAddrs, readId, schemas } from './args.js';
import { keys } from './keys.js';
import { roleGrantCodec } from './marks.js';
import { pointsMethod } from './method.js';
import { methodologyCodec, methodologyHash, methodologySchema, parseMethodologyDef } from './methodology.js';
import {
  type Cause,
  CURRENCY_RE,
  DEFAULT_UTC_OFFSET_MIN,
  type ExpiryPolicy,
  MAX_AMOUNT,
  MAX_CAUSES,
  MAX_PROGRAMS,
  MAX_SUPERVISORS,
  type MethodologyDef,
  type Program,
  type ProgramConfig,
  TRANSFER_POLICIES,
  type TransferPolicy,
} from './types.js';

function configError(message: string, details: Record<string, string | number> = {}): never {
  throw new GongzhiError('POINTS_BAD_CONFIG', message, details);
}

export interface CreateProgramArgs {
  readonly config: ProgramConfig;
  readonly supervisors: readonly string[];
  readonly methodology: MethodologyDef;
}

const PROGRAM_FIELDS = [
  'id',
  'name',
  'unit',
  'precision',
  'currency',
  'value',
  'clearing',
  'supervisors',
  'expiry',
  'transfer',
  'closedLoop',
  'claimWindowMs',
  'activeFrom',
  'activeUntil',
  'capPerWindow',
  'capWindowMs',
  'capTotal',
  'debtLimit',
  'causes',
  'methodology',
  'utcOffsetMin',
  'serviceMaxMinutes',
  'registeredDevices',
  'dataConsent',
  'privateBalances',
] as const;

function parseExpiryArg(a: ShapeReader): ExpiryPolicy {
  const e = readArgsAt(a.raw('expiry'), ['blocks', 'ms'], 'expiry');
  if (e.has('blocks') && e.has('ms')) configError('expiry is either {blocks} or {ms}, not both');
  if (e.has('blocks')) {
    const n = e.uint('blocks', 1e12);
    if (n < 1) configError('expiry.blocks must be ≥ 1');
    return { kind: 'blocks', n };
  }
  if (e.has('ms')) {
    const n = e.uint('ms', 1e14);
    if (n < 1) configError('expiry.ms must be ≥ 1');
    return { kind: 'duration', n };
  }
  return { kind: 'none' };
}

/** Parse and validate `createProgram` arguments (shape: EXEC_BAD_ARGS; meaning: POINTS_BAD_CONFIG). */
export function parseCreateProgram(v: CborMap): CreateProgramArgs {
  const a = readArgs(v, PROGRAM_FIELDS);
  const currency = a.str('currency', 8);
  if (!CURRENCY_RE.test(currency)) configError('currency is a 3-letter code or "none"', { currency });
  const value = a.uint('value', 1_000_000);
  if ((currency === 'none') !== (value === 0)) {
    configError('value must be 0 exactly when the currency is "none"', { currency, value });
  }
  const transfer = a.str('transfer', 16);
  if (!TRANSFER_POLICIES.includes(transfer as TransferPolicy)) {
    configError('transfer is none, program or relationships', { transfer });
  }
  const supervisors = readAddrs(a, 'supervisors', MAX_SUPERVISORS);
  if (supervisors.length === 0) configError('a program needs at least one supervisor');
  const causes: Cause[] = a.has('causes')
    ? a.array('causes', MAX_CAUSES).map((c) => {
        const r = readArgsAt(c, ['id', 'beneficiary', 'pot'], 'cause');
        return { id: readId(r, 'id'), beneficiary: readAddr(r, 'beneficiary'), pot: r.bool('pot') };
      })
    : [];
  if (new Set(causes.map((c) => c.id)).size !== causes.length) configError('cause ids must be unique');
  const config: ProgramConfig = {
    id: readId(a, 'id'),
    name: a.str('name', 128),
    unit: a.str('unit', 16),
    precision: a.uint('precision', 8),
    currency,
    value,
    clearing: readAddr(a, 'clearing'),
    expiry: parseExpiryArg(a),
    transfer: transfer as TransferPolicy,
    closedLoop: a.bool('closedLoop'),
    claimWindowMs: a.uint('claimWindowMs', 1e14),
    activeFrom: a.optUint('activeFrom', 0),
    activeUntil: a.optUint('activeUntil', 0),
    capPerWindow: a.optUint('capPerWindow', 0, MAX_AMOUNT),
    capWindowMs: a.optUint('capWindowMs', 0, 1e14),
    capTotal: a.optUint('capTotal', 0, MAX_AMOUNT),
    debtLimit: a.optUint('debtLimit', 0, MAX_AMOUNT),
    causes,
    utcOffsetMin: a.has('utcOffsetMin') ? a.int('utcOffsetMin', -720, 840) : DEFAULT_UTC_OFFSET_MIN,
    serviceMaxMinutes: a.optUint('serviceMaxMinutes', 0, 1440),
    registeredDevices: a.has('registeredDevices') && a.bool('registeredDevices'),
    dataConsent: a.has('dataConsent') && a.bool('dataConsent'),
    privateBalances: a.has('privateBalances') && a.bool('privateBalances'),
  };
  if (config.serviceMaxMinutes > 0 && config.value > 0) {
    configError('services (time bank) are for programs without money (value 0)');
  }
  if (config.claimWindowMs < 1) configError('claimWindowMs must be ≥ 1');
  if (config.activeUntil !== 0 && config.activeUntil <= config.activeFrom) {
    configError('activeUntil must be after activeFrom');
  }
  if (config.capPerWindow > 0 !== config.capWindowMs > 0) {
    configError('capPerWindow and capWindowMs go together');
  }
  if (config.debtLimit > 0 && config.value > 0) {
    configError('mutual credit (debtLimit) is for programs without money (value 0)');
  }
  if (causes.some((c) => c.pot) && config.value > 0) {
    configError('pot causes (re-granted points) are for programs without money (value 0)');
  }
  return { config, supervisors, methodology: parseMethodologyDef(a.raw('methodology')) };
}

const uint = (max: number, description: string) => S.Integer({ minimum: 0, maximum: max, description });

/** `createProgram`: an issuer proposes a program with its first methodology; supervisors approve it. */
export const createProgram = pointsMethod<CreateProgramArgs>({
  summary: 'Propose a points program with its settlement terms, supervisors and first methodology',
  args: S.Object(
    {
      id: schemas.id('program id'),
      name: S.String({ minLength: 1, maxLength: 128 }),
      unit: S.String({ minLength: 1, maxLength: 16, description: 'display unit, e.g. PT' }),
      precision: uint(8, 'decimal places of one minor unit (display only)'),
      currency: S.String({ pattern: '^(?:[A-Z]{3}|none)$', description: 'settlement currency or none' }),
      value: uint(1_000_000, 'currency minor units per point minor unit (0 exactly for none)'),
      clearing: schemas.addr('clearing and settlement provider'),
      supervisors: S.Array(schemas.addr(), { minItems: 1, maxItems: MAX_SUPERVISORS, uniqueItems: true }),
      expiry: S.Object(
        {
          blocks: S.Optional(S.Integer({ minimum: 1, maximum: 1e12 })),
          ms: S.Optional(S.Integer({ minimum: 1, maximum: 1e14 })),
        },
        { additionalProperties: false, description: '{} (never), {blocks} or {ms} after issue' },
      ),
      transfer: S.Union(
        TRANSFER_POLICIES.map((t) => S.Literal(t)),
        { description: 'who may receive a member-to-member transfer' },
      ),
      closedLoop: S.Boolean({ description: 'true: points cannot be cashed out' }),
      claimWindowMs: S.Integer({ minimum: 1, maximum: 1e14, description: 'how late a claim may come' }),
      activeFrom: S.Optional(S.Uint('ms; claims start no earlier (default 0)')),
      activeUntil: S.Optional(S.Uint('ms; claims end no later (default 0: open)')),
      capPerWindow: S.Optional(uint(MAX_AMOUNT, 'per-member award cap per window (0: none)')),
      capWindowMs: S.Optional(uint(1e14, 'length of the cap window (with capPerWindow)')),
      capTotal: S.Optional(uint(MAX_AMOUNT, 'per-member lifetime award cap (0: none)')),
      debtLimit: S.Optional(uint(MAX_AMOUNT, 'mutual credit: how far below zero (programs without money)')),
      causes: S.Optional(
        S.Array(
          S.Object(
            { id: schemas.id(), beneficiary: schemas.addr(), pot: S.Boolean() },
            { additionalProperties: false },
          ),
          { maxItems: MAX_CAUSES },
        ),
      ),
      methodology: methodologySchema,
      utcOffsetMin: S.Optional(
        S.Integer({
          minimum: -720,
          maximum: 840,
          description: 'scheme time zone, minutes east of UTC (480)',
        }),
      ),
      serviceMaxMinutes: S.Optional(uint(1440, 'time bank: most minutes per service (0: no services)')),
      privateBalances: S.Optional(
        S.Boolean({ description: 'members’ holdings answer only signed reads (signedAccount)' }),
      ),
      dataConsent: S.Optional(
        S.Boolean({ description: 'distributors report a member only under her consent (giveConsent)' }),
      ),
      registeredDevices: S.Optional(
        S.Boolean({ description: 'claims must name a registered device (cross-programme de-duplication)' }),
      ),
    },
    { additionalProperties: false },
  ),
  parse: parseCreateProgram,
  run: (env, a) => {
    const id = a.config.id;
    if (env.has(keys.program(id))) {
      throw new GongzhiError('POINTS_EXISTS', `program ${id} exists`, { program: id });
    }
    if (a.supervisors.includes(env.sender)) {
      throw new GongzhiError('POINTS_BAD_CONFIG', 'the issuer cannot supervise its own program', {
        program: id,
      });
    }
    const clearingClash = a.config.clearing === env.sender && a.config.value > 0;
    if (clearingClash || a.supervisors.includes(a.config.clearing)) {
      throw new GongzhiError(
        'POINTS_ROLE_CONFLICT',
        'the clearing provider is neither the issuer nor a supervisor',
        {
          program: id,
        },
      );
    }
    const list = env.read(keys.programs(), stringListCodec) ?? [];
    if (list.length >= MAX_PROGRAMS) throw new GongzhiError('POINTS_LIMIT', 'too many programs');
    const hash = methodologyHash(env.ctx.suite, id, 1, a.methodology);
    const program: Program = {
      ...a.config,
      issuer: env.sender,
      status: 'pending',
      frozen: false,
      createdAt: env.height,
      approvedAt: 0,
      approvedBy: '',
      methodology: 0,
      latestMethodology: 1,
    };
    env.putProgram(program);
    env.write(keys.programs(), stringListCodec, [...list, id]);
    env.write(keys.methodology(id, 1), methodologyCodec, {
      ...a.methodology,
      program: id,
      version: 1,
      hash,
      status: 'pending',
      proposedAt: env.height,
      approvedAt: 0,
      approvedBy: '',
      effectiveFrom: 0,
      validUntil: 0,
      retiredAt: 0,
    });
    env.write(keys.supervisors(id), stringListCodec, [...a.supervisors]);
    for (const s of a.supervisors) {
      env.write(keys.role(id, 'supervisor', s), roleGrantCodec, { since: env.height, by: env.sender });
    }
    env.emit('programCreated', { program: id, issuer: env.sender, methodologyHash: hash });
  },
});
