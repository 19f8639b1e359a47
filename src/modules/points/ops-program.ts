import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import { type Book, bookValue, type Env } from './env.js';
import { methodologyHash, methodologyValue, parseMethodology, parseMethodologyDef } from './methodology.js';
import { Args, op } from './op.js';
import { bookIdOf, keys, readList } from './state.js';
import {
  type Cause,
  CURRENCY_RE,
  type ExpiryPolicy,
  MAX_AMOUNT,
  MAX_CAUSES,
  MAX_PROGRAMS,
  MAX_SUPERVISORS,
  type MethodologyDef,
  type Program,
  type ProgramConfig,
  ROLE_NAMES,
  type RoleName,
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
] as const;

function parseExpiryArg(a: Args): ExpiryPolicy {
  const e = Args.nested(a.raw('expiry'), ['blocks', 'ms'], 'expiry');
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
  const a = Args.of(v, PROGRAM_FIELDS);
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
  const supervisors = a.addrs('supervisors', MAX_SUPERVISORS);
  if (supervisors.length === 0) configError('a program needs at least one supervisor');
  const causes: Cause[] = a.has('causes')
    ? a.array('causes', MAX_CAUSES).map((c) => {
        const r = Args.nested(c, ['id', 'beneficiary', 'pot'], 'cause');
        return { id: r.id('id'), beneficiary: r.addr('beneficiary'), pot: r.bool('pot') };
      })
    : [];
  if (new Set(causes.map((c) => c.id)).size !== causes.length) configError('cause ids must be unique');
  const config: ProgramConfig = {
    id: a.id('id'),
    name: a.str('name', 128),
    unit: a.str('unit', 16),
    precision: a.uint('precision', 8),
    currency,
    value,
    clearing: a.addr('clearing'),
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
  };
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
  return { config, supervisors, methodology: parseMethodologyDef(a.raw('methodology'), 'EXEC_BAD_ARGS') };
}

const createProgram = op(parseCreateProgram, (env, a) => {
  const id = a.config.id;
  if (env.has(keys.program(id))) {
    throw new GongzhiError('POINTS_EXISTS', `program ${id} exists`, { program: id });
  }
  if (a.supervisors.includes(env.sender)) {
    throw new GongzhiError('POINTS_BAD_CONFIG', 'the issuer cannot supervise its own program', {
      program: id,
    });
  }
  const list = readList(env.get(keys.programs()));
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
  env.set(keys.programs(), [...list, id]);
  env.set(
    keys.methodology(id, 1),
    methodologyValue({
      ...a.methodology,
      program: id,
      version: 1,
      hash,
      status: 'pending',
      proposedAt: env.height,
      approvedAt: 0,
      approvedBy: '',
    }),
  );
  for (const s of a.supervisors)
    env.set(keys.role(id, 'supervisor', s), { since: env.height, by: env.sender });
  env.emit('programCreated', { program: id, issuer: env.sender, methodologyHash: hash });
});

function programArg(v: CborMap): { program: string } {
  return { program: Args.of(v, ['program']).id('program') };
}

function approveMethodologyVersion(env: Env, p: Program, version: number): Program {
  const key = keys.methodology(p.id, version);
  const raw = env.get(key);
  if (raw === undefined) {
    throw new GongzhiError('POINTS_NOT_FOUND', `no methodology version ${version}`, {
      program: p.id,
      version,
    });
  }
  const m = parseMethodology(raw);
  if (m.status !== 'pending') {
    throw new GongzhiError('POINTS_INVALID_STATE', 'methodology version is not pending', {
      program: p.id,
      version,
    });
  }
  env.set(
    key,
    methodologyValue({ ...m, status: 'approved', approvedAt: env.height, approvedBy: env.sender }),
  );
  env.emit('methodologyApproved', { program: p.id, version, hash: m.hash, by: env.sender });
  return version > p.methodology ? { ...p, methodology: version } : p;
}

/** A listed supervisor other than the issuer approves a pending program; its first methodology too. */
const approveProgram = op(programArg, (env, a) => {
  const p = env.program(a.program);
  env.requireRole(p, 'supervisor');
  if (p.issuer === env.sender) {
    throw new GongzhiError('POINTS_WRONG_ROLE', 'the issuer cannot approve its own program', {
      program: p.id,
    });
  }
  if (p.status !== 'pending') {
    throw new GongzhiError('POINTS_INVALID_STATE', 'program is already approved', { program: p.id });
  }
  const approved = approveMethodologyVersion(env, p, 1);
  env.putProgram({ ...approved, status: 'active', approvedAt: env.height, approvedBy: env.sender });
  const bookId = bookIdOf(p);
  const existing = env.book(bookId);
  const book: Book = existing
    ? { ...existing, programs: [...existing.programs, p.id] }
    : {
        id: bookId,
        clearing: p.clearing,
        currency: p.currency,
        period: 1,
        openedHeight: env.height,
        openedTs: env.ts,
        programs: [p.id],
      };
  env.set(keys.book(bookId), bookValue(book));
  env.emit('programApproved', { program: p.id, by: env.sender, book: bookId, period: book.period });
});

