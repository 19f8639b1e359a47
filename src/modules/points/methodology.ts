import type { CryptoSuite } from '../../crypto/index.js';
import { type CborValue, encodeCanonical } from '../../encoding/index.js';
import { type ErrorCode, GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec, S } from '../../execution/index.js';
import { type CborMap, ShapeReader } from '../../ledger/index.js';
import { readSources, sourcesSchema, unsourcedFactors } from './methodology-sources.js';
import {
  DAY_MS,
  ID_RE,
  MAX_AMOUNT,
  MAX_PARAM,
  MAX_RULES,
  MAX_VARIANTS,
  type Methodology,
  type MethodologyDef,
  type Rule,
  type Variant,
} from './types.js';

/**
 * How a definition is read: `code` for its shape (EXEC_BAD_ARGS for arguments, CHAIN_INVALID for
 * a stored record), `meaning` for a well-formed but unsound definition (POINTS_BAD_CONFIG for
 * arguments; a stored definition was checked when written, so there it is CHAIN_INVALID too).
 */
interface DefCodes {
  readonly code: ErrorCode;
  readonly meaning: ErrorCode;
}

function unsound(c: DefCodes, message: string, details: Record<string, string | number> = {}): never {
  throw new GongzhiError(c.meaning, message, details);
}

function parseVariant(v: CborValue | undefined, c: DefCodes): Variant {
  const r = ShapeReader.of(v, ['baselineMg', 'projectMg', 'pointsPerBase', 'pointsPerKg'], c.code, 'variant');
  return {
    baselineMg: r.uint('baselineMg', MAX_PARAM),
    projectMg: r.uint('projectMg', MAX_PARAM),
    pointsPerBase: r.uint('pointsPerBase', MAX_PARAM),
    pointsPerKg: r.uint('pointsPerKg', MAX_PARAM),
  };
}

function parseRule(v: CborValue | undefined, c: DefCodes): Rule {
  const r = ShapeReader.of(
    v,
    ['kind', 'unit', 'divisor', 'roundTo', 'maxPerDay', 'maxRatePerDay', 'variants'],
    c.code,
    'rule',
  );
  const kind = r.str('kind', 48);
  if (!ID_RE.test(kind)) unsound(c, 'activity kind must match [a-z0-9-]', { kind });
  const divisor = r.uint('divisor', MAX_PARAM);
  if (divisor < 1) unsound(c, 'divisor must be ≥ 1', { kind });
  const vm = r.map_('variants');
  const names = Object.keys(vm);
  if (names.length < 1 || names.length > MAX_VARIANTS) {
    unsound(c, `a rule has 1..${MAX_VARIANTS} variants`, { kind });
  }
  const variants: Record<string, Variant> = {};
  for (const name of names.sort()) {
    if (!ID_RE.test(name)) unsound(c, 'variant ids must match [a-z0-9-]', { kind, variant: name });
    const variant = parseVariant(vm[name], c);
    if (variant.projectMg > variant.baselineMg) {
      unsound(c, 'project emissions exceed the baseline (reduction = baseline − project)', {
        kind,
        variant: name,
      });
    }
    variants[name] = variant;
  }
  return {
    kind,
    unit: r.str('unit', 16),
    divisor,
    roundTo: r.uint('roundTo', MAX_PARAM),
    maxPerDay: r.uint('maxPerDay', MAX_PARAM),
    maxRatePerDay: r.optUint('maxRatePerDay', 0, MAX_PARAM),
    variants,
  };
}

/** Read the `name` and `rules` of a methodology definition from `r`. */
function readDef(r: ShapeReader, c: DefCodes): MethodologyDef {
  const rules = r.array('rules', MAX_RULES).map((x) => parseRule(x, c));
  if (rules.length === 0) unsound(c, 'a methodology needs at least one rule');
  const kinds = new Set<string>();
  for (const rule of rules) {
    if (kinds.has(rule.kind)) unsound(c, 'activity kinds must be unique', { kind: rule.kind });
    kinds.add(rule.kind);
  }
  return {
    name: r.str('name', 128),
    rules,
    sources: readSources(r.has('sources') ? r.raw('sources') : undefined, rules, c.code, c.meaning),
  };
}

/** Parse a methodology definition argument `{name, rules}` (shape: EXEC_BAD_ARGS; meaning: POINTS_BAD_CONFIG). */
export function parseMethodologyDef(v: CborValue | undefined): MethodologyDef {
  const c: DefCodes = { code: 'EXEC_BAD_ARGS', meaning: 'POINTS_BAD_CONFIG' };
  return readDef(ShapeReader.of(v, ['name', 'rules', 'sources'], c.code, 'methodology'), c);
}

