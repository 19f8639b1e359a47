import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DidDocument,
  DidWebCache,
  fetchDidWeb,
  issueSdJwtVc,
  type LedgerReader,
  presentSdJwtVc,
  resolveDidWeb,
  type VerifyOptions,
  verifyPresentation,
} from '../credentials/index.js';
import { exportJwk } from '../crypto/index.js';
import type { IdentityNet } from '../demos/health-pass.js';
import { GongzhiError } from '../errors/index.js';
import { makeLocalhostCert } from '../testing/index.js';

/** What the did:web phase of the verify-route bench measured: CPU µs per verification, same run. */
export interface DidWebPhase {
  /** The document fetched over HTTPS for every verification (before the cache). */
  readonly fetchEachUs: number;
  /** The node's DidWebCache (`Cache-Control: max-age=300` from the host). */
  readonly keptUs: number;
  readonly ratio: number;
  /** Fetches the host saw while the cached verifications ran (expected 1). */
  readonly keptFetches: number;
}

const SCHEMA = {
  type: 'object',
  properties: { result: { type: 'string' } },
  required: ['result'],
  additionalProperties: false,
};

/**
 * The verifier alone with a did:web issuer whose document a local HTTPS host in this process
 * serves (a self-signed certificate made with openssl): the document fetched for every
 * verification, then kept by DidWebCache. CPU, not wall time, since the host runs here too.
 * `registrar` must hold `identity-registrar` (it registers the system-range schema 9).
 */
export async function benchDidWebPhase(
  net: IdentityNet,
  reader: LedgerReader,
  registrar: string,
  count: number,
): Promise<DidWebPhase> {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-did-web-'));
  // A did:web host: HTTPS with a self-signed certificate made for this run.
  const tls = makeLocalhostCert(dir);
  let doc: DidDocument | undefined;
  let fetches = 0;
  const web = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => {
    fetches++;
    res
      .writeHead(200, { 'content-type': 'application/did+json', 'cache-control': 'max-age=300' })
      .end(JSON.stringify(doc));
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  try {
    const host = `localhost:${(web.address() as AddressInfo).port}`;
    const did = `did:web:${host.replace(':', '%3A')}:bench`;
    const k = net.suite.generateKeyPair();
    const vm = `${did}#key-1`;
    doc = {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: did,
      verificationMethod: [
        {
          id: vm,
          type: 'JsonWebKey2020',
          controller: did,
          publicKeyJwk: exportJwk('ed25519', { publicKey: k.publicKey }),
        },
      ],
      authentication: [],
      assertionMethod: [vm],
    };
    await net.ok(registrar, 'identity', 'registerSchema', {
      schemaId: 9,
      issuer: net.id(registrar),
      name: 'Result',
      schema: JSON.stringify(SCHEMA),
    });
    const credential = await issueSdJwtVc({
      issuer: { type: 'ed25519', ...k, kid: vm },
      subject: net.did('holder'),
      holder: { type: 'ed25519', publicKey: net.key('holder').publicKey },
      schema: { schemaId: 9, version: 1, schema: SCHEMA },
      vctPrefix: net.prefix,
      claims: { result: 'negative' },
      iat: net.now(),
      exp: net.now() + 3600,
    });
    const policy = { disclose: ['result'], aud: 'did:example:border', schemaId: 9, kbMaxAge: 3600 };
    const presentations: string[] = [];
    for (let i = 0; i < count; i++) {
      presentations.push(
        await presentSdJwtVc(credential, net.signingKey('holder'), {
          ...policy,
          nonce: `w-${i}`,
          iat: net.now(),
        }),
      );
    }
    // Node's global agent keeps the connection alive, as it does for the node's own fetches.
    const policyOf = { allowHosts: [host], ca: tls.cert };
    const cpuPer = async (opts: VerifyOptions) => {
      const c = process.cpuUsage();
      for (const [i, vp] of presentations.entries()) {
        const r = await verifyPresentation(reader, vp, { ...policy, nonce: `w-${i}`, now: net.now() }, opts);
        if (!r.valid) {
          throw new GongzhiError(
            'EXEC_INTERNAL',
            `bench did:web verification failed: ${r.errors.join(', ')}`,
          );
        }
      }
      const d = process.cpuUsage(c);
      return (d.user + d.system) / presentations.length;
    };
    const fetchEachUs = await cpuPer({ resolveDid: (d) => resolveDidWeb(d, policyOf) });
    const cache = new DidWebCache((d, v) => fetchDidWeb(d, policyOf, v));
    const before = fetches;
    const keptUs = await cpuPer({ resolveDid: cache.resolve, refreshDid: cache.refresh });
    return {
      fetchEachUs: Math.round(fetchEachUs),
      keptUs: Math.round(keptUs),
      ratio: Math.round((fetchEachUs / keptUs) * 100) / 100,
      keptFetches: fetches - before,
    };
  } finally {
    web.closeAllConnections();
    await new Promise<void>((r) => web.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}
