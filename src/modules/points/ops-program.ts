import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { readAddr, readId, schemas } from './args.js';
import type { Book } from './book.js';
import { createProgram } from './create-program.js';
import type { Env } from './env.js';
import { bookIdOf, keys } from './keys.js';
import { freezeMarkCodec, roleGrantCodec } from './marks.js';
import { pointsMethod } from './method.js';
import { methodologyCodec, methodologyHash, methodologySchema, parseMethodologyDef } from './methodology.js';
import { requireValidated } from './ops-verification.js';
import { assertCompatible } from './roles.js';
import { voteSupervisorChange } from './supervisors.js';
import { type Program, ROLE_NAMES, type RoleName } from './types.js';

const programArgs = S.Object({ program: schemas.id('program id') }, { additionalProperties: false });

function programArg(v: CborMap): { program: string } {
  return { program: readId(readArgs(v, ['program']), 'program') };
}

function approveMethodologyVersion(env: Env, p: Program, version: number): Program {
  const key = keys.methodology(p.id, version);
  const m = env.read(key, methodologyCodec);
  if (m === undefined) {
    throw new GongzhiError('POINTS_NOT_FOUND', `no methodology version ${version}`, {
      program: p.id,
      version,
    });
  }
  if (m.status !== 'pending') {
    throw new GongzhiError('POINTS_INVALID_STATE', 'methodology version is not pending', {
      program: p.id,
      version,
    });
  }
  env.write(key, methodologyCodec, {
    ...m,
    status: 'approved',
    approvedAt: env.height,
    approvedBy: env.sender,
    effectiveFrom: env.ts,
  });
  env.emit('methodologyApproved', { program: p.id, version, hash: m.hash, by: env.sender });
  return version > p.methodology ? { ...p, methodology: version } : p;
}

/** A listed supervisor other than the issuer approves a pending program; its first methodology too. */
const approveProgram = pointsMethod<{ program: string }>({
  summary: 'Approve a pending program and its first methodology (a supervisor, not the issuer)',
  args: programArgs,
  parse: programArg,
  run: (env, a) => {
    const p = env.program(a.program);
    env.requireRole(p, 'supervisor');
    env.requireNotFrozen(p, env.sender);
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
    env.putBook(book);
    env.emit('programApproved', { program: p.id, by: env.sender, book: bookId, period: book.period });
  },
});

const proposeMethodology = pointsMethod<{
  program: string;
  def: ReturnType<typeof parseMethodologyDef>;
  validUntil: number;
}>({
  summary: 'Propose the next methodology version of an active program (the issuer)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      methodology: methodologySchema,
      validUntil: S.Optional(S.Uint('ms; activities from then on are not measured by it (0: open)')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'methodology', 'validUntil']);
    return {
      program: readId(a, 'program'),
      def: parseMethodologyDef(a.raw('methodology')),
      validUntil: a.optUint('validUntil', 0),
    };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'issuer');
    const version = p.latestMethodology + 1;
    const hash = methodologyHash(env.ctx.suite, p.id, version, a.def);
    env.write(keys.methodology(p.id, version), methodologyCodec, {
      ...a.def,
      program: p.id,
      version,
      hash,
      status: 'pending',
      proposedAt: env.height,
      approvedAt: 0,
      approvedBy: '',
      effectiveFrom: 0,
      validUntil: a.validUntil,
      retiredAt: 0,
    });
    env.putProgram({ ...p, latestMethodology: version });
    env.emit('methodologyProposed', { program: p.id, version, hash });
  },
});

const approveMethodology = pointsMethod<{ program: string; version: number }>({
  summary: 'Approve a pending methodology version; a newer one comes into force (a supervisor)',
  args: S.Object(
    { program: schemas.id('program id'), version: S.Integer({ minimum: 0, maximum: 1e9 }) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'version']);
    return { program: readId(a, 'program'), version: a.uint('version', 1e9) };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'supervisor');
    requireValidated(env, p, a.version);
    env.putProgram(approveMethodologyVersion(env, p, a.version));
  },
});

/** A supervisor retires an approved version: activities from now on are not measured by it. */
const retireMethodology = pointsMethod<{ program: string; version: number }>({
  summary: 'Retire an approved methodology version from now on (a supervisor)',
  args: S.Object(
    { program: schemas.id('program id'), version: S.Integer({ minimum: 1, maximum: 1e9 }) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'version']);
    return { program: readId(a, 'program'), version: a.uint('version', 1e9) };
  },
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'supervisor');
    const key = keys.methodology(p.id, a.version);
    const m = env.read(key, methodologyCodec);
    if (m === undefined) {
      throw new GongzhiError('POINTS_NOT_FOUND', `no methodology version ${a.version}`, { program: p.id });
    }
    if (m.status !== 'approved' || m.retiredAt !== 0) {
      throw new GongzhiError('POINTS_INVALID_STATE', 'only an approved version in force can be retired', {
        program: p.id,
        version: a.version,
      });
    }
    env.write(key, methodologyCodec, { ...m, retiredAt: env.ts });
    env.emit('methodologyRetired', { program: p.id, version: a.version, by: env.sender });
  },
});

interface RoleArgs {
  readonly program: string;
  readonly role: RoleName;
  readonly account: string;
}

function parseRoleArgs(v: CborMap): RoleArgs {
  const a = readArgs(v, ['program', 'role', 'account']);
  const role = a.str('role', 16);
  if (!ROLE_NAMES.includes(role as RoleName)) {
    throw new GongzhiError(
      'EXEC_BAD_ARGS',
      'role is distributor, sponsor, platform, supervisor or verifier',
      {
        field: 'role',
      },
    );
  }
  return { program: readId(a, 'program'), role: role as RoleName, account: readAddr(a, 'account') };
}

