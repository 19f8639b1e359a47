import { bytesEqual, type CborValue, fromBase64Url, fromHex, toHex } from '../../encoding/index.js';
import { type ErrorCode, GongzhiError } from '../../errors/index.js';
import {
  applyMerkleProof,
  type BlockHeader,
  blockHash,
  type CborMap,
  Checks,
  decodeHeader,
  decodeReceipt,
  decodeTx,
  failCheck,
  type LedgerEvent,
  leafHash,
  type MerkleStep,
  ShapeReader,
  type SignedTx,
  txHash,
  type VerificationCheck,
  type VerificationResult,
} from '../../ledger/index.js';
import { type CryptoSuite, getSuite, SUITE_IDS } from '../suite.js';
import { applyProof, HEX32, HEX32_RE, parseProof } from './batch.js';
import { hasherFor } from './hash.js';
import {
  CERTIFICATE_TYPE,
  EVIDENCE_ALGS,
  type EvidenceAlg,
  type EvidenceCertificate,
  type EvidenceMeta,
  type EvidenceProof,
  type EvidenceRecordJson,
  type MerkleStepJson,
  type TxEvidence,
} from './types.js';

/** A node whose block signatures the verifier trusts. */
export interface TrustedNode {
  readonly id: string;
  /** Public key (hex) under the certificate's suite. */
  readonly publicKey: string;
}

/** A node of a trust root: its organisation is what finality counts. */
export interface TrustRootNode extends TrustedNode {
  readonly org: string;
}

/**
 * What a verifier trusts when it holds the group's genesis: the chain and group the certificate
 * must be of, the organisations and their node keys, and the finality quorum (percent of the
 * organisations whose nodes must sign a block; 67, as the nodes use by default).
 */
export interface TrustRoot {
  readonly chain: string;
  readonly group: string;
  readonly nodes: readonly TrustRootNode[];
  readonly quorumPercent: number;
}

/** The finality quorum nodes use unless their network config says otherwise. */
export const DEFAULT_QUORUM_PERCENT = 67;

/** The trust root a genesis document gives: its chain, group, organisations and their node keys. */
export function trustRootFromGenesis(
  genesis: {
    readonly chain: string;
    readonly group: string;
    readonly orgs: readonly { readonly id: string; readonly nodes: readonly TrustedNode[] }[];
  },
  quorumPercent: number = DEFAULT_QUORUM_PERCENT,
): TrustRoot {
  return {
    chain: genesis.chain,
    group: genesis.group,
    nodes: genesis.orgs.flatMap((o) => o.nodes.map((n) => ({ id: n.id, publicKey: n.publicKey, org: o.id }))),
    quorumPercent,
  };
}

/** Organisations needed for finality: at least `quorumPercent` % of `orgCount` (the nodes' rule). */
export function quorumOrgs(orgCount: number, quorumPercent: number): number {
  return Math.max(1, Math.ceil((quorumPercent * orgCount) / 100));
}

/** Input of `verifyCertificate`. Give the file, or its digest, or both. */
export interface VerifyCertificateInput {
  /** The certificate: the object, or its JSON text. */
  readonly certificate: unknown;
  /** The file's bytes; hashed with the anchored algorithm. */
  readonly file?: Uint8Array;
  /** The file's digest, when the file itself is not at hand. */
  readonly digest?: Uint8Array;
  /**
   * The group's trust root (from its genesis): the certificate must be of its chain and group, and
   * every block must be signed by nodes of a finality quorum of its organisations — unless
   * `minSignatures` asks for a lower bar, which the result then shows (`trust.lowered`).
   */
  readonly trustRoot?: TrustRoot;
  /**
   * Nodes whose signatures count, when no trust root is at hand (a bare key list: no group check,
   * no organisations, so no finality — at least `minSignatures` of them, default 1). Ignored when
   * `trustRoot` is given.
   */
  readonly trustedNodes?: readonly TrustedNode[];
  /** Suite to use; must match the certificate's. Defaults to `getSuite(certificate.suite)`. */
  readonly suite?: CryptoSuite;
  /**
   * With a trust root: distinct organisations required on every block instead of the finality
   * quorum. Without one: distinct trusted node signatures required (default 1).
   */
  readonly minSignatures?: number;
}

/** The checks of one transaction bundle, in the order they run. */
export type TxCheckName =
  | 'header'
  | 'blockSignatures'
  | 'tx'
  | 'signature'
  | 'txInclusion'
  | 'receipt'
  | 'receiptInclusion';

