import { type CborValue, encodeCanonical, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import type { Env } from './env.js';
import { type Measurement, measure, parseMethodology } from './methodology.js';
import { Args, op } from './op.js';
import { keys, Rec } from './state.js';
import { MAX_AMOUNT, type Methodology, type Program } from './types.js';

const parsedMethodologies = new WeakMap<object, Methodology>();

/** The methodology in force (parsed once per stored value). */
export function currentMethodology(env: Env, p: Program): Methodology {
  const v = env.get(keys.methodology(p.id, p.methodology));
  if (typeof v !== 'object' || v === null) {
    throw new GongzhiError('EXEC_INTERNAL', 'program has no approved methodology');
  }
  let m = parsedMethodologies.get(v);
  if (!m) {
    m = parseMethodology(v);
    parsedMethodologies.set(v, m);
  }
  return m;
}

export interface ClaimArgs {
  readonly program: string;
  readonly user: string;
  readonly kind: string;
  readonly variant: string;
  readonly quantity: number;
  readonly periodStart: number;
  readonly periodEnd: number;
  /** Digest of the device / card / session identifier (never the identifier itself). */
  readonly device: Uint8Array;
  /** Digest of the evidence (the device report, photo, ticket…), kept off chain by its owner. */
  readonly evidence: Uint8Array;
  /** Who measured: the device model / data source. */
  readonly measuredBy: string;
  /** Award from this sponsor's quota bucket only (default: the buckets in order). */
  readonly sponsor?: string;
}

export function parseClaim(v: CborMap): ClaimArgs {
  const a = Args.of(v, [
    'program',
    'user',
    'kind',
    'variant',
    'quantity',
    'periodStart',
    'periodEnd',
    'device',
    'evidence',
    'measuredBy',
    'sponsor',
  ]);
  const variant = a.has('variant') ? a.id('variant') : 'default';
  const out = {
    program: a.id('program'),
    user: a.addr('user'),
    kind: a.id('kind'),
    variant,
    quantity: a.uint('quantity', MAX_AMOUNT),
    periodStart: a.uint('periodStart'),
    periodEnd: a.uint('periodEnd'),
    device: a.digest('device'),
    evidence: a.digest('evidence'),
    measuredBy: a.str('measuredBy', 128),
    ...(a.has('sponsor') ? { sponsor: a.addr('sponsor') } : {}),
  };
  if (out.periodEnd <= out.periodStart) {
    throw new GongzhiError('EXEC_BAD_ARGS', 'args.periodEnd must be after periodStart', {
      field: 'periodEnd',
    });
  }
  return out;
}

/** The idempotency key of a claim: H(program, kind, device, period). */
export function claimId(env: Env, a: ClaimArgs): Uint8Array {
  return env.ctx.suite.hash(
    encodeCanonical({
      program: a.program,
      kind: a.kind,
      device: a.device,
      periodStart: a.periodStart,
      periodEnd: a.periodEnd,
    }),
  );
}

function assertInWindow(env: Env, p: Program, a: ClaimArgs): void {
  const fail = (why: string): never => {
    throw new GongzhiError('POINTS_OUTSIDE_WINDOW', `claim period ${why}`, {
      program: p.id,
      periodStart: a.periodStart,
      periodEnd: a.periodEnd,
      now: env.ts,
    });
  };
  if (a.periodEnd > env.ts) fail('has not ended yet');
  if (env.ts - a.periodEnd > p.claimWindowMs) fail('ended before the claim window');
  if (a.periodStart < p.activeFrom) fail('starts before the program');
  if (p.activeUntil !== 0 && a.periodEnd > p.activeUntil) fail('ends after the program');
}

/** Points the user may still be awarded now under the caps (Infinity when uncapped). */
function capRoom(env: Env, p: Program, user: string): { room: number; bucket: number; used: number } {
  const h = env.booksOf(p).holder(user);
  const bucket = p.capWindowMs > 0 ? Math.floor(env.ts / p.capWindowMs) : 0;
  const used = h && h.capBucket === bucket ? h.capUsed : 0;
  let room = Number.POSITIVE_INFINITY;
  if (p.capPerWindow > 0) room = Math.min(room, p.capPerWindow - used);
  if (p.capTotal > 0) room = Math.min(room, p.capTotal - (h?.awarded ?? 0));
  return { room: Math.max(0, room), bucket, used };
}

/**
 * A distributor submits an activity claim for a member. The program's methodology turns it into an
 * emission reduction (g CO2e) and points; the points come out of the distributor's quota as lots.
 * The same device cannot claim an overlapping period twice; the period must lie in the claim window;
 * per-user caps clip the award (POINTS_CAP_EXCEEDED when nothing is left).
 */
const claim = op(parseClaim, (env, a) => {
  const p = env.active(a.program);
  env.requireRole(p, 'distributor');
  if (a.user === env.sender) {
    throw new GongzhiError('POINTS_WRONG_ROLE', 'a distributor cannot award itself', { program: p.id });
  }
  env.requireMember(p, a.user);
  assertInWindow(env, p, a);
  const deviceHex = toHex(a.device);
  const hwKey = keys.highWater(p.id, a.kind, deviceHex);
  const hw = env.get(hwKey);
  const id = claimId(env, a);
  if (typeof hw === 'number' && a.periodStart < hw) {
    throw new GongzhiError('POINTS_DUPLICATE_CLAIM', 'this device already claimed this period', {
      program: p.id,
      kind: a.kind,
      claimedUntil: hw,
      periodStart: a.periodStart,
    });
  }
  const m = currentMethodology(env, p);
  const measured: Measurement = measure(m, a);
  const cap = capRoom(env, p, a.user);
  const points = Math.min(measured.points, cap.room);
  if (measured.points > 0 && points === 0) {
    throw new GongzhiError('POINTS_CAP_EXCEEDED', 'the user reached the award cap', {
      program: p.id,
      user: a.user,
      capPerWindow: p.capPerWindow,
      capTotal: p.capTotal,
    });
  }
  const books = env.booksOf(p);
  const idHex = toHex(id);
  if (points > 0) {
    books.begin('award', idHex);
    books.give(a.user, books.takeQuota(env.sender, points, a.sponsor));
    books.end();
    const h = books.holder(a.user);
    if (h) {
      books.putHolder(a.user, {
        ...h,
        capBucket: cap.bucket,
        capUsed: cap.used + points,
        awarded: h.awarded + points,
      });
    }
  }
  env.set(hwKey, a.periodEnd);
  const record: Record<string, CborValue> = {
    id,
    user: a.user,
    distributor: env.sender,
    kind: a.kind,
    variant: a.variant,
    quantity: a.quantity,
    counted: measured.counted,
    periodStart: a.periodStart,
    periodEnd: a.periodEnd,
    device: a.device,
    evidence: a.evidence,
    measuredBy: a.measuredBy,
    reductionG: measured.reductionG,
    measuredPoints: measured.points,
    points,
    methodology: m.version,
    methodologyHash: m.hash,
    height: env.height,
    ts: env.ts,
    tx: env.ctx.txHash,
  };
  env.set(keys.claim(p.id, idHex), record);
  books.agg('claims', 1);
  books.agg('reductionG', measured.reductionG);
  books.agg('awarded', points);
  books.agg('capped', measured.points - points);
  books.distAgg(env.sender, 'claims', 1);
  books.distAgg(env.sender, 'awarded', points);
  books.distAgg(env.sender, 'reductionG', measured.reductionG);
  books.distAgg(env.sender, `q:${a.kind}`, a.quantity);
  env.emit('awarded', {
    program: p.id,
    claim: id,
    user: a.user,
    distributor: env.sender,
    kind: a.kind,
    reductionG: measured.reductionG,
    points,
    capped: measured.points - points,
    methodology: m.version,
    methodologyHash: m.hash,
  });
});

// ---- services (time bank): logged by the provider, confirmed by the recipient ------------------

interface ServiceRecord {
  readonly id: Uint8Array;
  readonly provider: string;
  readonly recipient: string;
  readonly kind: string;
  readonly minutes: number;
  readonly status: 'logged' | 'confirmed' | 'rejected';
  readonly loggedAt: number;
  readonly closedAt: number;
  readonly credits: number;
  readonly methodology: number;
  readonly methodologyHash: Uint8Array;
}

function serviceValue(s: ServiceRecord): CborMap {
  return { ...s };
}

export function parseService(v: CborValue | undefined): ServiceRecord {
  const r = Rec.of(v, 'service');
  const status = r.str('status');
  if (status !== 'logged' && status !== 'confirmed' && status !== 'rejected') {
    throw new GongzhiError('EXEC_INTERNAL', 'stored service status is unknown');
  }
  return {
    id: r.bytes('id'),
    provider: r.str('provider'),
    recipient: r.str('recipient'),
    kind: r.str('kind'),
    minutes: r.int('minutes'),
    status,
    loggedAt: r.int('loggedAt'),
    closedAt: r.int('closedAt'),
    credits: r.int('credits'),
    methodology: r.int('methodology'),
    methodologyHash: r.bytes('methodologyHash'),
  };
}

/** The provider logs a service given to another member (first of the two confirmations). */
const logService = op(
  (v) => {
    const a = Args.of(v, ['program', 'id', 'recipient', 'minutes', 'kind']);
    return {
      program: a.id('program'),
      id: a.digest('id'),
      recipient: a.addr('recipient'),
      minutes: a.amount('minutes'),
      kind: a.id('kind'),
    };
  },
  (env, a) => {
    const p = env.active(a.program);
    env.requireMember(p, env.sender);
    env.requireMember(p, a.recipient);
    if (a.recipient === env.sender) {
      throw new GongzhiError('POINTS_BAD_AMOUNT', 'a service needs two different members');
    }
    const key = keys.service(p.id, toHex(a.id));
    if (env.has(key)) {
      throw new GongzhiError('POINTS_DUPLICATE_CLAIM', 'this service is already logged', { program: p.id });
    }
    const m = currentMethodology(env, p);
    measure(m, { kind: a.kind, variant: 'default', quantity: a.minutes, periodStart: 0, periodEnd: 1 });
    env.set(
      key,
      serviceValue({
        id: a.id,
        provider: env.sender,
        recipient: a.recipient,
        kind: a.kind,
        minutes: a.minutes,
        status: 'logged',
        loggedAt: env.height,
        closedAt: 0,
        credits: 0,
        methodology: 0,
        methodologyHash: new Uint8Array(0),
      }),
    );
    env.emit('serviceLogged', {
      program: p.id,
      id: a.id,
      provider: env.sender,
      recipient: a.recipient,
      minutes: a.minutes,
    });
  },
);

function serviceArgs(v: CborMap): { program: string; id: Uint8Array } {
  const a = Args.of(v, ['program', 'id']);
  return { program: a.id('program'), id: a.digest('id') };
}

function loggedService(env: Env, p: Program, id: Uint8Array): ServiceRecord {
  const v = env.get(keys.service(p.id, toHex(id)));
  if (v === undefined) throw new GongzhiError('POINTS_NOT_FOUND', 'no such service', { program: p.id });
  const s = parseService(v);
  if (s.status !== 'logged') {
    throw new GongzhiError('POINTS_INVALID_STATE', `service is ${s.status}`, { program: p.id });
  }
  return s;
}

/**
 * The recipient confirms: the methodology turns minutes into credits (e.g. quarter-hour rounding,
 * 1 h = 1 credit) and they move from the recipient to the provider — into debt down to the
 * program's debt limit (mutual credit: the members' sum stays zero).
 */
const confirmService = op(serviceArgs, (env, a) => {
  const p = env.active(a.program);
  const s = loggedService(env, p, a.id);
  if (s.recipient !== env.sender) {
    throw new GongzhiError('POINTS_WRONG_ROLE', 'only the recipient confirms a service', { program: p.id });
  }
  env.requireMember(p, s.recipient);
  env.requireMember(p, s.provider);
  const m = currentMethodology(env, p);
  const { points } = measure(m, {
    kind: s.kind,
    variant: 'default',
    quantity: s.minutes,
    periodStart: 0,
    periodEnd: 1,
  });
  const books = env.booksOf(p);
  if (points > 0) {
    books.prepareSpend(s.recipient, points, true);
    books.begin('service', toHex(a.id));
    books.give(s.provider, books.take(s.recipient, points));
    books.end();
  }
  env.set(
    keys.service(p.id, toHex(a.id)),
    serviceValue({
      ...s,
      status: 'confirmed',
      closedAt: env.height,
      credits: points,
      methodology: m.version,
      methodologyHash: m.hash,
    }),
  );
  books.agg('services', 1);
  books.agg('transferred', points);
  env.emit('serviceConfirmed', {
    program: p.id,
    id: a.id,
    provider: s.provider,
    recipient: s.recipient,
    credits: points,
    methodology: m.version,
    methodologyHash: m.hash,
  });
});

/** Either side withdraws a logged, unconfirmed service. */
const rejectService = op(serviceArgs, (env, a) => {
  const p = env.active(a.program);
  const s = loggedService(env, p, a.id);
  if (s.recipient !== env.sender && s.provider !== env.sender) {
    throw new GongzhiError('POINTS_WRONG_ROLE', 'only the two sides may reject a service', { program: p.id });
  }
  env.set(keys.service(p.id, toHex(a.id)), serviceValue({ ...s, status: 'rejected', closedAt: env.height }));
  env.emit('serviceRejected', { program: p.id, id: a.id, by: env.sender });
});

export const earnMethods = { claim, logService, confirmService, rejectService };
