/** Module name, also the state key prefix. */
export const MODULE = 'points';

/** Ids of programs, items, causes, activity kinds, variants, agreements. */
export const ID_RE = /^[a-z0-9][a-z0-9-]{0,47}$/;
/** Account addresses (the suites' address strings); no `/` or `:` so they embed in keys and account names. */
export const ADDR_RE = /^[A-Za-z0-9_-]{1,128}$/;
/** ISO-4217-like settlement currency code, or `none` for programs without money. */
export const CURRENCY_RE = /^(?:[A-Z]{3}|none)$/;

/** Largest amount (points or money, in minor units) one argument may carry. */
export const MAX_AMOUNT = 1_000_000_000_000_000;
/** Largest methodology parameter. */
export const MAX_PARAM = 1_000_000_000_000;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
/** Default scheme time zone: China Standard Time (UTC+8). */
export const DEFAULT_UTC_OFFSET_MIN = 480;
/** Most local days one claim may span. */
export const MAX_CLAIM_DAYS = 32;
/** Most supervisors, causes and rules of a program / methodology. */
export const MAX_SUPERVISORS = 16;
export const MAX_CAUSES = 32;
export const MAX_RULES = 64;
export const MAX_VARIANTS = 32;
/** Most accounts one `expire` call sweeps. */
export const MAX_SWEEP = 256;
/** Most lots one holder may keep; merging keeps real holders far below. */
export const MAX_LOTS = 4096;
/** Most programs and most programs per book. */
export const MAX_PROGRAMS = 10_000;

/** How lots expire: never, N blocks after issue, or a duration (ms of block timestamp) after issue. */
export type ExpiryPolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'blocks'; readonly n: number }
  | { readonly kind: 'duration'; readonly n: number };

/** Who may receive a user-to-user transfer. */
export type TransferPolicy = 'none' | 'program' | 'relationships';
export const TRANSFER_POLICIES: readonly TransferPolicy[] = ['none', 'program', 'relationships'];

/** A donation target. `pot` causes keep the points (a steward re-grants them); others pay the beneficiary. */
export interface Cause {
  readonly id: string;
  readonly beneficiary: string;
  readonly pot: boolean;
}

/**
 * One variant of an activity (e.g. a displacement tier). Emissions are mg CO2e per base unit
 * (`divisor` quantity units); reduction = baseline − project.
 */
export interface Variant {
  readonly baselineMg: number;
  readonly projectMg: number;
  /** Points (minor units) per base unit of (rounded) quantity. */
  readonly pointsPerBase: number;
  /** Points (minor units) per kg CO2e of reduction. */
  readonly pointsPerKg: number;
}

/** How one activity kind is measured. */
export interface Rule {
  readonly kind: string;
  /** The quantity's unit, informative ("day", "m", "min", "fen"). */
  readonly unit: string;
  /** Quantity units per base unit (1000 for metres → km, 60 for minutes → hours). */
  readonly divisor: number;
  /** Quantity is rounded half-up to a multiple of this (0: no rounding). */
  readonly roundTo: number;
  /** Plausibility: quantity ≤ maxPerDay × max(1 day, period length) (0: unchecked). */
  readonly maxPerDay: number;
  /**
   * Plausibility as a speed: quantity ≤ maxRatePerDay × (period length / 24 h) — e.g. 240,000 m
   * for walking (10 km/h), 1 for a parked day (0: unchecked).
   */
  readonly maxRatePerDay: number;
  readonly variants: Readonly<Record<string, Variant>>;
}

export interface MethodologyDef {
  readonly name: string;
  readonly rules: readonly Rule[];
  /** Citation of each parameter by path (methodology-sources.ts); hashed when not empty. */
  readonly sources: Readonly<Record<string, string>>;
}

/** A versioned methodology of a program, parameters on chain, identified by its hash. */
export interface Methodology extends MethodologyDef {
  readonly program: string;
  readonly version: number;
  readonly hash: Uint8Array;
  readonly status: 'pending' | 'approved';
  readonly proposedAt: number;
  readonly approvedAt: number;
  readonly approvedBy: string;
  /** Block time (ms) of the approval: the version applies to claims whose period starts then or later. */
  readonly effectiveFrom: number;
  /** Activities starting at or after this time (ms) are not measured by this version (0: open). */
  readonly validUntil: number;
  /** Block time (ms) a supervisor retired the version (0: in force); later activities have no methodology. */
  readonly retiredAt: number;
}

