/**
 * Cross-group anchoring (issue 11 Z): group A's block header hashes are anchored into group B
 * as evidence (`evidence.anchor`, meta.type `group-header`), and a **portable proof** shows that
 * a record of A existed by the time B's quorum signed the block anchoring a later header of A:
 *
 *   file digest ─(A certificate: tx + receipt proofs, A header, A signatures)→ A block h
 *     ─(headers h+1 … h', each naming its parent)→ A block h'
 *     ─(B certificate of H(header h'): tx + receipt proofs, B header, B signatures)→ B block
 *
 * It is checked offline with the two genesis documents only (their node keys), no call to A.
 * Browser-safe: portable suites, no node APIs.
 */
import { bytesEqual, fromBase64Url, fromHex, toHex } from '../encoding/index.js';
import { type ErrorCode, GongzhiError, isGongzhiError } from '../errors/index.js';
import {
  type BlockHeader,
  blockHash,
  decodeHeader,
  failedCheck,
  type Genesis,
  passedCheck,
  type VerificationCheck,
  type VerificationResult,
  verificationResult,
} from '../ledger/index.js';
import type { GongzhiClient } from './client.js';
import type { EvidenceCertificate } from './evidence/index.js';
import {
  type CertificateVerification,
  DEFAULT_QUORUM_PERCENT,
  type TrustedNode,
  trustRootFromGenesis,
  verifyCertificate,
} from './evidence/index.js';
import { getSuite } from './suite.js';

export const CROSS_GROUP_PROOF_TYPE = 'gongzhi.crossgroup.proof';
/** meta.type of a header anchored from another group. */
export const GROUP_HEADER_TYPE = 'group-header';
/** Most headers between the record's block and the anchored one a proof may carry. */
export const MAX_LINK_HEADERS = 10_000;

/** The portable proof. */
export interface CrossGroupProof {
  readonly type: typeof CROSS_GROUP_PROOF_TYPE;
  readonly version: 1;
  /** Evidence certificate of the record in group A. */
  readonly source: EvidenceCertificate;
  /** base64url canonical headers of A after the record's block, up to the anchored one. */
  readonly headers: readonly string[];
  /** Evidence certificate, in group B, of the anchored header's hash. */
  readonly anchor: EvidenceCertificate;
}

/** The node keys of a genesis document. */
export function trustedNodesOf(g: Genesis): TrustedNode[] {
  return g.orgs.flatMap((o) => o.nodes.map((n) => ({ id: n.id, publicKey: n.publicKey })));
}

export type CrossGroupCheckName = 'source' | 'link' | 'anchor';

export type CrossGroupVerification = VerificationResult<
  {
    readonly source?: CertificateVerification;
    readonly anchor?: CertificateVerification;
    /** A's block holding the record, and the later A block whose header B anchored. */
    readonly recordBlock?: { readonly group: string; readonly height: number; readonly timestamp: number };
    readonly anchoredBlock?: { readonly group: string; readonly height: number; readonly hash: string };
    /** B's block that attests it, and its orderer time: the record existed by then. */
    readonly attestedBy?: { readonly group: string; readonly height: number; readonly timestamp: number };
  },
  CrossGroupCheckName
>;

function header(b64: string): BlockHeader {
  return decodeHeader(fromBase64Url(b64));
}

function codeOf(e: unknown): ErrorCode {
  return isGongzhiError(e) ? e.code : 'EVIDENCE_CERT_INVALID';
}

/**
 * Verify a cross-group proof offline. `sourceGenesis` is group A's genesis, `targetGenesis`
 * group B's; give the file (or its digest) the record is about. Each genesis is a trust root: the
 * certificates must be of its chain and group and every block signed by a finality quorum of its
 * organisations (`quorumPercent`, default 67, as the nodes use) — unless `minSignatures` lowers the
 * bar to that many organisations, which each certificate's result shows (`trust.lowered`).
 */
