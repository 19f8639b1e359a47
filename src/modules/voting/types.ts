import { VOTE_GROUPS } from '../../voting-crypto/index.js';
import type { MajorityRule, Matter, Outcome, Tally } from './rules.js';

/** Module name, also the state key prefix. */
export const MODULE = 'voting';
/** The role an organisation needs to create elections and enrol voters (granted by governance). */
export const REGISTRAR_ROLE = 'voting-registrar';

/** Limits that keep every transaction and every tally bounded. */
export const LIMITS = {
  title: 256,
  question: 256,
  answer: 128,
  questions: 8,
  answers: 16,
  trustees: 16,
  /** Voters per enrolment transaction. */
  enrolBatch: 500,
  /** Default and largest per-voter weight (units the election defines, e.g. 0.01 m²). */
  defaultMaxWeight: 10_000_000,
  maxWeight: 1_000_000_000,
  voters: 1_000_000,
} as const;

/**
 * The group an election runs in: `ed25519` (ristretto255, our protocol) or `BELENIOS-2048`
 * (Belenios 2.0's finite-field group and its protocol, exportable as a `.bel` archive).
 */
export const ELECTION_GROUPS = [...VOTE_GROUPS, 'BELENIOS-2048'] as const;
export type ElectionGroup = (typeof ELECTION_GROUPS)[number];

export const KINDS = ['resolution', 'election'] as const;
/** `resolution`: an open yes/no/abstain vote; `election`: secret ballots with trustees. */
export type ElectionKind = (typeof KINDS)[number];

export const PHASES = ['setup', 'frozen', 'open', 'closed', 'tallied'] as const;
/**
 * setup (enrolment; trustees' key generation) → frozen (electorate fixed) → open (votes) →
 * closed (final for resolutions; trustees decrypt for elections) → tallied (election result in).
 */
export type Phase = (typeof PHASES)[number];

/** One question of a secret election. */
export interface Question {
  readonly question: string;
  readonly answers: readonly string[];
  readonly min: number;
  readonly max: number;
}

/** When something happened on the ledger. */
export interface At {
  readonly height: number;
  readonly tx: Uint8Array;
}

/** The frozen (or growing, during setup) electorate: count, total weight, and its hash chain. */
export interface Electorate {
  readonly count: number;
  readonly totalWeight: number;
  /** `root_i = SHA-256(CBOR [DOMAIN, "electorate", root_{i−1}, credential_i, weight_i])`, root_0 = 32 zero bytes. */
  readonly root: Uint8Array;
}

/** An election as stored under `voting/e/<id>`. */
export interface Election {
  readonly id: string;
  readonly kind: ElectionKind;
  readonly title: string;
  readonly registrar: string;
  /** The ledger it lives on (bound into the fingerprint). */
  readonly ledger: { readonly chain: string; readonly group: string };
  readonly group: ElectionGroup;
  readonly maxWeight: number;
  /** Resolutions: the matter and its rule. Elections: an optional rule applied to each answer. */
  readonly matter?: Matter;
  readonly rule?: MajorityRule;
  readonly questions: readonly Question[];
  /** Trustee accounts (index i+1 is trustee i), and how many must decrypt. Elections only. */
  readonly trustees: readonly string[];
  readonly threshold: number;
  /** Owner credentials checked at enrolment (./owners.ts); absent: the registrar's word. */
  readonly owners?: OwnerSource;
  readonly phase: Phase;
  readonly electorate: Electorate;
  readonly created: At;
  /** Set when the election opens. */
  readonly fingerprint?: Uint8Array;
  readonly publicKey?: Uint8Array;
}

/**
 * Where an election's owner credentials come from (checked at enrolment, ./owners.ts): the
 * issuer's DID id (this group), the category it must be recognised in (an identity issuer
 * category, e.g. `government`), and its status list the credentials point into.
 */
export interface OwnerSource {
  readonly issuer: string;
  readonly category: string;
  readonly list: string;
}

/** An enrolled voter: the credential's public key and the weight. */
export interface Voter {
  readonly index: number;
  readonly credential: Uint8Array;
  readonly weight: number;
}

/** An open vote as stored (the last one of a credential). */
export interface OpenVote {
  readonly seq: number;
  readonly choice: 'yes' | 'no' | 'abstain';
  readonly signature: Uint8Array;
  readonly at: At;
}

/** Counts of an open resolution: per choice, head-count and weight. */
export interface OpenCounts {
  readonly yes: Tally;
  readonly no: Tally;
  readonly abstain: Tally;
}

/** The running encrypted tally: per answer (flattened, question by question) `α ‖ β`. */
export interface EncryptedTally {
  /** Credentials with a ballot in, and their total weight. */
  readonly ballots: number;
  readonly weight: number;
  readonly plain: readonly Uint8Array[];
  readonly weighted: readonly Uint8Array[];
}

/** A trustee's two DKG messages and, after close, its decryption factors. */
export interface TrusteeRecord {
  readonly index: number;
  readonly key?: { readonly publicKey: Uint8Array; readonly proof: Uint8Array };
  readonly shares?: {
    readonly commitments: readonly Uint8Array[];
    readonly proof: Uint8Array;
    readonly shares: readonly Uint8Array[];
  };
  /** Per tally position (2p: head-count of answer p, 2p+1: weighted) `{factor, proof}`. */
  readonly partial?: readonly { readonly factor: Uint8Array; readonly proof: Uint8Array }[];
}

/**
 * The key generation's complaint round (stored under `voting/e/<id>/dkg` once the first complaint
 * is filed): trustee `by` says the share `against` sent it does not match `against`'s commitments;
 * `against` answers with the share in the clear (`share`, checked against the commitments), or the
 * registrar disqualifies it. The election key is formed from the trustees not disqualified.
 */
export interface DkgComplaint {
  readonly by: number;
  readonly against: number;
  readonly at: At;
  /** The revealed share `f_against(by)` (32-byte scalar), once answered. */
  readonly share?: Uint8Array;
}

export interface DkgRecord {
  /** In the order filed. */
  readonly complaints: readonly DkgComplaint[];
  /** Trustee indices, ascending. */
  readonly disqualified: readonly number[];
}

/** The final result: open resolutions (counts and outcome) or secret elections (per answer). */
export interface ResultRecord {
  readonly participation: Tally;
  /** Resolutions. */
  readonly counts?: OpenCounts;
  readonly outcome?: Outcome;
  /** Elections, per question, per answer. */
  readonly plain?: readonly (readonly number[])[];
  readonly weighted?: readonly (readonly number[])[];
  /** Elections with a rule: each answer's outcome. */
  readonly outcomes?: readonly (readonly Outcome[])[];
  readonly at: At;
}
