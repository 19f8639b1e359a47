import { bytesEqual, fromBase64Url, fromHex, toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  applyMerkleProof,
  type BlockHeader,
  blockHash,
  type CborMap,
  decodeHeader,
  decodeReceipt,
  decodeTx,
  type LedgerEvent,
  leafHash,
  type MerkleStep,
  ShapeReader,
  type SignedTx,
  txHash,
} from '../../ledger/index.js';
import { type CryptoSuite, getSuite, isSuiteId } from '../suite.js';
import { applyProof, parseProof } from './batch.js';
import { hasherFor } from './hash.js';
import {
  CERTIFICATE_TYPE,
  type EvidenceAlg,
  type EvidenceCertificate,
  type EvidenceMeta,
  type EvidenceProof,
  type EvidenceRecordJson,
  isEvidenceAlg,
  type MerkleStepJson,
  type TxEvidence,
} from './types.js';

/** A node whose block signatures the verifier trusts. */
export interface TrustedNode {
  readonly id: string;
  /** Public key (hex) under the certificate's suite. */
  readonly publicKey: string;
}

/** Input of `verifyCertificate`. Give the file, or its digest, or both. */
export interface VerifyCertificateInput {
  /** The certificate: the object, or its JSON text. */
  readonly certificate: unknown;
  /** The file's bytes; hashed with the anchored algorithm. */
  readonly file?: Uint8Array;
  /** The file's digest, when the file itself is not at hand. */
  readonly digest?: Uint8Array;
  /** Nodes whose signatures count (from the genesis document or another trusted source). */
  readonly trustedNodes: readonly TrustedNode[];
  /** Suite to use; must match the certificate's. Defaults to `getSuite(certificate.suite)`. */
  readonly suite?: CryptoSuite;
  /** Distinct trusted node signatures required on every block (default 1). */
  readonly minSignatures?: number;
}

/** The outcome of one check. */
export interface CertificateCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly reason?: string;
}

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