/** A bundle's label: the anchor, the i-th co-signature, the i-th revocation. */
export type TxLabel = 'anchor' | `cosign[${number}]` | `revocation[${number}]`;

/** Every check `verifyCertificate` reports (docs/evidence.md lists what each one holds). */
export type CertificateCheckName =
  | 'options'
  | 'trustRoot'
  | 'suite'
  | 'digest'
  | 'batchProof'
  | 'anchoredDigest'
  | `${TxLabel}.${TxCheckName}`
  | 'signers'
  | 'record';

/** The outcome of one check: `{name, ok, detail, code?}` (`code` exactly when it failed). */
export type CertificateCheck = VerificationCheck<CertificateCheckName>;

/** A proven revocation. */
export interface VerifiedRevocation {
  readonly height: number;
  readonly timestamp: number;
  readonly tx: string;
  readonly reason: string;
}

/** A signer proven by a verified anchor or cosign transaction. */
export interface VerifiedSigner {
  readonly account: string;
  /** Sender public key (hex). */
  readonly publicKey: string;
  readonly role: 'anchor' | 'cosign';
  readonly height: number;
  /** Orderer timestamp (ms) of the block. */
  readonly timestamp: number;
  readonly tx: string;
  readonly block: string;
  /** Present when a verified revoke transaction of this signer is in the certificate. */
  readonly revoked?: VerifiedRevocation;
}

/** What the anchor transaction proves about the evidence. */
export interface VerifiedEvidence {
  /** The anchored digest (hex): the file digest, or the batch root. */
  readonly anchoredDigest: string;
  readonly alg: EvidenceAlg;
  /** Client-claimed metadata, exactly as signed in the anchor transaction. */
  readonly meta: EvidenceMeta;
  readonly batch?: { readonly count: number };
}

/** What the verifier trusted, and the bar every block had to meet. */
export interface VerificationTrust {
  /** `genesis`: a trust root (group checked, organisations counted); `nodes`: a bare key list. */
  readonly root: 'genesis' | 'nodes';
  readonly chain: string;
  readonly group: string;
  /** Organisations of the trust root (genesis only). */
  readonly organisations?: number;
  /** Finality quorum in percent of the organisations (genesis only). */
  readonly quorumPercent?: number;
  /** Signing organisations (genesis) or trusted nodes (nodes) required on every block. */
  readonly required: number;
  /** True when `minSignatures` set a bar below the finality quorum. */
  readonly lowered: boolean;
}

/** Whether the anchor's block is final, and who signed it. */
export interface VerifiedFinality {
  /** Signed by nodes of a finality quorum of the trust root's organisations (false without one). */
  readonly final: boolean;
  /** Organisations (genesis) or trusted node ids (nodes) with a valid signature on the block. */
  readonly signedBy: readonly string[];
}

/** What a certificate proved besides its checks (present once the anchor verified). */
export interface CertificateFacts {
  readonly trust?: VerificationTrust;
  readonly finality?: VerifiedFinality;
  /** The file digest (hex) the certificate is about. */
  readonly digest: string;
  readonly evidence?: VerifiedEvidence;
  /** Block height, orderer timestamp (ms), tx hash and block hash of the verified anchor. */
  readonly anchoredAt?: {
    readonly height: number;
    readonly timestamp: number;
    readonly tx: string;
    readonly block: string;
  };
  /** Signers whose transactions verified, anchor first; `revoked` set for proven revocations. */
  readonly signers?: readonly VerifiedSigner[];
}

/**
 * Result of `verifyCertificate`, the shared verification shape: `valid` only when every check
 * passed, `checks` one per step, `errors` the codes of the failed ones — plus what was proven.
 */
export type CertificateVerification = VerificationResult<CertificateFacts, CertificateCheckName>;

// ---------------------------------------------------------------------------------------------
// Envelope parsing: the only place that throws (EVIDENCE_CERT_INVALID), through the shared
// shape reader (JSON values are CBOR values without bytes, so it reads them as they are).

const INVALID = 'EVIDENCE_CERT_INVALID';
/** The code of a check that could not pass because an earlier one failed (the cause is that one). */
const DEPENDENCY = 'EVIDENCE_DEPENDENCY_FAILED';
const BUNDLE_FIELDS = ['tx', 'receipt', 'txProof', 'receiptProof', 'header', 'signatures'];
const CERT_FIELDS = [
  'type',
  'version',
  'chain',
  'group',
  'suite',
  'digest',
  'batchProof',
  'record',
  'anchor',
  'cosigns',
  'revocations',
];