function ruleValue(r: Rule): CborMap {
  const variants: Record<string, CborValue> = {};
  for (const [k, v] of Object.entries(r.variants)) {
    variants[k] = {
      baselineMg: v.baselineMg,
      projectMg: v.projectMg,
      pointsPerBase: v.pointsPerBase,
      pointsPerKg: v.pointsPerKg,
    };
  }
  // maxRatePerDay is part of the hashed body only when set, so versions without it keep their hash
  return {
    kind: r.kind,
    unit: r.unit,
    divisor: r.divisor,
    roundTo: r.roundTo,
    maxPerDay: r.maxPerDay,
    ...(r.maxRatePerDay > 0 ? { maxRatePerDay: r.maxRatePerDay } : {}),
    variants,
  };
}

/** What the methodology hash covers: program, version, name and every parameter. */
export function methodologyBody(program: string, version: number, def: MethodologyDef): CborMap {
  // sources are hashed only when given, so versions without them keep their hash
  const sources = Object.keys(def.sources).length > 0 ? { sources: { ...def.sources } } : {};
  return { program, version, name: def.name, rules: def.rules.map(ruleValue), ...sources };
}

/** H(canonical methodology body): recorded with every award. */
export function methodologyHash(
  suite: CryptoSuite,
  program: string,
  version: number,
  def: MethodologyDef,
): Uint8Array {
  return suite.hash(encodeCanonical(methodologyBody(program, version, def)));
}

