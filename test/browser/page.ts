/**
 * The script of the browser test page (bundled by esbuild as an IIFE, run in Chromium). It uses
 * only the SDK: builds and signs an evidence.anchor transaction with the portable suite, submits
 * it with GongzhiClient, follows the block stream, fetches the evidence certificate and the
 * transaction's inclusion proof, and verifies both offline, in the page.
 */
import {
  type BlockEventView,
  buildTx,
  fileDigest,
  fromHex,
  GongzhiClient,
  utf8,
  verifyCertificate,
  verifyTxInclusion,
} from '../../src/sdk/index.js';

export interface PageInput {
  readonly group: string;
  /** Secret key (hex) of an account allowed to anchor (an org admin). */
  readonly secretKey: string;
  readonly label: string;
}

export interface PageResult {
  /** typeof Buffer / process / require in the page: all 'undefined' in a browser. */
  readonly globals: readonly string[];
  readonly suite: string;
  readonly sender: string;
  readonly txHash: string;
  readonly submitted: { readonly hash: string; readonly status?: string; readonly height?: number };
  readonly streamed: { readonly height: number; readonly hasTx: boolean };
  readonly inclusion: {
    readonly ok: boolean;
    readonly reason?: string;
    readonly signedBy?: readonly string[];
  };
  readonly certificate: {
    readonly valid: boolean;
    readonly errors: readonly string[];
    /** `name code: detail` of each failed check. */
    readonly failed: readonly string[];
    readonly digest: string;
    readonly signers: readonly string[];
    readonly anchoredHeight?: number;
  };
  /** Verification of the same certificate against other file bytes (must fail). */
  readonly tamperedValid: boolean;
  readonly tamperedErrors: readonly string[];
  readonly ms: number;
}

async function run(input: PageInput): Promise<PageResult> {
  const t0 = performance.now();
  const secretKey = fromHex(input.secretKey);
  const client = new GongzhiClient({ url: location.origin, secretKey });
  const info = await client.node();
  const suite = await client.suite();
  const sender = suite.address(suite.publicKeyFromSecret(secretKey));

  const file = utf8(`evidence captured in the browser: ${input.label}`);
  const digest = fileDigest(suite.hashName, file);
  const latest = await client.block(input.group, 'latest');
  const tx = buildTx({
    suite,
    secretKey,
    chain: info.chain,
    group: input.group,
    module: 'evidence',
    method: 'anchor',
    args: {
      digest,
      alg: suite.hashName,
      meta: { type: 'photo', capturedBy: 'browser-test', capturedAt: Date.now(), method: 'camera' },
    },
    validUntil: latest.height + 50,
  });

  // Follow committed blocks over SSE (fetch streaming) while the transaction is submitted.
  let stop = (): void => {};
  const streamed = new Promise<BlockEventView>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no block event within 20 s')), 20_000);
    stop = client.subscribe(input.group, { from: latest.height + 1, onError: () => {} }, (e) => {
      if (e.txs.some((t) => t.hash === tx.hash)) {
        clearTimeout(timer);
        resolve(e);
      }
    });
  });
  const submitted = await client.submit(input.group, tx.bytes, { wait: 'commit' });
  const event = await streamed.finally(() => stop());

  const trustedNodes = [{ id: info.nodeId, publicKey: info.publicKey }];
  const inclusion = verifyTxInclusion(await client.tx(input.group, tx.hash), {
    suite,
    trustedNodes,
    chain: info.chain,
    group: input.group,
  });
  const cert = await client.evidence.certificate(input.group, digest);
  const v = verifyCertificate({ certificate: JSON.stringify(cert), file, trustedNodes });
  const tampered = verifyCertificate({ certificate: cert, file: utf8('some other file'), trustedNodes });

  return {
    globals: ['Buffer', 'process', 'require'].map((k) => typeof (globalThis as Record<string, unknown>)[k]),
    suite: suite.id,
    sender,
    txHash: tx.hash,
    submitted: {
      hash: submitted.hash,
      ...(submitted.receipt === undefined ? {} : { status: submitted.receipt.status }),
      ...(submitted.height === undefined ? {} : { height: submitted.height }),
    },
    streamed: { height: event.height, hasTx: event.txs.some((t) => t.hash === tx.hash) },
    inclusion: inclusion.ok
      ? { ok: true, signedBy: inclusion.signedBy }
      : { ok: false, reason: inclusion.reason },
    certificate: {
      valid: v.valid,
      errors: v.errors,
      failed: v.checks.filter((c) => !c.ok).map((c) => `${c.name} ${c.code ?? ''}: ${c.detail}`),
      digest: v.digest,
      signers: (v.signers ?? []).map((s) => s.account),
      ...(v.anchoredAt === undefined ? {} : { anchoredHeight: v.anchoredAt.height }),
    },
    tamperedValid: tampered.valid,
    tamperedErrors: tampered.errors,
    ms: Math.round(performance.now() - t0),
  };
}

(globalThis as { gongzhiRun?: typeof run }).gongzhiRun = run;