function stepsJson(b: ShapeReader, field: string): MerkleStepJson[] {
  return b.list(field, 64, (v, at) => {
    const s = b.sub(v, at, ['side', 'hash']);
    return { side: s.oneOf('side', ['left', 'right']), hash: s.match('hash', HEX32_RE, HEX32, 64) };
  });
}

/** One transaction bundle: strings whose contents the checks decode, proofs, signatures. */
function txEvidenceJson(b: ShapeReader): TxEvidence {
  return {
    // Encoded contents may be empty or garbage here: decoding them is a check, not a parse error.
    tx: b.str('tx', 1 << 22, 0),
    receipt: b.str('receipt', 1 << 22, 0),
    txProof: stepsJson(b, 'txProof'),
    receiptProof: stepsJson(b, 'receiptProof'),
    header: b.str('header', 1 << 16, 0),
    signatures: b.list('signatures', 1024, (v, at) => {
      const s = b.sub(v, at, ['node', 'sig']);
      return { node: s.str('node', 64, 0), sig: s.str('sig', 512, 0) };
    }),
  };
}

/**
 * The record is a query result compared field by field with the proven transactions (the
 * `record` check), not parsed strictly here: fields the API may add later must not make a
 * certificate unreadable. Likewise the batch proof is parsed strictly by the `batchProof` check.
 */
function unparsed<T>(v: unknown): T {
  return v as T;
}

/**
 * Parse the envelope of a certificate (object or JSON text): type, version, field types, the
 * digest and proof hashes (32 bytes of hex) and the shape of every transaction bundle. The
 * contents (encodings, proofs, signatures) are left to `verifyCertificate`. Throws
 * EVIDENCE_CERT_INVALID naming the field.
 */
export function parseCertificate(v: unknown): EvidenceCertificate {
  let value = v;
  if (typeof v === 'string') {
    try {
      value = JSON.parse(v);
    } catch {
      throw new GongzhiError(INVALID, 'certificate is not valid JSON');
    }
  }
  const r = ShapeReader.of(value as CborValue, CERT_FIELDS, INVALID, 'certificate');
  r.oneOf('type', [CERTIFICATE_TYPE]);
  if (r.uint('version') !== 1) r.fail('version', '1 (the only supported version)');
  const bundle = (v: CborValue, at: string): TxEvidence => txEvidenceJson(r.sub(v, at, BUNDLE_FIELDS));
  return {
    type: CERTIFICATE_TYPE,
    version: 1,
    chain: r.str('chain', 64),
    group: r.str('group', 64),
    suite: r.oneOf('suite', SUITE_IDS),
    digest: r.match('digest', HEX32_RE, HEX32, 64),
    ...(r.has('batchProof') ? { batchProof: unparsed<EvidenceProof>(r.map_('batchProof')) } : {}),
    record: unparsed<EvidenceRecordJson>(r.map_('record')),
    anchor: bundle(r.raw('anchor'), 'certificate.anchor'),
    cosigns: r.list('cosigns', 256, bundle),
    revocations: r.list('revocations', 256, bundle),
  };
}

// ---------------------------------------------------------------------------------------------
// Checks: failures are recorded with a stable code, never thrown.

/** A value an earlier check should have produced; without it this check cannot pass. */
function need<T>(v: T | undefined, detail: string): T {
  if (v === undefined) failCheck(detail, DEPENDENCY);
  return v;
}

function steps(json: readonly MerkleStepJson[]): MerkleStep[] {
  // The envelope checked every hash is 32 bytes of hex.
  return json.map((s) => ({ side: s.side, hash: fromHex(s.hash) }));
}

function short(hex: string): string {
  return `${hex.slice(0, 16)}…`;
}

type Kind = 'anchor' | 'cosign' | 'revoke';
const EVENT: Record<Kind, string> = { anchor: 'anchored', cosign: 'cosigned', revoke: 'revoked' };

/** A transaction bundle whose every check passed. */
interface ProvenTx {
  readonly body: SignedTx['body'];
  readonly hash: string;
  readonly account: string;
  readonly publicKey: string;
  readonly height: number;
  readonly timestamp: number;
  readonly block: string;
}

