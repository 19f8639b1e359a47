import { describe, expect, it } from 'vitest';
import { type CryptoSuite, getSuite, type KeyPair, type SuiteId } from '../../src/crypto/index.js';
import { fromBase64Url, toBase64Url, toHex, utf8 } from '../../src/encoding/index.js';
import { hintFor, isGongzhiError } from '../../src/errors/index.js';
import {
  type Authorizer,
  BlockExecutor,
  type CandidateTx,
  ModuleRegistry,
  QueryArgs,
} from '../../src/execution/index.js';
import {
  type BlockHeader,
  blockHash,
  type CborMap,
  DEFAULT_PARAMS,
  decodeHeader,
  decodeReceipt,
  decodeTx,
  encodeHeader,
  encodeReceipt,
  encodeTx,
  formatVerification,
  merkleRoot,
  type SignedTx,
  signTx,
  txHash,
  ZERO_HASH,
} from '../../src/ledger/index.js';
import { evidenceModule } from '../../src/modules/evidence/index.js';
import { buildBatch } from '../../src/sdk/evidence/batch.js';
import {
  type BlockContents,
  buildCertificate,
  certificateTxRefs,
  txEvidenceFromBlock,
} from '../../src/sdk/evidence/certificate.js';
import { fileDigest, hasherFor } from '../../src/sdk/evidence/hash.js';
import type {
  EvidenceCertificate,
  EvidenceProof,
  EvidenceRecordJson,
  TxEvidence,
} from '../../src/sdk/evidence/types.js';
import {
  type CertificateVerification,
  type TrustedNode,
  type TrustRoot,
  verifyCertificate,
} from '../../src/sdk/evidence/verify-certificate.js';
import { MapSource, StateOverlay } from '../../src/state/index.js';

const permissive: Authorizer = { authorize: () => undefined };

/** An in-memory chain whose blocks are signed by its nodes, keeping everything a certificate needs. */
class SignedChain {
  readonly state = new Map<string, Uint8Array>();
  readonly blocks: BlockContents[] = [];
  private readonly nonces = new Set<string>();
  private readonly executor: BlockExecutor;
  private nonce = 0;
  head: BlockHeader;

  constructor(
    readonly suite: CryptoSuite,
    readonly nodes: readonly { id: string; keys: KeyPair }[],
  ) {
    this.executor = new BlockExecutor({
      suite,
      registry: new ModuleRegistry([evidenceModule]),
      authorizer: permissive,
      params: () => DEFAULT_PARAMS,
    });
    this.head = {
      chain: 'test',
      group: 'g1',
      height: 0,
      parent: ZERO_HASH,
      timestamp: 1_700_000_000_000,
      txCount: 0,
      txRoot: merkleRoot(suite.hash, []),
      receiptRoot: merkleRoot(suite.hash, []),
      stateRoot: ZERO_HASH,
      order: {},
    };
  }

  tx(kp: KeyPair, method: string, args: CborMap): SignedTx {
    this.nonce += 1;
    return signTx(this.suite, kp.secretKey, {
      chain: 'test',
      group: 'g1',
      sender: kp.publicKey,
      nonce: `n${this.nonce}`,
      validUntil: this.head.height + 100,
      module: 'evidence',
      method,
      args,
    });
  }

  run(txs: readonly SignedTx[]): string[] {
    const { suite } = this;
    const candidates: CandidateTx[] = txs.map((tx) => ({
      tx,
      hash: txHash(suite, tx.body),
      bytes: encodeTx(tx),
      sender: suite.address(tx.body.sender),
      verified: false,
    }));
    const res = this.executor.execute(
      { parent: this.head, timestamp: this.head.timestamp + 1500, order: {}, txs: candidates },
      new MapSource(this.state),
      { has: (s, n) => this.nonces.has(`${s}\u0000${n}`) },
    );
    for (const [k, v] of res.writes) {
      if (v === null) this.state.delete(k);
      else this.state.set(k, v);
    }
    for (const c of res.included) this.nonces.add(`${c.sender}\u0000${c.tx.body.nonce}`);
    this.head = res.header;
    this.blocks.push({
      header: res.header,
      signatures: this.nodes.map((n) => ({ node: n.id, sig: suite.sign(n.keys.secretKey, res.hash) })),
      txs: res.included.map((c) => c.tx),
      receipts: res.receipts,
    });
    return res.receipts.map((r) => r.status);
  }

