import { type Codec, defineCodec } from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import {
  ADDR_RE,
  type Cause,
  CURRENCY_RE,
  type ExpiryPolicy,
  ID_RE,
  MAX_CAUSES,
  type Program,
  TRANSFER_POLICIES,
} from './types.js';

const PROGRAM_FIELDS = [
  'id',
  'name',
  'issuer',
  'status',
  'frozen',
  'createdAt',
  'approvedAt',
  'approvedBy',
  'unit',
  'precision',
  'currency',
  'value',
  'clearing',
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
  'latestMethodology',
  'utcOffsetMin',
  'serviceMaxMinutes',
  'registeredDevices',
  'dataConsent',
  'privateBalances',
] as const;

/** Stored form of an expiry policy: `{kind: 'none'}` or `{kind, n}`. */
export function expiryValue(e: ExpiryPolicy): CborMap {
  return e.kind === 'none' ? { kind: 'none' } : { kind: e.kind, n: e.n };
}

function readExpiry(r: ShapeReader): ExpiryPolicy {
  const e = r.nested('expiry', ['kind', 'n']);
  const kind = e.oneOf('kind', ['none', 'blocks', 'duration'] as const);
  if (kind === 'none') {
    if (e.has('n')) e.fail('n', 'absent when kind is none');
    return { kind };
  }
  const n = e.uint('n');
  if (n < 1) e.fail('n', '≥ 1');
  return { kind, n };
}

function readCause(r: ShapeReader, v: CborMap[string], at: string): Cause {
  const c = r.sub(v, at, ['id', 'beneficiary', 'pot']);
  return {
    id: c.match('id', ID_RE, 'an id', 48),
    beneficiary: c.match('beneficiary', ADDR_RE, 'an account address', 128),
    pot: c.bool('pot'),
  };
}

/** The one codec of a program record (`program/<id>`). */
export const programCodec: Codec<Program> = defineCodec<Program>(
  'program',
  PROGRAM_FIELDS,
  (p) => ({
    id: p.id,
    name: p.name,
    issuer: p.issuer,
    status: p.status,
    frozen: p.frozen,
    createdAt: p.createdAt,
    approvedAt: p.approvedAt,
    approvedBy: p.approvedBy,
    unit: p.unit,
    precision: p.precision,
    currency: p.currency,
    value: p.value,
    clearing: p.clearing,
    expiry: expiryValue(p.expiry),
    transfer: p.transfer,
    closedLoop: p.closedLoop,
    claimWindowMs: p.claimWindowMs,
    activeFrom: p.activeFrom,
    activeUntil: p.activeUntil,
    capPerWindow: p.capPerWindow,
    capWindowMs: p.capWindowMs,
    capTotal: p.capTotal,
    debtLimit: p.debtLimit,
    causes: p.causes.map((c) => ({ id: c.id, beneficiary: c.beneficiary, pot: c.pot })),
    methodology: p.methodology,
    latestMethodology: p.latestMethodology,
    utcOffsetMin: p.utcOffsetMin,
    serviceMaxMinutes: p.serviceMaxMinutes,
    ...(p.registeredDevices ? { registeredDevices: true } : {}),
    ...(p.dataConsent ? { dataConsent: true } : {}),
    ...(p.privateBalances ? { privateBalances: true } : {}),
  }),
  (r) => ({
    id: r.match('id', ID_RE, 'a program id', 48),
    name: r.str('name', 128),
    issuer: r.match('issuer', ADDR_RE, 'an account address', 128),
    status: r.oneOf('status', ['pending', 'active'] as const),
    frozen: r.bool('frozen'),
    createdAt: r.uint('createdAt'),
    approvedAt: r.uint('approvedAt'),
    approvedBy: r.str('approvedBy', 128, 0),
    unit: r.str('unit', 16),
    precision: r.uint('precision', 8),
    currency: r.match('currency', CURRENCY_RE, 'a currency code', 8),
    value: r.uint('value'),
    clearing: r.match('clearing', ADDR_RE, 'an account address', 128),
    expiry: readExpiry(r),
    transfer: r.oneOf('transfer', TRANSFER_POLICIES),
    closedLoop: r.bool('closedLoop'),
    claimWindowMs: r.uint('claimWindowMs'),
    activeFrom: r.uint('activeFrom'),
    activeUntil: r.uint('activeUntil'),
    capPerWindow: r.uint('capPerWindow'),
    capWindowMs: r.uint('capWindowMs'),
    capTotal: r.uint('capTotal'),
    debtLimit: r.uint('debtLimit'),
    causes: r.list('causes', MAX_CAUSES, (v, at) => readCause(r, v, at)),
    methodology: r.uint('methodology'),
    latestMethodology: r.uint('latestMethodology'),
    utcOffsetMin: r.int('utcOffsetMin', -720, 840),
    serviceMaxMinutes: r.uint('serviceMaxMinutes', 1440),
    registeredDevices: r.has('registeredDevices') && r.bool('registeredDevices'),
    dataConsent: r.has('dataConsent') && r.bool('dataConsent'),
    privateBalances: r.has('privateBalances') && r.bool('privateBalances'),
  }),
);