interface Env {
  readonly cert: EvidenceCertificate;
  readonly suite: CryptoSuite;
  readonly trusted: ReadonlyMap<string, readonly Uint8Array[]>;
  /** node id → organisation, with a trust root. */
  readonly orgOf: ReadonlyMap<string, string> | undefined;
  /** Signers (organisations with a trust root, else nodes) required on every block. */
  readonly required: number;
  /** Organisations a block needs to be final (with a trust root). */
  readonly quorum: number | undefined;
  readonly checks: Checks<CertificateCheckName>;
  /** Signers of each verified block, by block hash (for the finality facts). */
  readonly signedBy: Map<string, readonly string[]>;
}

/** The digest argument every evidence transaction carries (what it is about). */
function argDigest(args: CborMap): Uint8Array {
  return new ShapeReader(args, INVALID, 'tx args').digest('digest');
}

/** Count the distinct trusted nodes whose signature over `hash` verifies; note if a trusted one failed. */
function countSignatures(
  env: Env,
  ev: TxEvidence,
  hash: Uint8Array,
): { signed: string[]; badTrusted: boolean } {
  const signed = new Set<string>();
  let badTrusted = false;
  for (const s of ev.signatures) {
    const keys = env.trusted.get(s.node);
    if (keys === undefined || signed.has(s.node)) continue;
    let sig: Uint8Array | undefined;
    try {
      sig = fromHex(s.sig);
    } catch {
      sig = undefined;
    }
    if (sig !== undefined && keys.some((k) => env.suite.verify(k, hash, sig))) signed.add(s.node);
    else badTrusted = true;
  }
  return { signed: [...signed], badTrusted };
}

/**
 * Check one transaction bundle: header (chain/group), trusted block signatures, tx shape
 * (evidence.<kind> for `root`), tx signature, tx inclusion, receipt (ok, same tx, event),
 * receipt inclusion.
 */