  record(digest: Uint8Array): EvidenceRecordJson {
    const q = evidenceModule.queries.get!;
    const ctx = {
      state: new StateOverlay(new MapSource(this.state)),
      suite: this.suite,
      group: 'g1',
      height: 0,
    };
    return q.run(ctx, new QueryArgs({ digest: toHex(digest) })) as EvidenceRecordJson;
  }

  /** What the node's certificate route does: query the record, fetch the blocks, assemble. */
  certificate(digest: Uint8Array, anchored: Uint8Array, batchProof?: EvidenceProof): EvidenceCertificate {
    const record = this.record(anchored);
    const refs = certificateTxRefs(record);
    const ev = (ref: { height: number; tx: string }) =>
      txEvidenceFromBlock(this.suite, this.blocks[ref.height - 1]!, ref.tx);
    return buildCertificate({
      chain: 'test',
      group: 'g1',
      suite: this.suite.id,
      digest,
      ...(batchProof === undefined ? {} : { batchProof }),
      record,
      anchor: ev(refs.anchor),
      cosigns: refs.cosigns.map(ev),
      revocations: refs.revocations.map(ev),
    });
  }
}

interface Scenario {
  chain: SignedChain;
  suite: CryptoSuite;
  trusted: TrustedNode[];
  files: Uint8Array[];
  digests: Uint8Array[];
  root: Uint8Array;
  proofs: readonly EvidenceProof[];
  single: { file: Uint8Array; digest: Uint8Array };
  people: Record<'alice' | 'bob' | 'carol' | 'dave', KeyPair>;
}

function scenario(id: SuiteId): Scenario {
  const suite = getSuite(id);
  const nodes = [
    { id: 'node-a', keys: suite.generateKeyPair() },
    { id: 'node-b', keys: suite.generateKeyPair() },
  ];
  const chain = new SignedChain(suite, nodes);
  const people = {
    alice: suite.generateKeyPair(),
    bob: suite.generateKeyPair(),
    carol: suite.generateKeyPair(),
    dave: suite.generateKeyPair(),
  };
  const alg = suite.hashName;
  const files = Array.from({ length: 5 }, (_, i) => utf8(`scene photo #${i} — 现场照片`));
  const digests = files.map((f) => fileDigest(alg, f));
  const { root, proofs } = buildBatch(hasherFor(alg), digests);
  const singleFile = utf8('signed contract v3');
  const single = { file: singleFile, digest: fileDigest(alg, singleFile) };
  const meta = { type: 'photo', capturedBy: 'officer-17', capturedAt: 1_699_999_000_000, method: 'camera' };
  expect(
    chain.run([
      chain.tx(people.carol, 'note', { digest: root, text: 'too early' }),
      chain.tx(people.alice, 'anchor', { digest: root, alg, meta, batch: { count: 5 } }),
      chain.tx(people.carol, 'anchor', {
        digest: single.digest,
        alg,
        meta: { ...meta, type: 'contract', ref: 'C-3' },
      }),
    ]),
  ).toEqual(['EVIDENCE_NOT_FOUND', 'ok', 'ok']);
  expect(
    chain.run([
      chain.tx(people.bob, 'cosign', { digest: root }),
      chain.tx(people.bob, 'cosign', { digest: single.digest }),
      chain.tx(people.dave, 'cosign', { digest: root }),
    ]),
  ).toEqual(['ok', 'ok', 'ok']);
  expect(
    chain.run([
      chain.tx(people.alice, 'note', { digest: root, text: 'originals archived' }),
      chain.tx(people.dave, 'revoke', { digest: root, reason: 'wrong batch' }),
    ]),
  ).toEqual(['ok', 'ok']);
  const trusted = nodes.map((n) => ({ id: n.id, publicKey: toHex(n.keys.publicKey) }));
  return { chain, suite, trusted, files, digests, root, proofs, single, people };
}

/** The names of the failed checks, after asserting the shared result shape holds. */
function failed(v: CertificateVerification): string[] {
  for (const c of v.checks) {
    expect(c.code === undefined).toBe(c.ok);
    expect(c.detail.length).toBeGreaterThan(0);
    if (c.code !== undefined) expect(hintFor(c.code)).not.toBe('');
  }
  expect(v.errors).toEqual(v.checks.filter((c) => !c.ok).map((c) => c.code));
  expect(v.valid).toBe(v.errors.length === 0);
  return v.checks.filter((c) => !c.ok).map((c) => c.name);
}

/** The failed checks as `name code`. */
function failures(v: CertificateVerification): string[] {
  failed(v);
  return v.checks.filter((c) => !c.ok).map((c) => `${c.name} ${c.code ?? ''}`);
}