export function verifyCrossGroupProof(input: {
  proof: unknown;
  sourceGenesis: Genesis;
  targetGenesis: Genesis;
  file?: Uint8Array;
  digest?: Uint8Array;
  minSignatures?: number;
  quorumPercent?: number;
}): CrossGroupVerification {
  const checks: VerificationCheck<CrossGroupCheckName>[] = [];
  const p = input.proof as Partial<CrossGroupProof> | null;
  if (typeof p !== 'object' || p === null || p.type !== CROSS_GROUP_PROOF_TYPE || p.version !== 1) {
    return verificationResult([
      failedCheck('source', 'EVIDENCE_CERT_INVALID', 'not a cross-group proof (type/version)'),
    ]);
  }
  const A = input.sourceGenesis;
  const B = input.targetGenesis;
  const min = input.minSignatures === undefined ? {} : { minSignatures: input.minSignatures };
  const root = (g: Genesis) => trustRootFromGenesis(g, input.quorumPercent ?? DEFAULT_QUORUM_PERCENT);
  const source = verifyCertificate({
    certificate: p.source,
    trustRoot: root(A),
    ...(input.file === undefined ? {} : { file: input.file }),
    ...(input.digest === undefined ? {} : { digest: input.digest }),
    ...min,
  });
  const cert = p.source as EvidenceCertificate | undefined;
  const sameGroup = cert?.chain === A.chain && cert?.group === A.group;
  checks.push(
    source.valid && sameGroup
      ? passedCheck('source', `record certified in ${A.chain}/${A.group} by its genesis nodes`)
      : failedCheck(
          'source',
          source.errors[0] ?? 'EVIDENCE_CERT_INVALID',
          sameGroup
            ? 'source certificate does not verify'
            : 'source certificate is not of the source genesis group',
        ),
  );
  let recordBlock: CrossGroupVerification['recordBlock'];
  let anchoredBlock: CrossGroupVerification['anchoredBlock'];
  try {
    const suite = getSuite(A.suite);
    const first = header((cert as EvidenceCertificate).anchor.header);
    recordBlock = { group: first.group, height: first.height, timestamp: first.timestamp };
    let prev = first;
    let prevHash = blockHash(suite, first);
    const list = p.headers ?? [];
    if (!Array.isArray(list) || list.length > MAX_LINK_HEADERS)
      throw new GongzhiError('EVIDENCE_BAD_PROOF', 'headers must be a list');
    for (const h64 of list) {
      const h = header(h64);
      if (
        h.height !== prev.height + 1 ||
        !bytesEqual(h.parent, prevHash) ||
        h.group !== A.group ||
        h.chain !== A.chain
      ) {
        throw new GongzhiError(
          'EVIDENCE_BAD_PROOF',
          `header ${h.height} does not follow block ${prev.height}`,
          { height: h.height },
        );
      }
      prev = h;
      prevHash = blockHash(suite, h);
    }
    anchoredBlock = { group: prev.group, height: prev.height, hash: toHex(prevHash) };
    checks.push(passedCheck('link', `A blocks ${first.height}…${prev.height} are linked by parent hashes`));
  } catch (e) {
    checks.push(failedCheck('link', codeOf(e), e instanceof Error ? e.message : String(e)));
  }
  let anchor: CertificateVerification | undefined;
  let attestedBy: CrossGroupVerification['attestedBy'];
  if (anchoredBlock !== undefined) {
    anchor = verifyCertificate({
      certificate: p.anchor,
      trustRoot: root(B),
      digest: fromHex(anchoredBlock.hash),
      ...min,
    });
    const bc = p.anchor as EvidenceCertificate | undefined;
    const inB = bc?.chain === B.chain && bc?.group === B.group;
    const meta = bc?.record?.meta;
    const typed = meta?.type === GROUP_HEADER_TYPE;
    if (anchor.valid && inB && typed && bc !== undefined) {
      const bh = header(bc.anchor.header);
      attestedBy = { group: bh.group, height: bh.height, timestamp: bh.timestamp };
      checks.push(
        passedCheck('anchor', `A header ${anchoredBlock.height} anchored in ${B.group} block ${bh.height}`),
      );
    } else {
      checks.push(
        failedCheck(
          'anchor',
          anchor.errors[0] ?? 'EVIDENCE_CERT_INVALID',
          !inB
            ? 'anchor certificate is not of the target genesis group'
            : !typed
              ? 'anchor is not a group-header anchor'
              : 'anchor certificate does not verify',
        ),
      );
    }
  }
  return verificationResult(checks, {
    source,
    ...(anchor === undefined ? {} : { anchor }),
    ...(recordBlock === undefined ? {} : { recordBlock }),
    ...(anchoredBlock === undefined ? {} : { anchoredBlock }),
    ...(attestedBy === undefined ? {} : { attestedBy }),
  });
}

/** The evidence.anchor arguments that anchor block `height` of group A (hash hex) into another group. */
export function groupHeaderAnchorArgs(o: {
  chain: string;
  group: string;
  height: number;
  hash: string;
  timestamp: number;
  alg: 'sha256' | 'sm3';
}) {
  return {
    digest: fromHex(o.hash),
    alg: o.alg,
    meta: {
      type: GROUP_HEADER_TYPE,
      capturedBy: `${o.chain}/${o.group}`,
      capturedAt: o.timestamp,
      method: 'cross-group-anchor',
      ref: `${o.chain}/${o.group}@${o.height}`,
    },
  };
}

/**
 * Build a proof from the two groups' node APIs: the record's certificate in A, the first A
 * header at or after the record's block that B anchored, the headers between, and B's
 * certificate of it. EVIDENCE_NOT_FOUND when B has not anchored a later header of A yet.
 */
export async function buildCrossGroupProof(o: {
  source: GongzhiClient;
  sourceGroup: string;
  target: GongzhiClient;
  targetGroup: string;
  digest: string;
}): Promise<CrossGroupProof> {
  const source = await o.source.evidenceCertificate(o.sourceGroup, o.digest);
  const start = header(source.anchor.header).height;
  const latest = (await o.source.block(o.sourceGroup, 'latest')).height;
  const headers: string[] = [];
  for (let h = start; h <= latest; h++) {
    const b = await o.source.block(o.sourceGroup, h);
    if (h > start) headers.push(b.headerRaw);
    try {
      const anchor = await o.target.evidenceCertificate(o.targetGroup, b.hash);
      return { type: CROSS_GROUP_PROOF_TYPE, version: 1, source, headers, anchor };
    } catch (e) {
      if (!(isGongzhiError(e) && e.code === 'EVIDENCE_NOT_FOUND')) throw e;
    }
  }
  throw new GongzhiError(
    'EVIDENCE_NOT_FOUND',
    `no header of ${o.sourceGroup} from block ${start} on is anchored in ${o.targetGroup} yet`,
    {
      from: start,
    },
  );
}