function verifyTx(
  env: Env,
  label: TxLabel,
  ev: TxEvidence,
  kind: Kind,
  root: Uint8Array | undefined,
): ProvenTx | undefined {
  const { cert, suite, checks } = env;
  const hash = (b: Uint8Array): Uint8Array => suite.hash(b);

  const header = checks.compute(`${label}.header`, INVALID, () => {
    const h: BlockHeader = decodeHeader(fromBase64Url(ev.header));
    if (h.chain !== cert.chain || h.group !== cert.group) failCheck('block is from another chain or group');
    return { value: { h, hash: blockHash(suite, h) }, detail: `block ${h.height} of ${h.chain}/${h.group}` };
  });

  checks.check(`${label}.blockSignatures`, 'EVIDENCE_UNTRUSTED_NODE', () => {
    const hd = need(header, 'block header could not be read');
    const { signed, badTrusted } = countSignatures(env, ev, hd.hash);
    const orgOf = env.orgOf;
    // With a trust root an organisation counts once however many of its nodes signed.
    const signers = orgOf === undefined ? signed : [...new Set(signed.map((n) => orgOf.get(n) ?? n))].sort();
    const unit = orgOf === undefined ? 'trusted node signature(s)' : 'organisation(s) signed';
    if (signers.length < env.required) {
      // A trusted node's signature that does not verify is tampering (or the wrong keys);
      // otherwise the block is simply not signed by enough of the nodes the caller trusts.
      failCheck(
        `${signers.length} ${unit} block ${hd.h.height}, ${env.required} required`,
        badTrusted ? 'EVIDENCE_BAD_BLOCK_SIGNATURE' : 'EVIDENCE_UNTRUSTED_NODE',
      );
    }
    env.signedBy.set(toHex(hd.hash), signers);
    const final =
      env.quorum === undefined
        ? ''
        : signers.length >= env.quorum
          ? `; final (quorum ${env.quorum})`
          : `; NOT final (quorum ${env.quorum})`;
    return `signed by ${signers.join(', ')} (${env.required} required${final})`;
  });

  const tx = checks.compute(`${label}.tx`, INVALID, () => {
    const t = decodeTx(fromBase64Url(ev.tx));
    const b = t.body;
    if (b.chain !== cert.chain || b.group !== cert.group)
      failCheck('transaction is for another chain or group');
    if (b.module !== 'evidence' || b.method !== kind)
      failCheck(`expected evidence.${kind}, got ${b.module}.${b.method}`);
    const d = argDigest(b.args);
    if (root !== undefined && !bytesEqual(d, root)) failCheck('transaction is about another digest');
    if (kind === 'revoke') new ShapeReader(b.args, INVALID, 'revoke args').str('reason', 1 << 16, 0);
    const h = txHash(suite, b);
    return { value: { tx: t, hash: h }, detail: `evidence.${kind} ${short(toHex(h))}` };
  });

  checks.check(`${label}.signature`, INVALID, () => {
    const t = need(tx, 'transaction could not be read');
    if (!suite.verify(t.tx.body.sender, t.hash, t.tx.sig))
      failCheck('transaction signature does not verify under its sender key');
    return `signed by ${suite.address(t.tx.body.sender)}`;
  });

  checks.check(`${label}.txInclusion`, 'EVIDENCE_BAD_PROOF', () => {
    const t = need(tx, 'transaction could not be read');
    const hd = need(header, 'block header could not be read');
    const got = applyMerkleProof(hash, leafHash(hash, t.hash), steps(ev.txProof));
    if (!bytesEqual(got, hd.h.txRoot)) failCheck('transaction proof does not lead to header.txRoot');
    return `proof of ${ev.txProof.length} step(s) leads to header.txRoot`;
  });

  const receiptBytes = checks.compute(`${label}.receipt`, INVALID, () => {
    const t = need(tx, 'transaction could not be read');
    const bytes = fromBase64Url(ev.receipt);
    const r = decodeReceipt(bytes);
    if (!bytesEqual(r.tx, t.hash)) failCheck('receipt is for another transaction');
    if (r.status !== 'ok') failCheck(`transaction failed with ${r.status}`);
    const want = EVENT[kind];
    const d = argDigest(t.tx.body.args);
    const hasEvent = r.events.some(
      (e: LedgerEvent) =>
        e.module === 'evidence' &&
        e.name === want &&
        e.data.digest instanceof Uint8Array &&
        bytesEqual(e.data.digest, d),
    );
    if (!hasEvent) failCheck(`receipt has no evidence.${want} event for the digest`);
    return { value: bytes, detail: `status ok, evidence.${want} event for the digest` };
  });

  checks.check(`${label}.receiptInclusion`, 'EVIDENCE_BAD_PROOF', () => {
    const bytes = need(receiptBytes, 'receipt could not be read');
    const hd = need(header, 'block header could not be read');
    const got = applyMerkleProof(hash, leafHash(hash, suite.hash(bytes)), steps(ev.receiptProof));
    if (!bytesEqual(got, hd.h.receiptRoot)) failCheck('receipt proof does not lead to header.receiptRoot');
    return `proof of ${ev.receiptProof.length} step(s) leads to header.receiptRoot`;
  });

  if (header === undefined || tx === undefined || !checks.allPassed(`${label}.`)) return undefined;
  let account: string;
  try {
    account = suite.address(tx.tx.body.sender);
  } catch {
    return undefined;
  }
  return {
    body: tx.tx.body,
    hash: toHex(tx.hash),
    account,
    publicKey: toHex(tx.tx.body.sender),
    height: header.h.height,
    timestamp: header.h.timestamp,
    block: toHex(header.hash),
  };
}

interface AnchorArgsRead {
  readonly digest: Uint8Array;
  readonly alg: EvidenceAlg;
  readonly meta: EvidenceMeta;
  readonly batch?: { readonly count: number };
}

/** Read the anchor transaction's arguments (what the client signed). */
function readAnchorArgs(args: CborMap): AnchorArgsRead {
  const r = ShapeReader.of(args, ['digest', 'alg', 'meta', 'batch'], INVALID, 'anchor args');
  const digest = r.digest('digest');
  const alg = r.oneOf('alg', EVIDENCE_ALGS);
  const m = r.nested('meta', ['type', 'capturedBy', 'capturedAt', 'method', 'ref']);
  const meta: EvidenceMeta = {
    type: m.str('type'),
    capturedBy: m.str('capturedBy'),
    capturedAt: m.uint('capturedAt'),
    method: m.str('method'),
    ...(m.has('ref') ? { ref: m.str('ref') } : {}),
  };
  if (!r.has('batch')) return { digest, alg, meta };
  return { digest, alg, meta, batch: { count: r.nested('batch', ['count']).uint('count') } };
}