/** Result of `verifyCertificate`: `ok` only when every check passed. */
export interface CertificateVerification {
  readonly ok: boolean;
  readonly checks: readonly CertificateCheck[];
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

// ---------------------------------------------------------------------------------------------
// Envelope parsing: the only place that throws (EVIDENCE_CERT_INVALID).

function invalid(message: string): never {
  throw new GongzhiError('EVIDENCE_CERT_INVALID', message);
}

function obj(v: unknown, what: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid(`${what} must be an object`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!allowed.includes(k)) invalid(`${what} has unknown field "${k}"`);
  return o;
}

function str(v: unknown, what: string, max = 1 << 22): string {
  if (typeof v !== 'string' || v.length > max) invalid(`${what} must be a string`);
  return v;
}

function list(v: unknown, what: string, max: number): unknown[] {
  if (!Array.isArray(v) || v.length > max) invalid(`${what} must be an array of at most ${max} items`);
  return v;
}

function stepsJson(v: unknown, what: string): MerkleStepJson[] {
  return list(v, what, 64).map((s, i) => {
    const o = obj(s, `${what}[${i}]`, ['side', 'hash']);
    if (o.side !== 'left' && o.side !== 'right') invalid(`${what}[${i}].side must be "left" or "right"`);
    return { side: o.side, hash: str(o.hash, `${what}[${i}].hash`, 128) };
  });
}

function txEvidenceJson(v: unknown, what: string): TxEvidence {
  const o = obj(v, what, ['tx', 'receipt', 'txProof', 'receiptProof', 'header', 'signatures']);
  return {
    tx: str(o.tx, `${what}.tx`),
    receipt: str(o.receipt, `${what}.receipt`),
    txProof: stepsJson(o.txProof, `${what}.txProof`),
    receiptProof: stepsJson(o.receiptProof, `${what}.receiptProof`),
    header: str(o.header, `${what}.header`, 1 << 16),
    signatures: list(o.signatures, `${what}.signatures`, 1024).map((s, i) => {
      const so = obj(s, `${what}.signatures[${i}]`, ['node', 'sig']);
      return {
        node: str(so.node, `${what}.signatures[${i}].node`, 64),
        sig: str(so.sig, `${what}.signatures[${i}].sig`, 512),
      };
    }),
  };
}

/**
 * Parse the envelope of a certificate (object or JSON text): type, version, field types and
 * the shape of every transaction bundle. The contents (encodings, proofs, signatures) are left
 * to `verifyCertificate`. Throws EVIDENCE_CERT_INVALID.
 */
export function parseCertificate(v: unknown): EvidenceCertificate {
  let value = v;
  if (typeof v === 'string') {
    try {
      value = JSON.parse(v);
    } catch {
      invalid('certificate is not valid JSON');
    }
  }
  const o = obj(value, 'certificate', [
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
  ]);
  if (o.type !== CERTIFICATE_TYPE) invalid(`certificate.type must be "${CERTIFICATE_TYPE}"`);
  if (o.version !== 1) invalid('unsupported certificate version');
  if (!isSuiteId(o.suite)) invalid('certificate.suite is not a known suite');
  if (typeof o.record !== 'object' || o.record === null || Array.isArray(o.record)) {
    invalid('certificate.record must be an object');
  }
  if (o.batchProof !== undefined && (typeof o.batchProof !== 'object' || o.batchProof === null)) {
    invalid('certificate.batchProof must be an object');
  }
  return {
    type: CERTIFICATE_TYPE,
    version: 1,
    chain: str(o.chain, 'certificate.chain', 64),
    group: str(o.group, 'certificate.group', 64),
    suite: o.suite,
    digest: str(o.digest, 'certificate.digest', 128),
    ...(o.batchProof === undefined ? {} : { batchProof: o.batchProof as EvidenceProof }),
    record: o.record as EvidenceRecordJson,
    anchor: txEvidenceJson(o.anchor, 'certificate.anchor'),
    cosigns: list(o.cosigns, 'certificate.cosigns', 256).map((c, i) =>
      txEvidenceJson(c, `certificate.cosigns[${i}]`),
    ),
    revocations: list(o.revocations, 'certificate.revocations', 256).map((c, i) =>
      txEvidenceJson(c, `certificate.revocations[${i}]`),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Checks: failures are recorded, never thrown.

class CheckFailed extends Error {}

function fail(reason: string): never {
  throw new CheckFailed(reason);
}

function need<T>(v: T | undefined, reason: string): T {
  if (v === undefined) fail(reason);
  return v;
}

class CheckList {
  readonly items: CertificateCheck[] = [];

  /** Run one check; its value when it passed, undefined when it failed. */
  run<T>(name: string, fn: () => T): T | undefined {
    try {
      const v = fn();
      this.items.push({ name, ok: true });
      return v;
    } catch (e) {
      this.items.push({ name, ok: false, reason: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
  }

  allOk(prefix: string): boolean {
    return this.items.filter((c) => c.name.startsWith(prefix)).every((c) => c.ok);
  }
}

function hexBytes(s: string, what: string, len?: number): Uint8Array {
  let b: Uint8Array;
  try {
    b = fromHex(s);
  } catch {
    fail(`${what} is not lower-case hex`);
  }
  if (len !== undefined && b.length !== len) fail(`${what} must be ${len} bytes`);
  return b;
}

function b64(s: string, what: string): Uint8Array {
  try {
    return fromBase64Url(s);
  } catch {
    fail(`${what} is not base64url`);
  }
}

function steps(json: readonly MerkleStepJson[], what: string): MerkleStep[] {
  return json.map((s, i) => ({ side: s.side, hash: hexBytes(s.hash, `${what}[${i}].hash`, 32) }));
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
  readonly minSignatures: number;
  readonly checks: CheckList;
}

function argDigest(args: CborMap): Uint8Array {
  const d = args.digest;
  if (!(d instanceof Uint8Array) || d.length !== 32) fail('tx args.digest must be 32 bytes');
  return d;
}

/**
 * Check one transaction bundle: header (chain/group), trusted block signatures, tx shape
 * (evidence.<kind> for `root`), tx signature, tx inclusion, receipt (ok, same tx, event),
 * receipt inclusion.
 */
function verifyTx(
  env: Env,
  label: string,
  ev: TxEvidence,
  kind: Kind,
  root: Uint8Array | undefined,
): ProvenTx | undefined {
  const { cert, suite, checks } = env;
  const hash = (b: Uint8Array): Uint8Array => suite.hash(b);

  const header = checks.run(`${label}.header`, (): { h: BlockHeader; hash: Uint8Array } => {
    const h = decodeHeader(b64(ev.header, 'header'));
    if (h.chain !== cert.chain || h.group !== cert.group) fail('block is from another chain or group');
    return { h, hash: blockHash(suite, h) };
  });

  checks.run(`${label}.blockSignatures`, () => {
    const hd = need(header, 'block header could not be read');
    const signed = new Set<string>();
    for (const s of ev.signatures) {
      const keys = env.trusted.get(s.node);
      if (keys === undefined || signed.has(s.node)) continue;
      let sig: Uint8Array;
      try {
        sig = fromHex(s.sig);
      } catch {
        continue;
      }
      if (keys.some((k) => suite.verify(k, hd.hash, sig))) signed.add(s.node);
    }
    if (signed.size < env.minSignatures) {
      fail(
        `${signed.size} valid trusted node signature(s) on block ${hd.h.height}, ${env.minSignatures} required`,
      );
    }
  });

  const tx = checks.run(`${label}.tx`, (): { tx: SignedTx; hash: Uint8Array } => {
    const t = decodeTx(b64(ev.tx, 'tx'));
    const b = t.body;
    if (b.chain !== cert.chain || b.group !== cert.group) fail('transaction is for another chain or group');
    if (b.module !== 'evidence' || b.method !== kind)
      fail(`expected evidence.${kind}, got ${b.module}.${b.method}`);
    const d = argDigest(b.args);
    if (root !== undefined && !bytesEqual(d, root)) fail('transaction is about another digest');
    if (kind === 'revoke' && typeof b.args.reason !== 'string') fail('revoke args.reason must be a string');
    return { tx: t, hash: txHash(suite, b) };
  });

  checks.run(`${label}.signature`, () => {
    const t = need(tx, 'transaction could not be read');
    if (!suite.verify(t.tx.body.sender, t.hash, t.tx.sig))
      fail('transaction signature does not verify under its sender key');
  });

  checks.run(`${label}.txInclusion`, () => {
    const t = need(tx, 'transaction could not be read');
    const hd = need(header, 'block header could not be read');
    const got = applyMerkleProof(hash, leafHash(hash, t.hash), steps(ev.txProof, 'txProof'));
    if (!bytesEqual(got, hd.h.txRoot)) fail('transaction proof does not lead to header.txRoot');
  });

  const receiptBytes = checks.run(`${label}.receipt`, () => {
    const t = need(tx, 'transaction could not be read');
    const bytes = b64(ev.receipt, 'receipt');
    const r = decodeReceipt(bytes);
    if (!bytesEqual(r.tx, t.hash)) fail('receipt is for another transaction');
    if (r.status !== 'ok') fail(`transaction failed with ${r.status}`);
    const want = EVENT[kind];
    const d = argDigest(t.tx.body.args);
    const hasEvent = r.events.some(
      (e: LedgerEvent) =>
        e.module === 'evidence' &&
        e.name === want &&
        e.data.digest instanceof Uint8Array &&
        bytesEqual(e.data.digest, d),
    );
    if (!hasEvent) fail(`receipt has no evidence.${want} event for the digest`);
    return bytes;
  });

  checks.run(`${label}.receiptInclusion`, () => {
    const bytes = need(receiptBytes, 'receipt could not be read');
    const hd = need(header, 'block header could not be read');
    const got = applyMerkleProof(
      hash,
      leafHash(hash, suite.hash(bytes)),
      steps(ev.receiptProof, 'receiptProof'),
    );
    if (!bytesEqual(got, hd.h.receiptRoot)) fail('receipt proof does not lead to header.receiptRoot');
  });

  if (header === undefined || tx === undefined || !checks.allOk(`${label}.`)) return undefined;
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
  const r = ShapeReader.of(args, ['digest', 'alg', 'meta', 'batch'], 'EVIDENCE_CERT_INVALID', 'anchor args');
  const digest = r.bytes('digest', 32);
  const alg = r.str('alg', 16);
  if (!isEvidenceAlg(alg)) fail('anchor args.alg is not a known algorithm');
  const m = ShapeReader.of(
    r.raw('meta'),
    ['type', 'capturedBy', 'capturedAt', 'method', 'ref'],
    'EVIDENCE_CERT_INVALID',
    'anchor meta',
  );
  const meta: EvidenceMeta = {
    type: m.str('type'),
    capturedBy: m.str('capturedBy'),
    capturedAt: m.uint('capturedAt'),
    method: m.str('method'),
    ...(m.has('ref') ? { ref: m.str('ref') } : {}),
  };
  if (!r.has('batch')) return { digest, alg, meta };
  const b = ShapeReader.of(r.raw('batch'), ['count'], 'EVIDENCE_CERT_INVALID', 'anchor batch');
  return { digest, alg, meta, batch: { count: b.uint('count') } };
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
 * Notes are not covered by any proof and are not checked.
 */
function checkRecord(
  rec: EvidenceRecordJson,
  args: AnchorArgsRead,
  anchor: ProvenTx,
  cosigns: readonly ProvenTx[],
  revocations: ReadonlyMap<string, VerifiedRevocation>,
): void {
  if (rec.digest !== toHex(args.digest)) fail('record.digest differs from the anchored digest');
  if (rec.alg !== args.alg) fail('record.alg differs from the anchor transaction');
  if (!sameMeta(args.meta, rec.meta)) fail('record.meta differs from the anchor transaction');
  if ((rec.batch?.count ?? null) !== (args.batch?.count ?? null))
    fail('record.batch differs from the anchor transaction');
  const at = rec.anchoredAt;
  if (at?.height !== anchor.height || at.timestamp !== anchor.timestamp || at.tx !== anchor.hash) {
    fail('record.anchoredAt differs from the anchor block');
  }
  const signers = Array.isArray(rec.signers) ? rec.signers : fail('record.signers must be an array');
  const proven = [anchor, ...cosigns];
  if (signers.length !== proven.length) {
    fail(`record lists ${signers.length} signer(s), the certificate proves ${proven.length}`);
  }
  signers.forEach((s, i) => {
    const p = i === 0 ? anchor : cosigns.find((c) => c.hash === s?.tx);
    if (p === undefined || s?.account !== p.account || s.height !== p.height || s.tx !== p.hash) {
      fail(`record.signers[${i}] is not proven by the certificate`);
    }
    const rv = revocations.get(p.account);
    const claimed = s.revoked;
    if (rv === undefined && claimed !== undefined)
      fail(`record.signers[${i}] is revoked without a revoke transaction`);
    if (
      rv !== undefined &&
      (claimed?.tx !== rv.tx || claimed.height !== rv.height || claimed.reason !== rv.reason)
    ) {
      fail(`record.signers[${i}].revoked differs from the revoke transaction`);
    }
  });
}

/**
 * Verify an evidence certificate offline, with nothing but the file (or its digest), the
 * certificate and the trusted nodes' public keys. Runs every check and reports each; `ok` is true
 * only when all passed. Never throws on a certificate that verifies badly; throws
 * EVIDENCE_CERT_INVALID only when the certificate cannot be parsed at all.
 */
export function verifyCertificate(input: VerifyCertificateInput): CertificateVerification {
  const cert = parseCertificate(input.certificate);
  const checks = new CheckList();

  const minSignatures = input.minSignatures ?? 1;
  checks.run('options', () => {
    if (!Number.isSafeInteger(minSignatures) || minSignatures < 1)
      fail('minSignatures must be a positive integer');
  });

  const suite =
    checks.run('suite', () => {
      if (input.suite !== undefined && input.suite.id !== cert.suite) {
        fail(`certificate is for suite ${cert.suite}, verifier was given ${input.suite.id}`);
      }
      return input.suite ?? getSuite(cert.suite);
    }) ?? getSuite(cert.suite);

  const trusted = new Map<string, Uint8Array[]>();
  for (const n of input.trustedNodes) {
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
    minSignatures: Math.max(1, Math.floor(minSignatures) || 1),
    checks,
  };

  // What the anchor transaction says (read before its bundle is fully checked, to know the root and alg).
  let args: AnchorArgsRead | undefined;
  try {
    args = readAnchorArgs(decodeTx(fromBase64Url(cert.anchor.tx)).body.args);
  } catch {
    args = undefined;
  }
  const root = args?.digest;

  const fileDigest = checks.run('digest', () => {
    const d = hexBytes(cert.digest, 'certificate.digest', 32);
    const a = need(args, 'anchor transaction arguments could not be read');
    if (input.file !== undefined && !bytesEqual(hasherFor(a.alg).hash(input.file), d)) {
      fail(`the file's ${a.alg} digest differs from the certificate digest`);
    }
    if (input.digest !== undefined && !bytesEqual(input.digest, d))
      fail('the given digest differs from the certificate digest');
    if (input.file === undefined && input.digest === undefined) fail('no file or digest to check');
    return d;
  });

  // A batch anchor is proven for a file through the batch proof; the root itself needs none.
  const viaProof =
    cert.batchProof !== undefined || (args?.batch !== undefined && cert.digest !== toHex(args.digest));
  if (viaProof) {
    checks.run('batchProof', () => {
      const a = need(args, 'anchor transaction arguments could not be read');
      if (a.batch === undefined) fail('the anchor is not a batch, yet the certificate has a batch proof');
      const raw = need(cert.batchProof, 'the anchor is a batch root but the certificate has no batch proof');
      const p = parseProof(raw);
      if (p.alg !== a.alg) fail(`batch proof uses ${p.alg}, the anchor ${a.alg}`);
      if (p.leaf !== cert.digest) fail('batch proof is for another digest');
      if (p.root !== toHex(a.digest)) fail('batch proof root is not the anchored digest');
      const got = applyProof(hasherFor(a.alg), hexBytes(cert.digest, 'certificate.digest', 32), p);
      if (!bytesEqual(got, a.digest)) fail('batch proof does not lead to the anchored digest');
    });
  } else {
    checks.run('anchoredDigest', () => {
      const a = need(args, 'anchor transaction arguments could not be read');
      if (cert.digest !== toHex(a.digest)) fail('the certificate digest is not the anchored digest');
    });
  }

  const anchor = verifyTx(env, 'anchor', cert.anchor, 'anchor', root);
  const cosigns = cert.cosigns.map((c, i) => verifyTx(env, `cosign[${i}]`, c, 'cosign', root));
  const revokes = cert.revocations.map((c, i) => verifyTx(env, `revocation[${i}]`, c, 'revoke', root));

  const provenCosigns = cosigns.filter((c): c is ProvenTx => c !== undefined);
  const revocations = new Map<string, VerifiedRevocation>();
  const signersOk = checks.run('signers', () => {
    const a = need(anchor, 'anchor transaction did not verify');
    const accounts = new Set<string>([a.account]);
    for (const c of provenCosigns) {
      if (accounts.has(c.account)) fail(`account ${c.account} signs more than once`);
      if (c.height < a.height) fail('a co-signature precedes the anchor');
      accounts.add(c.account);
    }
    for (const r of revokes) {
      if (r === undefined) continue;
      const signedAt =
        r.account === a.account ? a.height : provenCosigns.find((c) => c.account === r.account)?.height;
      if (signedAt === undefined) fail(`revocation by ${r.account}, who is not a proven signer`);
      if (r.height < signedAt) fail('a revocation precedes its signature');
      if (revocations.has(r.account)) fail(`account ${r.account} revokes more than once`);
      revocations.set(r.account, {
        height: r.height,
        timestamp: r.timestamp,
        tx: r.hash,
        reason: String(r.body.args.reason),
      });
    }
    return true;
  });

  checks.run('record', () => {
    const a = need(anchor, 'anchor transaction did not verify');
    const aa = need(args, 'anchor transaction arguments could not be read');
    if (provenCosigns.length !== cosigns.length) fail('not every co-signature verified');
    if (revokes.some((r) => r === undefined)) fail('not every revocation verified');
    need(signersOk, 'signers are inconsistent');
    checkRecord(cert.record, aa, a, provenCosigns, revocations);
  });

  const ok = checks.items.every((c) => c.ok);
  const result: CertificateVerification = {
    ok,
    checks: checks.items,
    digest: fileDigest === undefined ? cert.digest : toHex(fileDigest),
    ...(args === undefined || anchor === undefined
      ? {}
      : {
          evidence: {
            anchoredDigest: toHex(args.digest),
            alg: args.alg,
            meta: args.meta,
            ...(args.batch === undefined ? {} : { batch: args.batch }),
          },
          anchoredAt: {
            height: anchor.height,
            timestamp: anchor.timestamp,
            tx: anchor.hash,
            block: anchor.block,
          },
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
        }),
  };
  return result;
}
