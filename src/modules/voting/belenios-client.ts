import {
  type BeleniosRecord,
  type Ct,
  type CtsJson,
  certMessage,
  checkPartialDecryption,
  combineFactors,
  credentialSecret,
  decryptResult,
  type ElectionJson,
  gpow,
  hashJson,
  lagrange,
  makeBallot,
  makeCredentialString,
  type PartialDecryptionJson,
  partialDecryption,
  polyMessage,
  pow,
  type Rand,
  readElement,
  trusteeSecrets,
  vkeyMessage,
} from '../../voting-crypto/belenios/index.js';
import { BELENIOS, elementBytes } from './belenios-state.js';
import type { BelStep } from './belenios-trustee.js';

/**
 * Client side of a BELENIOS-2048 election: what voters and trustees compute before sending a
 * transaction. Everything secret stays here; the module only verifies.
 */

/** What `beleniosTrustees` answers. */
export interface BelTrusteesView {
  readonly uuid: string;
  readonly threshold: number;
  readonly trustees: readonly {
    readonly index: number;
    readonly cert?: string;
    readonly coefexps?: string;
    readonly secrets?: readonly string[];
    readonly vkey?: string;
    readonly plain?: string;
  }[];
}

/** What `belenios` answers: the Belenios record (no timestamp) and the head-count tally. */
export type BelRecordView = Omit<BeleniosRecord, 'timestamp'> & { readonly headcount?: string };

/** A voter's Belenios credential: the string the voter keeps (Belenios' format) and `g^s`. */
export function beleniosCredential(
  uuid: string,
  credential: string,
): { secret: bigint; publicKey: Uint8Array } {
  const secret = credentialSecret(credential, uuid);
  return { secret, publicKey: elementBytes(gpow(secret)) };
}

/** A reproducible credential string from a 32-byte seed (tests, demos). */
export function credentialStringFromSeed(seed: Uint8Array): string {
  let i = 0;
  return makeCredentialString(() => (seed[i++ % seed.length] as number) % 58);
}

const encKey = (cert: string | undefined): bigint =>
  readElement(
    (JSON.parse((JSON.parse(cert ?? '{}') as { message: string }).message) as { encryption: unknown })
      .encryption,
    'encryption key',
  );
const coefs = (ce: string | undefined): bigint[] =>
  (
    (JSON.parse((JSON.parse(ce ?? '{}') as { message: string }).message) as { coefexps: string[] })
      .coefexps ?? []
  ).map(BigInt);

/** The secret share `S_j` of trustee `j` (and the senders whose shares were bad). */
export function trusteeShareSecret(view: BelTrusteesView, j: number, seed: string, rand: Rand) {
  const s = trusteeSecrets(seed, view.threshold);
  const shares = view.trustees.map((t) => t.secrets?.[j - 1] ?? '');
  return vkeyMessage(
    BELENIOS,
    view.uuid,
    j,
    s,
    shares,
    view.trustees.map((t) => coefs(t.coefexps)),
    rand,
  );
}

/** `beleniosTrustee` arguments for round `step` of trustee `j` (its secrets from `seed`). */
export function beleniosTrusteeArgs(
  election: string,
  view: BelTrusteesView,
  j: number,
  step: BelStep,
  seed: string,
  rand: Rand,
) {
  const s = trusteeSecrets(seed, view.threshold);
  if (step === 'cert') return { election, step, message: JSON.stringify(certMessage(s, rand)) };
  if (step === 'poly') {
    const eks = view.trustees.map((t) => encKey(t.cert));
    return { election, step, message: JSON.stringify(polyMessage(view.uuid, j, s, eks, rand)) };
  }
  const v = trusteeShareSecret(view, j, seed, rand);
  if (v.bad.length > 0)
    throw new Error(`shares from trustee(s) ${v.bad.join(', ')} do not match their commitments`);
  return { election, step, message: JSON.stringify(v.key) };
}

/** `beleniosCast` arguments: `choices[q][a]` ∈ {0,1}, signed with the credential string. */
export function beleniosCastArgs(
  election: string,
  electionJson: string,
  credential: string,
  choices: readonly (readonly number[])[],
  rand: Rand,
) {
  const el = JSON.parse(electionJson) as ElectionJson;
  const ballot = makeBallot(electionJson, el, credentialSecret(credential, el.uuid), choices, rand);
  return { election, ballot: JSON.stringify(ballot) };
}

const ctsOf = (s: string): Ct[][] =>
  (JSON.parse(s) as CtsJson).map((q) => q.map((c) => ({ alpha: BigInt(c.alpha), beta: BigInt(c.beta) })));