function sameMeta(a: EvidenceMeta, b: unknown): boolean {
  if (typeof b !== 'object' || b === null) return false;
  const o = b as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  const want = Object.keys(a).sort().join(',');
  return (
    keys === want &&
    o.type === a.type &&
    o.capturedBy === a.capturedBy &&
    o.capturedAt === a.capturedAt &&
    o.method === a.method &&
    o.ref === a.ref
  );
}

/**
 * Check the `record` (a query result, not itself proven) against the proven transactions:
 * digest, alg, meta, batch, anchoredAt, exactly the proven signers, exactly the proven revocations.
 * Notes are not covered by any proof and are not checked. Fails with the `record` check's code.
 */
function checkRecord(
  rec: EvidenceRecordJson,
  args: AnchorArgsRead,
  anchor: ProvenTx,
  cosigns: readonly ProvenTx[],
  revocations: ReadonlyMap<string, VerifiedRevocation>,
): void {
  if (rec.digest !== toHex(args.digest)) failCheck('record.digest differs from the anchored digest');
  if (rec.alg !== args.alg) failCheck('record.alg differs from the anchor transaction');
  if (!sameMeta(args.meta, rec.meta)) failCheck('record.meta differs from the anchor transaction');
  if ((rec.batch?.count ?? null) !== (args.batch?.count ?? null))
    failCheck('record.batch differs from the anchor transaction');
  const at = rec.anchoredAt;
  if (at?.height !== anchor.height || at.timestamp !== anchor.timestamp || at.tx !== anchor.hash) {
    failCheck('record.anchoredAt differs from the anchor block');
  }
  const signers = Array.isArray(rec.signers) ? rec.signers : failCheck('record.signers must be an array');
  const proven = [anchor, ...cosigns];
  if (signers.length !== proven.length) {
    failCheck(`record lists ${signers.length} signer(s), the certificate proves ${proven.length}`);
  }
  signers.forEach((s, i) => {
    const p = i === 0 ? anchor : cosigns.find((c) => c.hash === s?.tx);
    if (p === undefined || s?.account !== p.account || s.height !== p.height || s.tx !== p.hash) {
      failCheck(`record.signers[${i}] is not proven by the certificate`);
    }
    const rv = revocations.get(p.account);
    const claimed = s.revoked;
    if (rv === undefined && claimed !== undefined)
      failCheck(`record.signers[${i}] is revoked without a revoke transaction`);
    if (
      rv !== undefined &&
      (claimed?.tx !== rv.tx || claimed.height !== rv.height || claimed.reason !== rv.reason)
    ) {
      failCheck(`record.signers[${i}].revoked differs from the revoke transaction`);
    }
  });
}

/** The `digest` check: the file's (or given) digest is the certificate's. */
function checkDigest(input: VerifyCertificateInput, cert: EvidenceCertificate, a: AnchorArgsRead): string {
  const d = fromHex(cert.digest);
  const bad: ErrorCode = 'EVIDENCE_DIGEST_MISMATCH';
  if (input.file === undefined && input.digest === undefined)
    failCheck('no file or digest to check', 'EVIDENCE_VERIFY_INPUT');
  const seen: string[] = [];
  if (input.file !== undefined) {
    if (!bytesEqual(hasherFor(a.alg).hash(input.file), d))
      failCheck(`the file's ${a.alg} digest differs from the certificate digest`, bad);
    seen.push(`the file's ${a.alg} digest`);
  }
  if (input.digest !== undefined) {
    if (!bytesEqual(input.digest, d)) failCheck('the given digest differs from the certificate digest', bad);
    seen.push('the given digest');
  }
  return `${seen.join(' and ')} is the certificate digest ${short(cert.digest)}`;
}

/** The `batchProof` check: the batch proof leads from the certificate digest to the anchored root. */
function checkBatchProof(cert: EvidenceCertificate, a: AnchorArgsRead): string {
  if (a.batch === undefined) failCheck('the anchor is not a batch, yet the certificate has a batch proof');
  const raw =
    cert.batchProof ?? failCheck('the anchor is a batch root but the certificate has no batch proof');
  const p = parseProof(raw);
  if (p.alg !== a.alg) failCheck(`batch proof uses ${p.alg}, the anchor ${a.alg}`);
  if (p.leaf !== cert.digest) failCheck('batch proof is for another digest');
  if (p.root !== toHex(a.digest)) failCheck('batch proof root is not the anchored digest');
  const got = applyProof(hasherFor(a.alg), fromHex(cert.digest), p);
  if (!bytesEqual(got, a.digest)) failCheck('batch proof does not lead to the anchored digest');
  return `proof of ${p.ops.length - 1} step(s) leads to the batch root of ${a.batch.count} file(s)`;
}