function clone(c: EvidenceCertificate): EvidenceCertificate {
  return JSON.parse(JSON.stringify(c)) as EvidenceCertificate;
}

type Mutable<T> = T extends readonly (infer E)[]
  ? Mutable<E>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;

function tamper(c: EvidenceCertificate, fn: (m: Mutable<EvidenceCertificate>) => void): EvidenceCertificate {
  const m = clone(c) as Mutable<EvidenceCertificate>;
  fn(m);
  return m as EvidenceCertificate;
}

function flipHex(h: string): string {
  return (h[0] === '0' ? '1' : '0') + h.slice(1);
}

describe.each(['ed25519', 'secp256k1', 'sm2'] as const)('certificates on a %s chain', (id) => {
  const s = scenario(id);

  it('verifies a batch member offline and reports signers, revocation and anchor time', () => {
    const cert = s.chain.certificate(s.digests[2]!, s.root, s.proofs[2]!);
    const v = verifyCertificate({ certificate: cert, file: s.files[2]!, trustedNodes: s.trusted });
    expect(failed(v)).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.digest).toBe(toHex(s.digests[2]!));
    expect(v.evidence).toEqual({
      anchoredDigest: toHex(s.root),
      alg: s.suite.hashName,
      meta: { type: 'photo', capturedBy: 'officer-17', capturedAt: 1_699_999_000_000, method: 'camera' },
      batch: { count: 5 },
    });
    expect(v.anchoredAt).toMatchObject({ height: 1, timestamp: s.chain.blocks[0]!.header.timestamp });
    expect(v.anchoredAt?.block).toBe(toHex(blockHash(s.suite, s.chain.blocks[0]!.header)));
    const addr = (k: KeyPair) => s.suite.address(k.publicKey);
    expect(v.signers?.map((x) => [x.account, x.role, x.height, x.revoked?.reason])).toEqual([
      [addr(s.people.alice), 'anchor', 1, undefined],
      [addr(s.people.bob), 'cosign', 2, undefined],
      [addr(s.people.dave), 'cosign', 2, 'wrong batch'],
    ]);
    expect(v.checks.map((c) => c.name)).toContain('batchProof');
  });

  it('verifies the batch root itself (no batch proof) from its digest', () => {
    const cert = s.chain.certificate(s.root, s.root);
    const v = verifyCertificate({ certificate: cert, digest: s.root, trustedNodes: s.trusted });
    expect(failed(v)).toEqual([]);
    expect(v.checks.map((c) => c.name)).toContain('anchoredDigest');
  });

  it('verifies a single-file anchor from the digest alone, and from JSON text', () => {
    const cert = s.chain.certificate(s.single.digest, s.single.digest);
    expect(cert.batchProof).toBeUndefined();
    const v = verifyCertificate({
      certificate: JSON.stringify(cert),
      digest: s.single.digest,
      trustedNodes: s.trusted,
    });
    expect(failed(v)).toEqual([]);
    expect(v.checks.map((c) => c.name)).toContain('anchoredDigest');
    expect(v.evidence?.meta.ref).toBe('C-3');
    expect(v.signers?.map((x) => x.role)).toEqual(['anchor', 'cosign']);
  });
});