/** JSON Schema of a methodology definition argument. */
export const methodologySchema = S.Object(
  {
    name: S.String({ minLength: 1, maxLength: 128 }),
    rules: S.Array(
      S.Object(
        {
          kind: S.String({ pattern: '^[a-z0-9][a-z0-9-]{0,47}$', description: 'activity kind' }),
          unit: S.String({ minLength: 1, maxLength: 16, description: 'unit of the quantity, informative' }),
          divisor: S.Integer({ minimum: 1, maximum: MAX_PARAM, description: 'quantity units per base unit' }),
          roundTo: S.Integer({ minimum: 0, maximum: MAX_PARAM, description: 'round half-up to (0: none)' }),
          maxPerDay: S.Integer({
            minimum: 0,
            maximum: MAX_PARAM,
            description: 'most quantity per device, member and local day, cumulative (0: none)',
          }),
          maxRatePerDay: S.Optional(
            S.Integer({
              minimum: 0,
              maximum: MAX_PARAM,
              description: 'speed limit: most quantity per 24 h of the claimed period (0: none)',
            }),
          ),
          variants: S.Record(
            S.String({ pattern: '^[a-z0-9][a-z0-9-]{0,47}$' }),
            S.Object(
              {
                baselineMg: S.Integer({ minimum: 0, maximum: MAX_PARAM }),
                projectMg: S.Integer({ minimum: 0, maximum: MAX_PARAM }),
                pointsPerBase: S.Integer({ minimum: 0, maximum: MAX_PARAM }),
                pointsPerKg: S.Integer({ minimum: 0, maximum: MAX_PARAM }),
              },
              { additionalProperties: false },
            ),
            { minProperties: 1, maxProperties: MAX_VARIANTS },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_RULES },
    ),
    sources: sourcesSchema,
  },
  { additionalProperties: false, description: 'a versioned measurement methodology (hashed on chain)' },
);

const STORED: DefCodes = { code: 'CHAIN_INVALID', meaning: 'CHAIN_INVALID' };

/** The one codec of a methodology version (`meth/<program>/<version>`): the hashed body plus its status. */
export const methodologyCodec: Codec<Methodology> = defineCodec<Methodology>(
  'methodology',
  [
    'program',
    'version',
    'name',
    'rules',
    'sources',
    'hash',
    'status',
    'proposedAt',
    'approvedAt',
    'approvedBy',
    'effectiveFrom',
    'validUntil',
    'retiredAt',
  ],
  (m) => ({
    ...methodologyBody(m.program, m.version, m),
    hash: m.hash,
    status: m.status,
    proposedAt: m.proposedAt,
    approvedAt: m.approvedAt,
    approvedBy: m.approvedBy,
    effectiveFrom: m.effectiveFrom,
    validUntil: m.validUntil,
    retiredAt: m.retiredAt,
  }),
  (r) => ({
    ...readDef(r, STORED),
    program: r.match('program', ID_RE, 'a program id', 48),
    version: r.uint('version'),
    hash: r.digest('hash'),
    status: r.oneOf('status', ['pending', 'approved'] as const),
    proposedAt: r.uint('proposedAt'),
    approvedAt: r.uint('approvedAt'),
    approvedBy: r.str('approvedBy', 128, 0),
    effectiveFrom: r.uint('effectiveFrom'),
    validUntil: r.uint('validUntil'),
    retiredAt: r.uint('retiredAt'),
  }),
);

/** An activity as measured: what goes into the methodology. */
export interface Activity {
  readonly kind: string;
  readonly variant: string;
  readonly quantity: number;
  readonly periodStart: number;
  readonly periodEnd: number;
}

/** The methodology's verdict on one activity. */
export interface Measurement {
  /** Quantity after rounding. */
  readonly counted: number;
  /** Emission reduction, grams CO2e. */
  readonly reductionG: number;
  /** Points, minor units. */
  readonly points: number;
}

/** The rule and variant for an activity, or POINTS_UNKNOWN_ACTIVITY. */
export function ruleFor(m: MethodologyDef, kind: string, variant: string): { rule: Rule; variant: Variant } {
  const rule = m.rules.find((r) => r.kind === kind);
  const v = rule && Object.hasOwn(rule.variants, variant) ? rule.variants[variant] : undefined;
  if (rule === undefined || v === undefined) {
    throw new GongzhiError('POINTS_UNKNOWN_ACTIVITY', 'the methodology does not measure this activity', {
      kind,
      variant,
    });
  }
  return { rule, variant: v };
}

/**
 * Measure an activity, in integers only:
 * counted = quantity rounded half-up to `roundTo`;
 * reductionG = ⌊counted × (baselineMg − projectMg) / (divisor × 1000)⌋;
 * points = ⌊counted × pointsPerBase / divisor⌋ + ⌊reductionG × pointsPerKg / 1000⌋.
 * POINTS_IMPLAUSIBLE_CLAIM when a result overflows. The plausibility of a claim (speed, the per-day
 * limits) is checked by `assertPlausible` and the day ledger (day-use.ts), not here.
 */
export function measure(m: MethodologyDef, a: Activity): Measurement {
  const { rule, variant } = ruleFor(m, a.kind, a.variant);
  const q = BigInt(a.quantity);
  const step = BigInt(rule.roundTo);
  const counted = step > 1n ? ((2n * q + step) / (2n * step)) * step : q;
  const divisor = BigInt(rule.divisor);
  const reduction = (counted * BigInt(variant.baselineMg - variant.projectMg)) / (divisor * 1000n);
  const points =
    (counted * BigInt(variant.pointsPerBase)) / divisor + (reduction * BigInt(variant.pointsPerKg)) / 1000n;
  const limit = BigInt(MAX_AMOUNT);
  if (counted > limit || reduction > limit || points > limit) {
    throw new GongzhiError('POINTS_IMPLAUSIBLE_CLAIM', 'measurement exceeds the amount limit', {
      kind: a.kind,
    });
  }
  return { counted: Number(counted), reductionG: Number(reduction), points: Number(points) };
}

/** POINTS_IMPLAUSIBLE_CLAIM when the quantity is faster than the rule's speed limit over the period. */
export function assertPlausible(rule: Rule, a: Activity): void {
  if (rule.maxRatePerDay === 0) return;
  const span = BigInt(a.periodEnd - a.periodStart);
  if (BigInt(a.quantity) * BigInt(DAY_MS) > BigInt(rule.maxRatePerDay) * span) {
    throw new GongzhiError('POINTS_IMPLAUSIBLE_CLAIM', 'quantity is implausible for the period (too fast)', {
      kind: a.kind,
      quantity: a.quantity,
      periodMs: a.periodEnd - a.periodStart,
      maxRatePerDay: rule.maxRatePerDay,
    });
  }
}

/** JSON form of a methodology. */
export function methodologyJson(m: Methodology, hex: (b: Uint8Array) => string): unknown {
  return {
    program: m.program,
    version: m.version,
    name: m.name,
    hash: hex(m.hash),
    status: m.status,
    proposedAt: m.proposedAt,
    approvedAt: m.approvedAt,
    approvedBy: m.approvedBy,
    effectiveFrom: m.effectiveFrom,
    validUntil: m.validUntil,
    retiredAt: m.retiredAt,
    rules: m.rules.map((r) => ({ ...r, variants: { ...r.variants } })),
    sources: { ...m.sources },
    unsourced: unsourcedFactors(m.rules, m.sources),
  };
}