/**
 * Verify an evidence certificate offline, with nothing but the file (or its digest), the
 * certificate and the trusted nodes' public keys. Runs every check and reports each as
 * `{name, ok, detail, code?}`; `valid` is true only when all passed, and `errors` lists the codes
 * of the failed ones. Never throws on a certificate that verifies badly; throws
 * EVIDENCE_CERT_INVALID only when the certificate cannot be parsed at all.
 */
export function verifyCertificate(input: VerifyCertificateInput): CertificateVerification {
  const cert = parseCertificate(input.certificate);
  const checks = new Checks<CertificateCheckName>();

  const root = input.trustRoot;
  const orgCount = root === undefined ? 0 : new Set(root.nodes.map((n) => n.org)).size;
  const quorum = root === undefined ? undefined : quorumOrgs(orgCount, root.quorumPercent);
  const minSignatures = input.minSignatures ?? quorum ?? 1;
  checks.check('options', 'EVIDENCE_VERIFY_INPUT', () => {
    if (!Number.isSafeInteger(minSignatures) || minSignatures < 1)
      failCheck('minSignatures must be a positive integer');
    if (root === undefined && input.trustedNodes === undefined)
      failCheck('give a trust root (the group genesis) or trusted node keys');
    if (root !== undefined) {
      const p = root.quorumPercent;
      if (!Number.isSafeInteger(p) || p < 1 || p > 100) failCheck('quorumPercent must be 1..100');
      if (orgCount === 0) failCheck('the trust root has no organisations');
    }
    return root === undefined
      ? `at least ${minSignatures} trusted node signature(s) per block (no trust root: no finality check)`
      : `at least ${minSignatures} of ${orgCount} organisations per block` +
          (minSignatures < (quorum ?? 0)
            ? ` — LOWERED below the finality quorum ${quorum}`
            : ' (finality quorum)');
  });
  if (root !== undefined) {
    checks.check('trustRoot', 'EVIDENCE_WRONG_GROUP', () => {
      if (cert.chain !== root.chain || cert.group !== root.group)
        failCheck(
          `certificate is of ${cert.chain}/${cert.group}, the trusted genesis of ${root.chain}/${root.group}`,
        );
      return `certificate is of the trusted genesis group ${root.chain}/${root.group}`;
    });
  }

  const suite =
    checks.compute('suite', 'EVIDENCE_VERIFY_INPUT', () => {
      if (input.suite !== undefined && input.suite.id !== cert.suite) {
        failCheck(`certificate is for suite ${cert.suite}, verifier was given ${input.suite.id}`);
      }
      return { value: input.suite ?? getSuite(cert.suite), detail: `suite ${cert.suite}` };
    }) ?? getSuite(cert.suite);

  const trusted = new Map<string, Uint8Array[]>();
  for (const n of root?.nodes ?? input.trustedNodes ?? []) {
    try {
      const k = fromHex(n.publicKey);
      trusted.set(n.id, [...(trusted.get(n.id) ?? []), k]);
    } catch {
      // an unusable key simply never verifies anything
    }
  }
  const env: Env = {
    cert,
    suite,
    trusted,
    orgOf: root === undefined ? undefined : new Map(root.nodes.map((n) => [n.id, n.org])),
    required: Math.max(1, Math.floor(minSignatures) || 1),
    quorum,
    checks,
    signedBy: new Map(),
  };
  const trust: VerificationTrust =
    root === undefined
      ? { root: 'nodes', chain: cert.chain, group: cert.group, required: env.required, lowered: false }
      : {
          root: 'genesis',
          chain: root.chain,
          group: root.group,
          organisations: orgCount,
          quorumPercent: root.quorumPercent,
          required: env.required,
          lowered: env.required < (quorum ?? 0),
        };

  // What the anchor transaction says (read before its bundle is fully checked, to know the root and alg).
  let args: AnchorArgsRead | undefined;
  let argsError = '';
  try {
    args = readAnchorArgs(decodeTx(fromBase64Url(cert.anchor.tx)).body.args);
  } catch (e) {
    argsError = e instanceof Error ? e.message : String(e);
  }
  const anchored = args?.digest;
  // Unreadable anchor arguments are the certificate's own defect, reported by the first check needing them.
  const anchorArgs = (): AnchorArgsRead =>
    args ?? failCheck(`anchor transaction arguments could not be read: ${argsError}`, INVALID);

  checks.check('digest', 'EVIDENCE_DIGEST_MISMATCH', () => checkDigest(input, cert, anchorArgs()));

  // A batch anchor is proven for a file through the batch proof; the root itself needs none.
  const viaProof =
    cert.batchProof !== undefined || (args?.batch !== undefined && cert.digest !== toHex(args.digest));
  if (viaProof) {
    checks.check('batchProof', 'EVIDENCE_BAD_PROOF', () => checkBatchProof(cert, anchorArgs()));
  } else {
    checks.check('anchoredDigest', INVALID, () => {
      const a = anchorArgs();
      if (cert.digest !== toHex(a.digest)) failCheck('the certificate digest is not the anchored digest');
      return 'the certificate digest is the anchored digest';
    });
  }

  const anchor = verifyTx(env, 'anchor', cert.anchor, 'anchor', anchored);
  const cosigns = cert.cosigns.map((c, i) => verifyTx(env, `cosign[${i}]`, c, 'cosign', anchored));
  const revokes = cert.revocations.map((c, i) => verifyTx(env, `revocation[${i}]`, c, 'revoke', anchored));

  const provenCosigns = cosigns.filter((c): c is ProvenTx => c !== undefined);
  const revocations = new Map<string, VerifiedRevocation>();
  const signersOk = checks.check('signers', INVALID, () => {
    const a = need(anchor, 'the anchor transaction or its block did not verify');
    const accounts = new Set<string>([a.account]);
    for (const c of provenCosigns) {
      if (accounts.has(c.account)) failCheck(`account ${c.account} signs more than once`);
      if (c.height < a.height) failCheck('a co-signature precedes the anchor');
      accounts.add(c.account);
    }
    for (const r of revokes) {
      if (r === undefined) continue;
      const signedAt =
        r.account === a.account ? a.height : provenCosigns.find((c) => c.account === r.account)?.height;
      if (signedAt === undefined) failCheck(`revocation by ${r.account}, who is not a proven signer`);
      if (r.height < signedAt) failCheck('a revocation precedes its signature');
      if (revocations.has(r.account)) failCheck(`account ${r.account} revokes more than once`);
      revocations.set(r.account, {
        height: r.height,
        timestamp: r.timestamp,
        tx: r.hash,
        reason: String(r.body.args.reason),
      });
    }
    return `${accounts.size} distinct signer(s), ${revocations.size} revocation(s)`;
  });

  checks.check('record', 'EVIDENCE_RECORD_MISMATCH', () => {
    const a = need(anchor, 'the anchor transaction or its block did not verify');
    const aa = anchorArgs();
    if (provenCosigns.length !== cosigns.length) failCheck('not every co-signature verified', DEPENDENCY);
    if (revokes.some((r) => r === undefined)) failCheck('not every revocation verified', DEPENDENCY);
    if (!signersOk) failCheck('signers are inconsistent', DEPENDENCY);
    checkRecord(cert.record, aa, a, provenCosigns, revocations);
    return 'the record agrees with the proven transactions (notes are not proven)';
  });

  const digest = cert.digest;
  if (args === undefined || anchor === undefined) return checks.result<CertificateFacts>({ digest, trust });
  const signedBy = env.signedBy.get(anchor.block) ?? [];
  return checks.result<CertificateFacts>({
    digest,
    trust,
    finality: { final: quorum !== undefined && signedBy.length >= quorum, signedBy },
    evidence: {
      anchoredDigest: toHex(args.digest),
      alg: args.alg,
      meta: args.meta,
      ...(args.batch === undefined ? {} : { batch: args.batch }),
    },
    anchoredAt: { height: anchor.height, timestamp: anchor.timestamp, tx: anchor.hash, block: anchor.block },
    signers: [anchor, ...provenCosigns].map((p, i): VerifiedSigner => {
      const rv = revocations.get(p.account);
      return {
        account: p.account,
        publicKey: p.publicKey,
        role: i === 0 ? 'anchor' : 'cosign',
        height: p.height,
        timestamp: p.timestamp,
        tx: p.hash,
        block: p.block,
        ...(rv === undefined ? {} : { revoked: rv }),
      };
    }),
  });
}