describe('tampering is caught by the specific check', () => {
  const s = scenario('ed25519');
  const cert = s.chain.certificate(s.digests[1]!, s.root, s.proofs[1]!);
  const verify = (c: EvidenceCertificate, extra: Partial<Parameters<typeof verifyCertificate>[0]> = {}) =>
    verifyCertificate({ certificate: c, file: s.files[1]!, trustedNodes: s.trusted, ...extra });

  it('baseline verifies', () => {
    expect(failed(verify(cert))).toEqual([]);
  });

  it('a changed file byte fails digest', () => {
    const file = s.files[1]!.slice();
    file[0] = (file[0] as number) ^ 1;
    const v = verifyCertificate({ certificate: cert, file, trustedNodes: s.trusted });
    expect(v.valid).toBe(false);
    expect(failures(v)).toEqual(['digest EVIDENCE_DIGEST_MISMATCH']);
    expect(v.errors).toEqual(['EVIDENCE_DIGEST_MISMATCH']);
  });

  it('another batch member’s file fails digest; its digest with this proof fails batchProof', () => {
    expect(failures(verify(cert, { file: s.files[3]! }))).toEqual(['digest EVIDENCE_DIGEST_MISMATCH']);
    const swapped = tamper(cert, (m) => {
      m.digest = toHex(s.digests[3]!);
    });
    expect(failures(verify(swapped, { file: s.files[3]! }))).toEqual(['batchProof EVIDENCE_BAD_PROOF']);
  });

  it('a changed batch proof hash fails batchProof', () => {
    const c = tamper(cert, (m) => {
      const op = m.batchProof!.ops[1]!;
      if (op.op === 'leaf') throw new Error('unexpected');
      op.hash = flipHex(op.hash);
    });
    expect(failures(verify(c))).toEqual(['batchProof EVIDENCE_BAD_PROOF']);
  });

  it('a missing batch proof fails batchProof', () => {
    const c = tamper(cert, (m) => {
      delete m.batchProof;
    });
    expect(failures(verify(c))).toEqual(['batchProof EVIDENCE_BAD_PROOF']);
  });

  it('a changed tx signature fails anchor.signature', () => {
    const c = tamper(cert, (m) => {
      const t = decodeTx(fromBase64Url(m.anchor.tx));
      const sig = t.sig.slice();
      sig[5] = (sig[5] as number) ^ 0xff;
      m.anchor.tx = toBase64Url(encodeTx({ body: t.body, sig }));
    });
    const v = verify(c);
    expect(failed(v)).toContain('anchor.signature');
    expect(failures(v).filter((n) => n.startsWith('anchor.'))).toEqual([
      'anchor.signature EVIDENCE_CERT_INVALID',
    ]);
    expect(v.anchoredAt).toBeUndefined();
  });

  it('a changed tx body (other meta) fails the inclusion proof and the signature', () => {
    const c = tamper(cert, (m) => {
      const t = decodeTx(fromBase64Url(m.anchor.tx));
      const args = { ...t.body.args, meta: { ...(t.body.args.meta as CborMap), capturedAt: 1 } };
      m.anchor.tx = toBase64Url(encodeTx({ body: { ...t.body, args }, sig: t.sig }));
    });
    const names = failed(verify(c));
    expect(names).toContain('anchor.signature');
    expect(names).toContain('anchor.txInclusion');
  });

  it('a changed tx proof hash fails anchor.txInclusion', () => {
    const c = tamper(cert, (m) => {
      m.anchor.txProof[0]!.hash = flipHex(m.anchor.txProof[0]!.hash);
    });
    expect(failures(verify(c))).toEqual([
      'anchor.txInclusion EVIDENCE_BAD_PROOF',
      'signers EVIDENCE_DEPENDENCY_FAILED',
      'record EVIDENCE_DEPENDENCY_FAILED',
    ]);
  });

  it('a changed header field fails anchor.blockSignatures', () => {
    const c = tamper(cert, (m) => {
      const h = decodeHeader(fromBase64Url(m.anchor.header));
      m.anchor.header = toBase64Url(encodeHeader({ ...h, timestamp: h.timestamp + 1 }));
    });
    expect(failures(verify(c))).toEqual([
      'anchor.blockSignatures EVIDENCE_BAD_BLOCK_SIGNATURE',
      'signers EVIDENCE_DEPENDENCY_FAILED',
      'record EVIDENCE_DEPENDENCY_FAILED',
    ]);
  });

  it('a header from another group fails anchor.header', () => {
    const c = tamper(cert, (m) => {
      const h = decodeHeader(fromBase64Url(m.anchor.header));
      m.anchor.header = toBase64Url(encodeHeader({ ...h, group: 'g2' }));
    });
    expect(failed(verify(c))).toContain('anchor.header');
  });

  it('a changed node signature fails blockSignatures; one good signature still suffices by default', () => {
    const bad = tamper(cert, (m) => {
      for (const sg of m.cosigns[0]!.signatures) sg.sig = flipHex(sg.sig);
    });
    expect(failures(verify(bad))).toEqual([
      'cosign[0].blockSignatures EVIDENCE_BAD_BLOCK_SIGNATURE',
      'record EVIDENCE_DEPENDENCY_FAILED',
    ]);
    const oneBad = tamper(cert, (m) => {
      m.anchor.signatures[0]!.sig = flipHex(m.anchor.signatures[0]!.sig);
    });
    expect(failed(verify(oneBad))).toEqual([]);
    expect(failures(verify(oneBad, { minSignatures: 2 }))).toEqual([
      'anchor.blockSignatures EVIDENCE_BAD_BLOCK_SIGNATURE',
      'signers EVIDENCE_DEPENDENCY_FAILED',
      'record EVIDENCE_DEPENDENCY_FAILED',
    ]);
  });

  it('a wrong trusted key fails blockSignatures everywhere', () => {
    const other = s.suite.generateKeyPair();
    const v = verify(cert, {
      trustedNodes: s.trusted.map((n) => ({ id: n.id, publicKey: toHex(other.publicKey) })),
    });
    expect(v.valid).toBe(false);
    expect(failures(v).filter((n) => n.includes('.blockSignatures'))).toEqual([
      'anchor.blockSignatures EVIDENCE_BAD_BLOCK_SIGNATURE',
      'cosign[0].blockSignatures EVIDENCE_BAD_BLOCK_SIGNATURE',
      'cosign[1].blockSignatures EVIDENCE_BAD_BLOCK_SIGNATURE',
      'revocation[0].blockSignatures EVIDENCE_BAD_BLOCK_SIGNATURE',
    ]);
    expect(failures(verify(cert, { trustedNodes: [] }))).toContain(
      'anchor.blockSignatures EVIDENCE_UNTRUSTED_NODE',
    );
    expect(failures(verify(cert, { trustedNodes: [{ id: 'node-a', publicKey: 'not hex' }] }))).toContain(
      'anchor.blockSignatures EVIDENCE_UNTRUSTED_NODE',
    );
  });

  it('minSignatures: 2 of 2 passes, 3 fails, 0 is rejected', () => {
    expect(failed(verify(cert, { minSignatures: 2 }))).toEqual([]);
    expect(failures(verify(cert, { minSignatures: 3 }))).toContain(
      'anchor.blockSignatures EVIDENCE_UNTRUSTED_NODE',
    );
    expect(failures(verify(cert, { minSignatures: 0 }))).toEqual(['options EVIDENCE_VERIFY_INPUT']);
  });

  it('a receipt with another status fails anchor.receipt and anchor.receiptInclusion', () => {
    const c = tamper(cert, (m) => {
      const r = decodeReceipt(fromBase64Url(m.anchor.receipt));
      m.anchor.receipt = toBase64Url(
        encodeReceipt({ ...r, status: 'EVIDENCE_EXISTS', events: [], writes: [] }),
      );
    });
    const names = failed(verify(c));
    expect(names).toContain('anchor.receipt');
    expect(names).toContain('anchor.receiptInclusion');
    expect(verify(c).checks.find((x) => x.name === 'anchor.receipt')?.detail).toMatch(/EVIDENCE_EXISTS/);
  });

  it('unreadable anchor arguments fail the first check that needs them, naming the field', () => {
    const c = tamper(cert, (m) => {
      const t = decodeTx(fromBase64Url(m.anchor.tx));
      m.anchor.tx = toBase64Url(
        encodeTx({ body: { ...t.body, args: { ...t.body.args, alg: 'md5' } }, sig: t.sig }),
      );
    });
    const v = verify(c);
    expect(v.checks.find((x) => !x.ok)).toMatchObject({ name: 'digest', code: 'EVIDENCE_CERT_INVALID' });
    expect(v.checks.find((x) => !x.ok)?.detail).toMatch(/anchor args\.alg must be one of sha256, sm3/);
    expect(v.evidence).toBeUndefined();
  });

  it('a receipt of another transaction fails anchor.receipt', () => {
    const c = tamper(cert, (m) => {
      m.anchor.receipt = m.cosigns[0]!.receipt;
    });
    expect(failed(verify(c))).toContain('anchor.receipt');
  });

  it('a cosign bundle about another digest fails cosign[i].tx', () => {
    const singleCert = s.chain.certificate(s.single.digest, s.single.digest);
    const c = tamper(cert, (m) => {
      m.cosigns[0] = clone(singleCert).anchor as Mutable<TxEvidence>;
    });
    const v = verify(c);
    expect(failed(v)).toContain('cosign[0].tx');
    expect(v.checks.find((x) => x.name === 'cosign[0].tx')?.detail).toMatch(/evidence\.cosign/);
  });

  it('a record that disagrees with the proven transactions fails record', () => {
    const meta = tamper(cert, (m) => {
      (m.record.meta as { capturedAt: number }).capturedAt += 1;
    });
    expect(failures(verify(meta))).toEqual(['record EVIDENCE_RECORD_MISMATCH']);
    const unrevoked = tamper(cert, (m) => {
      delete m.record.signers[2]!.revoked;
    });
    expect(failures(verify(unrevoked))).toEqual(['record EVIDENCE_RECORD_MISMATCH']);
    const dropped = tamper(cert, (m) => {
      m.cosigns.shift();
    });
    expect(failures(verify(dropped))).toEqual(['record EVIDENCE_RECORD_MISMATCH']);
    // dropping the cosign of the signer who later revoked also orphans the revocation
    const orphaned = tamper(cert, (m) => {
      m.cosigns.pop();
    });
    expect(failures(verify(orphaned))).toEqual([
      'signers EVIDENCE_CERT_INVALID',
      'record EVIDENCE_DEPENDENCY_FAILED',
    ]);
    const noRevocation = tamper(cert, (m) => {
      m.revocations = [];
    });
    expect(failures(verify(noRevocation))).toEqual(['record EVIDENCE_RECORD_MISMATCH']);
  });

  it('notes are not covered by proofs (documented): editing them does not change the outcome', () => {
    const c = tamper(cert, (m) => {
      m.record.notes = [];
    });
    expect(failed(verify(c))).toEqual([]);
  });

  it('a duplicated cosign bundle fails signers', () => {
    const c = tamper(cert, (m) => {
      m.cosigns.push(clone(cert).cosigns[0] as Mutable<TxEvidence>);
    });
    expect(failed(verify(c))).toContain('signers');
  });

  it('a suite that differs from the certificate fails suite', () => {
    expect(failures(verify(cert, { suite: getSuite('sm2') }))).toContain('suite EVIDENCE_VERIFY_INPUT');
  });

  it('no file and no digest fails digest', () => {
    const v = verifyCertificate({ certificate: cert, trustedNodes: s.trusted });
    expect(failures(v)).toEqual(['digest EVIDENCE_VERIFY_INPUT']);
  });

  it('garbage inside a bundle is a failed check, not a throw', () => {
    const c = tamper(cert, (m) => {
      m.anchor.header = '***';
      m.cosigns[0]!.tx = 'AAAA';
    });
    const v = verify(c);
    expect(v.valid).toBe(false);
    expect(failures(v)).toContain('anchor.header EVIDENCE_CERT_INVALID');
    expect(failures(v)).toContain('cosign[0].tx EVIDENCE_CERT_INVALID');
  });

  it('throws EVIDENCE_CERT_INVALID only for an unparseable certificate', () => {
    const code = (certificate: unknown): string | undefined => {
      try {
        verifyCertificate({ certificate, file: s.files[1]!, trustedNodes: s.trusted });
      } catch (e) {
        return isGongzhiError(e) ? e.code : 'other';
      }
      return undefined;
    };
    expect(code('not json')).toBe('EVIDENCE_CERT_INVALID');
    expect(code({})).toBe('EVIDENCE_CERT_INVALID');
    expect(code(null)).toBe('EVIDENCE_CERT_INVALID');
    expect(code({ ...clone(cert), version: 2 })).toBe('EVIDENCE_CERT_INVALID');
    expect(code({ ...clone(cert), suite: 'rsa' })).toBe('EVIDENCE_CERT_INVALID');
    expect(code({ ...clone(cert), anchor: { tx: 1 } })).toBe('EVIDENCE_CERT_INVALID');
    expect(code({ ...clone(cert), extra: true })).toBe('EVIDENCE_CERT_INVALID');
    expect(code({ ...clone(cert), digest: 'XYZ' })).toBe('EVIDENCE_CERT_INVALID');
    const badStep = clone(cert) as Mutable<EvidenceCertificate>;
    badStep.anchor.txProof[0]!.hash = 'ab';
    expect(code(badStep)).toBe('EVIDENCE_CERT_INVALID');
    expect(code(clone(cert))).toBeUndefined();
  });
});

