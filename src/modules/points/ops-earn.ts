import { encodeCanonical, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { readAddr, readAmount, readId, schemas } from './args.js';
import { claimCodec } from './claim.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { highWaterCodec } from './marks.js';
import { pointsMethod } from './method.js';
import { type Measurement, measure, methodologyCodec } from './methodology.js';
import { type ServiceRecord, serviceCodec } from './service.js';
import { MAX_AMOUNT, type Methodology, type Program } from './types.js';

/** The methodology in force. An active program always has one: its absence is damaged state. */
export function currentMethodology(env: Env, p: Program): Methodology {
  const m = env.read(keys.methodology(p.id, p.methodology), methodologyCodec);
  if (m === undefined) {
    throw new GongzhiError('CHAIN_INVALID', 'program has no approved methodology', {
      program: p.id,
      version: p.methodology,
    });
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
  const a = readArgs(v, [
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
  const variant = a.has('variant') ? readId(a, 'variant') : 'default';
  const out = {
    program: readId(a, 'program'),
    user: readAddr(a, 'user'),
    kind: readId(a, 'kind'),
    variant,
    quantity: a.uint('quantity', MAX_AMOUNT),
    periodStart: a.uint('periodStart'),
    periodEnd: a.uint('periodEnd'),
    device: a.digest('device'),
    evidence: a.digest('evidence'),
    measuredBy: a.str('measuredBy', 128),
    ...(a.has('sponsor') ? { sponsor: readAddr(a, 'sponsor') } : {}),
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
  const h = env.booksOf(p).lots.holder(user);
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
const claim = pointsMethod<ClaimArgs>({
  summary: 'Award a member for a measured activity, out of the distributor’s quota (a distributor)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      user: schemas.addr('the member awarded'),
      kind: schemas.id('activity kind of the methodology'),
      variant: S.Optional(schemas.id('variant of the activity (default "default")')),
      quantity: S.Integer({ minimum: 0, maximum: MAX_AMOUNT, description: 'in the rule’s unit' }),
      periodStart: S.Uint('ms'),
      periodEnd: S.Uint('ms, after periodStart'),
      device: schemas.digest('digest of the device / card / session id'),
      evidence: schemas.digest('digest of the evidence, kept off chain'),
      measuredBy: S.String({ minLength: 1, maxLength: 128, description: 'device model / data source' }),
      sponsor: S.Optional(schemas.addr('award only from this sponsor’s quota bucket')),
    },
    { additionalProperties: false },
  ),
  parse: parseClaim,
  run: (env, a) => {
    const p = env.active(a.program);
    env.requireRole(p, 'distributor');
    if (a.user === env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'a distributor cannot award itself', { program: p.id });
    }
    env.requireMember(p, a.user);
    assertInWindow(env, p, a);
    const deviceHex = toHex(a.device);
    const hwKey = keys.highWater(p.id, a.kind, deviceHex);
    const hw = env.read(hwKey, highWaterCodec);
    const id = claimId(env, a);
    if (hw !== undefined && a.periodStart < hw) {
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
      books.journal.begin('award', idHex);
      books.lots.give(a.user, books.quotas.take(env.sender, points, a.sponsor));
      books.journal.end();
      const h = books.lots.holder(a.user);
      if (h) {
        books.lots.putHolder(a.user, {
          ...h,
          capBucket: cap.bucket,
          capUsed: cap.used + points,
          awarded: h.awarded + points,
        });
      }
    }
    env.write(hwKey, highWaterCodec, a.periodEnd);
    env.write(keys.claim(p.id, idHex), claimCodec, {
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
    });
    books.aggregates.add('claims', 1);
    books.aggregates.add('reductionG', measured.reductionG);
    books.aggregates.add('awarded', points);
    books.aggregates.add('capped', measured.points - points);
    books.aggregates.addForDistributor(env.sender, 'claims', 1);
    books.aggregates.addForDistributor(env.sender, 'awarded', points);
    books.aggregates.addForDistributor(env.sender, 'reductionG', measured.reductionG);
    books.aggregates.addForDistributor(env.sender, `q:${a.kind}`, a.quantity);
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
  },
});

// ---- services (time bank): logged by the provider, confirmed by the recipient ------------------

/** The provider logs a service given to another member (first of the two confirmations). */
const logService = pointsMethod<{
  program: string;
  id: Uint8Array;
  recipient: string;
  minutes: number;
  kind: string;
}>({
  summary: 'Log a service given to another member, to be confirmed by her (time bank; the provider)',
  args: S.Object(
    {
      program: schemas.id('program id'),
      id: schemas.digest('the service’s id, chosen by the provider'),
      recipient: schemas.addr('the member served'),
      minutes: schemas.amount('duration in minutes'),
      kind: schemas.id('activity kind of the methodology'),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const a = readArgs(v, ['program', 'id', 'recipient', 'minutes', 'kind']);
    return {
      program: readId(a, 'program'),
      id: a.digest('id'),
      recipient: readAddr(a, 'recipient'),
      minutes: readAmount(a, 'minutes'),
      kind: readId(a, 'kind'),
    };
  },
  run: (env, a) => {
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
    env.write(key, serviceCodec, {
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
    });
    env.emit('serviceLogged', {
      program: p.id,
      id: a.id,
      provider: env.sender,
      recipient: a.recipient,
      minutes: a.minutes,
    });
  },
});

const serviceArgs = S.Object(
  { program: schemas.id('program id'), id: schemas.digest('the service’s id') },
  { additionalProperties: false },
);

function parseServiceArgs(v: CborMap): { program: string; id: Uint8Array } {
  const a = readArgs(v, ['program', 'id']);
  return { program: readId(a, 'program'), id: a.digest('id') };
}

function loggedService(env: Env, p: Program, id: Uint8Array): ServiceRecord {
  const s = env.read(keys.service(p.id, toHex(id)), serviceCodec);
  if (s === undefined) throw new GongzhiError('POINTS_NOT_FOUND', 'no such service', { program: p.id });
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
const confirmService = pointsMethod<{ program: string; id: Uint8Array }>({
  summary: 'Confirm a logged service: its credits move from the recipient to the provider (the recipient)',
  args: serviceArgs,
  parse: parseServiceArgs,
  run: (env, a) => {
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
      books.lots.prepareSpend(s.recipient, points, true);
      books.journal.begin('service', toHex(a.id));
      books.lots.give(s.provider, books.lots.take(s.recipient, points));
      books.journal.end();
    }
    env.write(keys.service(p.id, toHex(a.id)), serviceCodec, {
      ...s,
      status: 'confirmed',
      closedAt: env.height,
      credits: points,
      methodology: m.version,
      methodologyHash: m.hash,
    });
    books.aggregates.add('services', 1);
    books.aggregates.add('transferred', points);
    env.emit('serviceConfirmed', {
      program: p.id,
      id: a.id,
      provider: s.provider,
      recipient: s.recipient,
      credits: points,
      methodology: m.version,
      methodologyHash: m.hash,
    });
  },
});

/** Either side withdraws a logged, unconfirmed service. */
const rejectService = pointsMethod<{ program: string; id: Uint8Array }>({
  summary: 'Withdraw a logged, unconfirmed service (either side)',
  args: serviceArgs,
  parse: parseServiceArgs,
  run: (env, a) => {
    const p = env.active(a.program);
    const s = loggedService(env, p, a.id);
    if (s.recipient !== env.sender && s.provider !== env.sender) {
      throw new GongzhiError('POINTS_WRONG_ROLE', 'only the two sides may reject a service', {
        program: p.id,
      });
    }
    env.write(keys.service(p.id, toHex(a.id)), serviceCodec, {
      ...s,
      status: 'rejected',
      closedAt: env.height,
    });
    env.emit('serviceRejected', { program: p.id, id: a.id, by: env.sender });
  },
});

export const earnMethods = { claim, logService, confirmService, rejectService };