const roleArgs = S.Object(
  {
    program: schemas.id('program id'),
    role: S.Union(ROLE_NAMES.map((r) => S.Literal(r))),
    account: schemas.addr(),
  },
  { additionalProperties: false },
);

/**
 * The issuer manages distributors, sponsors and platforms; supervisors manage supervisors (by a
 * majority vote) and appoint verifiers (one supervisor: the verifier must be independent of the
 * issuer whose methodology and reductions it signs off).
 */
function requireRoleAuthority(env: Env, p: Program, role: RoleName): void {
  env.requireRole(p, role === 'supervisor' || role === 'verifier' ? 'supervisor' : 'issuer');
  if (role === 'verifier') env.requireNotFrozen(p, env.sender);
}

const grantRole = pointsMethod<RoleArgs>({
  summary: 'Grant a program role (issuer: distributor, sponsor, platform; supervisors: supervisor)',
  args: roleArgs,
  parse: parseRoleArgs,
  run: (env, a) => {
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
    assertCompatible(env, p, a.account, a.role);
    if (a.role === 'supervisor') {
      voteSupervisorChange(env, p, 'grant', a.account);
      return;
    }
    env.write(keys.role(p.id, a.role, a.account), roleGrantCodec, { since: env.height, by: env.sender });
    if (a.role === 'verifier') env.booksOf(p).totals.bump('verifiers', 1);
    env.emit('roleGranted', { program: p.id, role: a.role, account: a.account, by: env.sender });
  },
});

const revokeRole = pointsMethod<RoleArgs>({
  summary: 'Revoke a program role (same authority as granting it)',
  args: roleArgs,
  parse: parseRoleArgs,
  run: (env, a) => {
    const p = env.active(a.program);
    requireRoleAuthority(env, p, a.role);
    if (!env.hasRole(p, a.role, a.account)) {
      throw new GongzhiError('POINTS_NOT_FOUND', `${a.account} is not a ${a.role}`, {
        program: p.id,
        role: a.role,
      });
    }
    if (a.role === 'supervisor') {
      voteSupervisorChange(env, p, 'revoke', a.account);
      return;
    }
    env.delete(keys.role(p.id, a.role, a.account));
    if (a.role === 'verifier') env.booksOf(p).totals.bump('verifiers', -1);
    env.emit('roleRevoked', { program: p.id, role: a.role, account: a.account, by: env.sender });
  },
});

interface FreezeArgs {
  readonly program: string;
  readonly account?: string;
  readonly reason: string;
}

function parseFreeze(v: CborMap): FreezeArgs {
  const a = readArgs(v, ['program', 'account', 'reason']);
  const base = { program: readId(a, 'program'), reason: a.str('reason', 256) };
  return a.has('account') ? { ...base, account: readAddr(a, 'account') } : base;
}

const freezeArgs = S.Object(
  {
    program: schemas.id('program id'),
    account: S.Optional(schemas.addr('the account (absent: the whole program)')),
    reason: S.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

/** A supervisor's act on a program: a frozen supervisor does nothing (nor lifts its own freeze). */
function supervisedProgram(env: Env, id: string): Program {
  const p = env.program(id);
  env.requireRole(p, 'supervisor');
  env.requireNotFrozen(p, env.sender);
  if (p.status !== 'active') {
    throw new GongzhiError('POINTS_PROGRAM_NOT_APPROVED', `program ${id} is not approved yet`, {
      program: id,
    });
  }
  return p;
}

/** A supervisor freezes a program, or any account in it (user, distributor, sponsor, platform…). */
const freeze = pointsMethod<FreezeArgs>({
  summary: 'Freeze a program or one account in it (a supervisor)',
  args: freezeArgs,
  parse: parseFreeze,
  run: (env, a) => {
    const p = supervisedProgram(env, a.program);
    if (a.account === undefined) {
      if (p.frozen) throw new GongzhiError('POINTS_INVALID_STATE', 'program is frozen already');
      env.putProgram({ ...p, frozen: true });
    } else {
      if (env.isFrozen(p, a.account)) {
        throw new GongzhiError('POINTS_INVALID_STATE', 'account is frozen already');
      }
      env.write(keys.frozen(p.id, a.account), freezeMarkCodec, {
        by: env.sender,
        height: env.height,
        reason: a.reason,
      });
    }
    env.emit('frozen', { program: p.id, account: a.account ?? '', reason: a.reason, by: env.sender });
  },
});

const unfreeze = pointsMethod<FreezeArgs>({
  summary: 'Lift a freeze of a program or one account in it (a supervisor)',
  args: freezeArgs,
  parse: parseFreeze,
  run: (env, a) => {
    const p = supervisedProgram(env, a.program);
    if (a.account === undefined) {
      if (!p.frozen) throw new GongzhiError('POINTS_INVALID_STATE', 'program is not frozen');
      env.putProgram({ ...p, frozen: false });
    } else {
      if (!env.isFrozen(p, a.account)) {
        throw new GongzhiError('POINTS_INVALID_STATE', 'account is not frozen');
      }
      env.delete(keys.frozen(p.id, a.account));
    }
    env.emit('unfrozen', { program: p.id, account: a.account ?? '', reason: a.reason, by: env.sender });
  },
});

export const programMethods = {
  createProgram,
  approveProgram,
  proposeMethodology,
  approveMethodology,
  retireMethodology,
  grantRole,
  revokeRole,
  freeze,
  unfreeze,
};