describe('each tampering gives valid=false with the expected check and code', () => {
  const s = scenario('sm2');
  const cert = s.chain.certificate(s.digests[4]!, s.root, s.proofs[4]!);
  const file = s.files[4]!;
  const stranger = s.suite.generateKeyPair();

  /** Re-sign every block of the certificate by `node-x`, which the verifier does not trust. */
  const signedByStranger = tamper(cert, (m) => {
    for (const b of [m.anchor, ...m.cosigns, ...m.revocations]) {
      const h = decodeHeader(fromBase64Url(b.header));
      b.signatures = [
        { node: 'node-x', sig: toHex(s.suite.sign(stranger.secretKey, blockHash(s.suite, h))) },
      ];
    }
  });

  const cases: [string, () => CertificateVerification, string, string][] = [
    [
      'wrong digest (another file)',
      () => verifyCertificate({ certificate: cert, file: utf8('not the photo'), trustedNodes: s.trusted }),
      'digest',
      'EVIDENCE_DIGEST_MISMATCH',
    ],
    [
      'wrong digest (given digest)',
      () => verifyCertificate({ certificate: cert, digest: s.digests[0]!, trustedNodes: s.trusted }),
      'digest',
      'EVIDENCE_DIGEST_MISMATCH',
    ],
    [
      'altered batch proof step',
      () =>
        verifyCertificate({
          certificate: tamper(cert, (m) => {
            const op = m.batchProof!.ops.at(-1)!;
            if (op.op !== 'leaf') op.hash = flipHex(op.hash);
          }),
          file,
          trustedNodes: s.trusted,
        }),
      'batchProof',
      'EVIDENCE_BAD_PROOF',
    ],
    [
      'altered receipt proof step',
      () =>
        verifyCertificate({
          certificate: tamper(cert, (m) => {
            const step = m.cosigns[1]!.receiptProof[0]!;
            step.side = step.side === 'left' ? 'right' : 'left';
          }),
          file,
          trustedNodes: s.trusted,
        }),
      'cosign[1].receiptInclusion',
      'EVIDENCE_BAD_PROOF',
    ],
    [
      'wrong block signature',
      () =>
        verifyCertificate({
          certificate: tamper(cert, (m) => {
            for (const sg of m.revocations[0]!.signatures) sg.sig = flipHex(sg.sig);
          }),
          file,
          trustedNodes: s.trusted,
        }),
      'revocation[0].blockSignatures',
      'EVIDENCE_BAD_BLOCK_SIGNATURE',
    ],
    [
      'untrusted node',
      () => verifyCertificate({ certificate: signedByStranger, file, trustedNodes: s.trusted }),
      'anchor.blockSignatures',
      'EVIDENCE_UNTRUSTED_NODE',
    ],
    [
      'altered record',
      () =>
        verifyCertificate({
          certificate: tamper(cert, (m) => {
            m.record.signers[1]!.account = s.suite.address(stranger.publicKey);
          }),
          file,
          trustedNodes: s.trusted,
        }),
      'record',
      'EVIDENCE_RECORD_MISMATCH',
    ],
  ];

  it('baseline: valid, no errors, every check has a detail', () => {
    const v = verifyCertificate({ certificate: cert, file, trustedNodes: s.trusted });
    expect(failed(v)).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.errors).toEqual([]);
    expect(v.checks.every((c) => c.ok && c.code === undefined)).toBe(true);
  });

  it.each(cases)('%s', (_what, run, check, code) => {
    const v = run();
    expect(v.valid).toBe(false);
    const first = v.checks.find((c) => !c.ok);
    expect(first).toMatchObject({ name: check, ok: false, code });
    expect(v.errors[0]).toBe(code);
    expect(failed(v)[0]).toBe(check);
  });

  it('the stranger-signed certificate verifies once the stranger is trusted', () => {
    const v = verifyCertificate({
      certificate: signedByStranger,
      file,
      trustedNodes: [{ id: 'node-x', publicKey: toHex(stranger.publicKey) }],
    });
    expect(failed(v)).toEqual([]);
  });

  it('formatVerification prints one line per check, the code and hint of each failure', () => {
    const v = verifyCertificate({ certificate: cert, file: utf8('not the photo'), trustedNodes: s.trusted });
    const lines = formatVerification(v);
    expect(lines.filter((l) => l.startsWith('✓ ') || l.startsWith('✗ '))).toHaveLength(v.checks.length);
    const bad = lines.findIndex((l) => l.startsWith('✗ digest'));
    expect(lines[bad]).toContain('EVIDENCE_DIGEST_MISMATCH');
    expect(lines[bad + 1]).toContain(`hint: ${hintFor('EVIDENCE_DIGEST_MISMATCH')}`);
    expect(lines.at(-1)).toBe(`INVALID: 1 of ${v.checks.length} checks failed (EVIDENCE_DIGEST_MISMATCH)`);
  });
});

