import { encodeCanonical, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { readArgs, S } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { readAddr, readId, schemas } from './args.js';
import { claimCodec } from './claim.js';
import { addDayUse, localDay } from './day-use.js';
import { noteDeviceClaim } from './device-anomaly.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { highWaterCodec } from './marks.js';
import { pointsMethod } from './method.js';
import { assertPlausible, type Measurement, measure, methodologyCodec, ruleFor } from './methodology.js';
import { requireDataConsent } from './ops-consent.js';
import { addClaimedInterval, dedupUnit } from './ops-devices.js';
import { MAX_AMOUNT, type Methodology, MINUTE_MS, type Program } from './types.js';

/** The methodology in force. An active program always has one: its absence is damaged state. */
export function currentMethodology(env: Env, p: Program): Methodology {
  return methodologyVersion(env, p, p.methodology);
}

function methodologyVersion(env: Env, p: Program, version: number): Methodology {
  const m = env.read(keys.methodology(p.id, version), methodologyCodec);
  if (m === undefined) {
    throw new GongzhiError('CHAIN_INVALID', 'program has no approved methodology', {
      program: p.id,
      version,
    });
  }
  return m;
}

/**
 * The methodology that applies to an activity starting at `periodStart`: the newest approved
 * version whose approval (block time) came no later — a version never applies to earlier days.
 * Activities before the first approval are measured by version 1 (the one the program was
 * approved with; the claim window and activeFrom bound how early they can be).
 */
export function methodologyAt(env: Env, p: Program, periodStart: number): Methodology {
  let m: Methodology | undefined;
  for (let v = p.methodology; v > 1 && m === undefined; v--) {
    const x = env.read(keys.methodology(p.id, v), methodologyCodec);
    if (x?.status === 'approved' && x.effectiveFrom <= periodStart) m = x;
  }
  m ??= methodologyVersion(env, p, 1);
  // past its validity or retirement a version measures nothing: a newer one must be approved
  const end = Math.min(m.validUntil || Number.MAX_SAFE_INTEGER, m.retiredAt || Number.MAX_SAFE_INTEGER);
  if (periodStart >= end) {
    throw new GongzhiError('POINTS_OUTSIDE_WINDOW', 'no methodology version is in force for this period', {
      program: p.id,
      version: m.version,
      periodStart,
      validUntil: m.validUntil,
      retiredAt: m.retiredAt,
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
  // windows align to local midnight (a daily cap resets at 00:00 in the scheme's time zone)
  const bucket = p.capWindowMs > 0 ? Math.floor((env.ts + p.utcOffsetMin * MINUTE_MS) / p.capWindowMs) : 0;
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
    requireDataConsent(env, p, a.user, env.sender, a.kind);
    assertInWindow(env, p, a);
    const deviceHex = toHex(a.device);
    // per device AND member: one camera may record simultaneous acts of different people
    const hwKey = keys.highWater(p.id, a.kind, deviceHex, a.user);
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
    const unit = dedupUnit(env, p, a, deviceHex);
    if (unit !== undefined) addClaimedInterval(env, unit, a.periodStart, a.periodEnd);
    const m = methodologyAt(env, p, a.periodStart);
    assertPlausible(ruleFor(m, a.kind, a.variant).rule, a);
    const measured: Measurement = measure(m, a);
    addDayUse(env, p, ruleFor(m, a.kind, a.variant).rule, { ...a, deviceHex });
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
    const area = books.lots.holder(a.user)?.area ?? '';
    if (area !== '') {
      books.aggregates.addForArea(area, 'claims', 1);
      books.aggregates.addForArea(area, 'awarded', points);
      books.aggregates.addForArea(area, 'reductionG', measured.reductionG);
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
    noteDeviceClaim(env, p.id, books.aggregates.period, {
      deviceHex,
      evidenceHex: toHex(a.evidence),
      day: localDay(p, a.periodStart),
      points,
    });
    books.aggregates.add('claims', 1);
    books.aggregates.add('reductionG', measured.reductionG);
    books.aggregates.add(`r:${m.version}`, measured.reductionG);
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

export const earnMethods = { claim };