const proposeMethodology = op(
  (v) => {
    const a = Args.of(v, ['program', 'methodology']);
    return { program: a.id('program'), def: parseMethodologyDef(a.raw('methodology'), 'EXEC_BAD_ARGS') };
  },
  (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'issuer');
    const version = p.latestMethodology + 1;
    const hash = methodologyHash(env.ctx.suite, p.id, version, a.def);
    env.set(
      keys.methodology(p.id, version),
      methodologyValue({
        ...a.def,
        program: p.id,
        version,
        hash,
        status: 'pending',
        proposedAt: env.height,
        approvedAt: 0,
        approvedBy: '',
      }),
    );
    env.putProgram({ ...p, latestMethodology: version });
    env.emit('methodologyProposed', { program: p.id, version, hash });
  },
);

const approveMethodology = op(
  (v) => {
    const a = Args.of(v, ['program', 'version']);
    return { program: a.id('program'), version: a.uint('version', 1e9) };
  },
  (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'supervisor');
    env.putProgram(approveMethodologyVersion(env, p, a.version));
  },
);

interface RoleArgs {
  readonly program: string;
  readonly role: RoleName;
  readonly account: string;
}

function parseRoleArgs(v: CborMap): RoleArgs {
  const a = Args.of(v, ['program', 'role', 'account']);
  const role = a.str('role', 16);
  if (!ROLE_NAMES.includes(role as RoleName)) {
    throw new GongzhiError('EXEC_BAD_ARGS', 'role is distributor, sponsor, platform or supervisor', {
      field: 'role',
    });
  }
  return { program: a.id('program'), role: role as RoleName, account: a.addr('account') };
}

/** The issuer manages distributors, sponsors and platforms; supervisors manage supervisors. */
function requireRoleAuthority(env: Env, p: Program, role: RoleName): void {
  env.requireRole(p, role === 'supervisor' ? 'supervisor' : 'issuer');
}

const grantRole = op(parseRoleArgs, (env, a) => {
  const p = env.active(a.program);
  requireRoleAuthority(env, p, a.role);
  if (a.role === 'supervisor' && a.account === p.issuer) {
    throw new GongzhiError('POINTS_BAD_CONFIG', 'the issuer cannot supervise its own program', {
      program: p.id,
    });
  }
  if (env.hasRole(p, a.role, a.account)) {
    throw new GongzhiError('POINTS_EXISTS', `${a.account} already is a ${a.role}`, {
      program: p.id,
      role: a.role,
    });
  }
  env.set(keys.role(p.id, a.role, a.account), { since: env.height, by: env.sender });
  env.emit('roleGranted', { program: p.id, role: a.role, account: a.account, by: env.sender });
});

const revokeRole = op(parseRoleArgs, (env, a) => {
  const p = env.active(a.program);
  requireRoleAuthority(env, p, a.role);
  if (!env.hasRole(p, a.role, a.account)) {
    throw new GongzhiError('POINTS_NOT_FOUND', `${a.account} is not a ${a.role}`, {
      program: p.id,
      role: a.role,
    });
  }
  env.del(keys.role(p.id, a.role, a.account));
  env.emit('roleRevoked', { program: p.id, role: a.role, account: a.account, by: env.sender });
});

interface FreezeArgs {
  readonly program: string;
  readonly account?: string;
  readonly reason: string;
}

function parseFreeze(v: CborMap): FreezeArgs {
  const a = Args.of(v, ['program', 'account', 'reason']);
  const base = { program: a.id('program'), reason: a.str('reason', 256) };
  return a.has('account') ? { ...base, account: a.addr('account') } : base;
}

function supervisedProgram(env: Env, id: string): Program {
  const p = env.program(id);
  env.requireRole(p, 'supervisor');
  if (p.status !== 'active') {
    throw new GongzhiError('POINTS_PROGRAM_NOT_APPROVED', `program ${id} is not approved yet`, {
      program: id,
    });
  }
  return p;
}

/** A supervisor freezes a program, or any account in it (user, distributor, sponsor, platform…). */
const freeze = op(parseFreeze, (env, a) => {
  const p = supervisedProgram(env, a.program);
  if (a.account === undefined) {
    if (p.frozen) throw new GongzhiError('POINTS_INVALID_STATE', 'program is frozen already');
    env.putProgram({ ...p, frozen: true });
  } else {
    if (env.isFrozen(p, a.account))
      throw new GongzhiError('POINTS_INVALID_STATE', 'account is frozen already');
    env.set(keys.frozen(p.id, a.account), { by: env.sender, height: env.height, reason: a.reason });
  }
  env.emit('frozen', {
    program: p.id,
    account: a.account ?? '',
    reason: a.reason,
    by: env.sender,
  });
});

const unfreeze = op(parseFreeze, (env, a) => {
  const p = supervisedProgram(env, a.program);
  if (a.account === undefined) {
    if (!p.frozen) throw new GongzhiError('POINTS_INVALID_STATE', 'program is not frozen');
    env.putProgram({ ...p, frozen: false });
  } else {
    if (!env.isFrozen(p, a.account)) throw new GongzhiError('POINTS_INVALID_STATE', 'account is not frozen');
    env.del(keys.frozen(p.id, a.account));
  }
  env.emit('unfrozen', {
    program: p.id,
    account: a.account ?? '',
    reason: a.reason,
    by: env.sender,
  });
});

export const programMethods = {
  createProgram,
  approveProgram,
  proposeMethodology,
  approveMethodology,
  grantRole,
  revokeRole,
  freeze,
  unfreeze,
};