describe('certificate assembly', () => {
  const s = scenario('ed25519');

  it('lists the transactions a certificate needs', () => {
    const refs = certificateTxRefs(s.chain.record(s.root));
    expect(refs.anchor.height).toBe(1);
    expect(refs.cosigns.map((r) => r.height)).toEqual([2, 2]);
    expect(refs.revocations.map((r) => r.height)).toEqual([3]);
  });

  it('txEvidenceFromBlock: TX_NOT_FOUND for a tx not in the block, CHAIN_INVALID for inconsistent contents', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return isGongzhiError(e) ? e.code : 'other';
      }
      return undefined;
    };
    const b = s.chain.blocks[0]!;
    expect(code(() => txEvidenceFromBlock(s.suite, b, '00'.repeat(32)))).toBe('TX_NOT_FOUND');
    expect(
      code(() => txEvidenceFromBlock(s.suite, { ...b, receipts: b.receipts.slice(1) }, '00'.repeat(32))),
    ).toBe('CHAIN_INVALID');
  });

  it('buildCertificate is plain JSON and rejects a bad digest', () => {
    const cert = s.chain.certificate(s.digests[0]!, s.root, s.proofs[0]!);
    expect(JSON.parse(JSON.stringify(cert))).toEqual(cert);
    expect(() =>
      buildCertificate({ ...({} as Parameters<typeof buildCertificate>[0]), digest: new Uint8Array(3) }),
    ).toThrow(/32 bytes/);
  });
});