/** The issuer's configuration of a program. Amounts are integer minor units; 0 disables a limit. */
export interface ProgramConfig {
  readonly id: string;
  readonly name: string;
  readonly unit: string;
  /** Decimal places of one minor unit (display only: all amounts are integers). */
  readonly precision: number;
  readonly currency: string;
  /** Settlement currency minor units per point minor unit (0 for currency "none"). */
  readonly value: number;
  /** Clearing & settlement provider. */
  readonly clearing: string;
  readonly expiry: ExpiryPolicy;
  readonly transfer: TransferPolicy;
  /** Closed loop: no cash-out. */
  readonly closedLoop: boolean;
  /** A claim's period must end within this many ms before the block timestamp. */
  readonly claimWindowMs: number;
  readonly activeFrom: number;
  readonly activeUntil: number;
  /** Per-user award cap per window of `capWindowMs` block time. */
  readonly capPerWindow: number;
  readonly capWindowMs: number;
  /** Per-user lifetime award cap. */
  readonly capTotal: number;
  /** Mutual credit: how far below zero a member may go by paying for services / transfers. */
  readonly debtLimit: number;
  readonly causes: readonly Cause[];
  /**
   * The scheme's time zone as minutes east of UTC (480: Beijing). Local days — per-device daily
   * limits and day-aligned cap windows — start at local midnight, never at UTC midnight.
   */
  readonly utcOffsetMin: number;
  /** Time-bank services: most minutes one service may log (0: the program takes no services). */
  readonly serviceMaxMinutes: number;
  /**
   * Claims must name a device of the shared registry (devices.ts), bound to an asset and, for a
   * personal device, to the member with her consent; the registry's de-duplication index then
   * holds across programmes. Stored only when true, so programs without it keep their encoding.
   */
  readonly registeredDevices: boolean;
  /** Distributors report a member's activity only under her consent record (ops-consent.ts). Stored only when true. */
  readonly dataConsent: boolean;
  /**
   * Members' holdings are answered only to a signed read by the member, the issuer, the clearing
   * provider or a supervisor (queries-private.ts). Stored only when true.
   */
  readonly privateBalances: boolean;
}

/** A program as stored. */
export interface Program extends ProgramConfig {
  readonly issuer: string;
  readonly status: 'pending' | 'active';
  readonly frozen: boolean;
  readonly createdAt: number;
  readonly approvedAt: number;
  readonly approvedBy: string;
  /** Version of the methodology in force (0 before approval). */
  readonly methodology: number;
  readonly latestMethodology: number;
}

/** A lot: points issued together, with their issue time, expiry and the sponsor backing them. */
export interface Lot {
  readonly amount: number;
  readonly ts: number;
  readonly height: number;
  /** Height or timestamp (per the program's policy) at which the lot expires; 0: never. */
  readonly exp: number;
  /** Sponsor whose reserve backs the lot ("" when the program has no money). */
  readonly sponsor: string;
}

/** A member's holdings. Balance = Σ lots − debt − owed. */
export interface Holder {
  readonly joined: number;
  readonly consent: Uint8Array;
  readonly member: boolean;
  readonly lots: readonly Lot[];
  readonly debt: number;
  readonly capBucket: number;
  readonly capUsed: number;
  readonly awarded: number;
  /** Points held by open disputes (an auditor's): not spendable until decided (0: none). */
  readonly held: number;
  /** Points an upheld dispute clawed back after they were spent: a recorded debt, repaid first (0: none). */
  readonly owed: number;
  /** The member's confirmed community/street area, set by the issuer or the area's worker (areas.ts; "": none). */
  readonly area: string;
}

/** Roles held through the program's role table (issuer and clearing live in the program record). */
export type RoleName = 'distributor' | 'sponsor' | 'platform' | 'supervisor' | 'verifier';
export const ROLE_NAMES: readonly RoleName[] = [
  'distributor',
  'sponsor',
  'platform',
  'supervisor',
  'verifier',
];

/** Account classes counted in points. */
export const POINT_CLASSES = [
  'issuance',
  'quota',
  'user',
  'redeemed',
  'expired',
  'donated',
  'exchange',
  'cashout',
  'clawback',
] as const;
/** Account classes counted in the settlement currency. */
/** `receivable`: money a payee was paid for a fraudulent award and owes back (offset at a close). */
export const MONEY_CLASSES = ['funding', 'pool', 'reserve', 'payable', 'paid', 'receivable'] as const;
export type PointClass = (typeof POINT_CLASSES)[number];
export type MoneyClass = (typeof MONEY_CLASSES)[number];
export type AccountClass = PointClass | MoneyClass;

/** Fields of the per-program, per-period running aggregate. */
export const PERIOD_FIELDS = [
  'claims',
  'reductionG',
  'awarded',
  'capped',
  'allotted',
  'transferred',
  'redeemed',
  'donated',
  'granted',
  'expired',
  'exchangedIn',
  'exchangedOut',
  'cashedOut',
  'services',
  'funded',
  'withdrawn',
  'redeemedMoney',
  'donatedMoney',
  'breakageMoney',
  'exchangeMoney',
  'postings',
  'lines',
  'disputes',
  'clawedBack',
  'clawedBackG',
  'clawedBackMoney',
  'clawDebt',
  'clawRepaid',
  'clawedBackPayable',
  'breakageToCause',
  'breakageToScheme',
  'receivableBooked',
  'receivableOffset',
] as const;
export type PeriodField = (typeof PERIOD_FIELDS)[number];