/** `beleniosDecrypt` arguments for trustee `j` once the election closed. */
export function beleniosDecryptArgs(
  election: string,
  rec: BelRecordView,
  view: BelTrusteesView,
  j: number,
  seed: string,
  rand: Rand,
) {
  if (rec.tally === undefined || rec.headcount === undefined) throw new Error('the election has not closed');
  const { secret } = trusteeShareSecret(view, j, seed, rand);
  const fp = hashJson(rec.election);
  return {
    election,
    weighted: JSON.stringify(partialDecryption(fp, secret, ctsOf(rec.tally.encrypted), rand)),
    plain: JSON.stringify(partialDecryption(fp, secret, ctsOf(rec.headcount), rand)),
  };
}

/**
 * The result from the posted partial decryptions (the first `threshold`, index order), each
 * checked: the weighted and head-count counts per question, per answer — the `beleniosTally` args.
 */
export function beleniosResult(
  rec: BelRecordView,
  view: BelTrusteesView,
): { plain: number[][]; weighted: number[][] } {
  const plainPartials = view.trustees.flatMap((t) =>
    t.plain === undefined ? [] : [{ owner: t.index, json: t.plain }],
  );
  if (rec.tally === undefined || rec.headcount === undefined) throw new Error('the election has not closed');
  const fp = hashJson(rec.election);
  const keyOf = (j: number) =>
    BigInt((JSON.parse(view.trustees[j - 1]?.vkey ?? '{}') as { public_key: string }).public_key);
  const solve = (cts: Ct[][], partials: readonly { owner: number; json: string }[], bound: number) => {
    const used = partials.slice(0, view.threshold);
    if (used.length < view.threshold) throw new Error(`${view.threshold} partial decryptions needed`);
    const ids = used.map((p) => p.owner);
    const parts = used.map((p) =>
      checkPartialDecryption(fp, keyOf(p.owner), cts, JSON.parse(p.json) as PartialDecryptionJson).map((q) =>
        q.map((f) => pow(f, lagrange(p.owner, ids))),
      ),
    );
    return decryptResult(cts, combineFactors(parts), bound);
  };
  return {
    weighted: solve(ctsOf(rec.tally.encrypted), rec.partials, rec.tally.totalWeight),
    plain: solve(ctsOf(rec.headcount), plainPartials, rec.tally.numTallied),
  };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Record<string, unknown>, k: string): string | undefined => {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`${k}: a string expected`);
  return v;
};
const need = (o: Record<string, unknown>, k: string): string => {
  const v = str(o, k);
  if (v === undefined) throw new Error(`${k} missing`);
  return v;
};
const num = (o: Record<string, unknown>, k: string): number => {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`${k}: an integer expected`);
  return v;
};
const list = (o: Record<string, unknown>, k: string): unknown[] => {
  const v = o[k];
  if (!Array.isArray(v)) throw new Error(`${k}: a list expected`);
  return v;
};
/** `o` without its undefined fields, typed as optional ones (exactOptionalPropertyTypes). */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
const defined = <T extends Record<string, unknown>>(o: T): Defined<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Defined<T>;

/** The `beleniosTrustees` answer, shape-checked (an SDK/CLI reads it from JSON). */
export function readBelTrusteesView(v: unknown): BelTrusteesView {
  if (!isObj(v)) throw new Error('beleniosTrustees: an object expected');
  return {
    uuid: need(v, 'uuid'),
    threshold: num(v, 'threshold'),
    trustees: list(v, 'trustees').map((t) => {
      if (!isObj(t)) throw new Error('trustee: an object expected');
      const secrets = t.secrets === undefined ? undefined : list(t, 'secrets').map(String);
      return defined({
        index: num(t, 'index'),
        cert: str(t, 'cert'),
        coefexps: str(t, 'coefexps'),
        secrets,
        vkey: str(t, 'vkey'),
        plain: str(t, 'plain'),
      });
    }),
  };
}

/** The `belenios` answer, shape-checked. */
export function readBelRecordView(v: unknown): BelRecordView {
  if (!isObj(v)) throw new Error('belenios: an object expected');
  const t = v.tally;
  return defined({
    election: need(v, 'election'),
    trustees: need(v, 'trustees'),
    credentials: need(v, 'credentials'),
    ballots: list(v, 'ballots').map(String),
    tally: isObj(t)
      ? {
          encrypted: need(t, 'encrypted'),
          numTallied: num(t, 'numTallied'),
          totalWeight: num(t, 'totalWeight'),
        }
      : undefined,
    partials: list(v, 'partials').map((p) => {
      if (!isObj(p)) throw new Error('partial: an object expected');
      return { owner: num(p, 'owner'), json: need(p, 'json') };
    }),
    result: str(v, 'result'),
    headcount: str(v, 'headcount'),
  });
}