describe('a genesis trust root: group checked, finality quorum of organisations by default', () => {
  const s = scenario('ed25519');
  const cert = s.chain.certificate(s.digests[1]!, s.root, s.proofs[1]!);
  const [a, b] = s.trusted as [TrustedNode, TrustedNode];
  const stranger = { id: 'node-c', publicKey: toHex(s.suite.generateKeyPair().publicKey) };
  const root = (nodes: TrustRoot['nodes'], group = 'g1'): TrustRoot => ({
    chain: 'test',
    group,
    nodes,
    quorumPercent: 67,
  });
  const verify = (trustRoot: TrustRoot, minSignatures?: number) =>
    verifyCertificate({
      certificate: cert,
      file: s.files[1]!,
      trustRoot,
      ...(minSignatures === undefined ? {} : { minSignatures }),
    });

  it('both organisations signed: valid and final, with the signing organisations named', () => {
    const v = verify(
      root([
        { ...a, org: 'court' },
        { ...b, org: 'bank' },
      ]),
    );
    expect(failed(v)).toEqual([]);
    expect(v.trust).toEqual({
      root: 'genesis',
      chain: 'test',
      group: 'g1',
      organisations: 2,
      quorumPercent: 67,
      required: 2,
      lowered: false,
    });
    expect(v.finality).toEqual({ final: true, signedBy: ['bank', 'court'] });
  });

  it('two of three organisations is short of a 67 % quorum: not valid, not final', () => {
    const v = verify(
      root([
        { ...a, org: 'court' },
        { ...b, org: 'bank' },
        { ...stranger, org: 'school' },
      ]),
    );
    expect(v.valid).toBe(false);
    expect(failures(v)).toContain('anchor.blockSignatures EVIDENCE_UNTRUSTED_NODE');
    expect(v.finality).toBeUndefined();
    expect(v.trust?.required).toBe(3);
  });

  it('a lower bar only when asked for, and the result says it was lowered and the block is not final', () => {
    const v = verify(
      root([
        { ...a, org: 'court' },
        { ...b, org: 'bank' },
        { ...stranger, org: 'school' },
      ]),
      1,
    );
    expect(failed(v)).toEqual([]);
    expect(v.trust).toMatchObject({ required: 1, lowered: true, organisations: 3 });
    expect(v.finality).toEqual({ final: false, signedBy: ['bank', 'court'] });
    expect(v.checks.find((c) => c.name === 'options')?.detail).toContain('LOWERED');
  });

  it('two nodes of one organisation count once', () => {
    const v = verify(
      root([
        { ...a, org: 'court' },
        { ...b, org: 'court' },
        { ...stranger, org: 'bank' },
      ]),
    );
    expect(v.valid).toBe(false);
    expect(v.checks.find((c) => c.name === 'anchor.blockSignatures')?.detail).toContain('1 organisation(s)');
  });

  it('a certificate of another group than the trusted genesis fails trustRoot', () => {
    const v = verify(
      root(
        [
          { ...a, org: 'court' },
          { ...b, org: 'bank' },
        ],
        'g2',
      ),
    );
    expect(failures(v)).toEqual(['trustRoot EVIDENCE_WRONG_GROUP']);
  });

  it('a bare key list says it checked no finality', () => {
    const v = verifyCertificate({ certificate: cert, file: s.files[1]!, trustedNodes: s.trusted });
    expect(v.trust).toMatchObject({ root: 'nodes', required: 1, lowered: false });
    expect(v.finality).toEqual({ final: false, signedBy: ['node-a', 'node-b'] });
  });

  it('no trust at all is an input error', () => {
    const v = verifyCertificate({ certificate: cert, file: s.files[1]! });
    expect(failures(v)).toContain('options EVIDENCE_VERIFY_INPUT');
  });
});
