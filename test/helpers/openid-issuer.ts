/**
 * A node that issues and verifies over OpenID4VCI / OpenID4VP, and a wallet that talks to it with
 * plain HTTP and jose only (no project code on the wallet side): the setup the OpenID restart and
 * signed-request tests share. `restart()` closes the HTTP server and the node (every SQLite file)
 * and starts both again on the same data directory, as a process restart would.
 */
import { createHash, type webcrypto } from 'node:crypto';
import { request } from 'node:http';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { signCompact } from '../../src/credentials/keys.js';
import { getSuite } from '../../src/crypto/index.js';
import { IdentityNet } from '../../src/demos/health-pass.js';
import { GongzhiNode } from '../../src/node/gongzhi-node.js';
import type { CredentialConfiguration, IdentityNodeOptions, StatusSigner } from '../../src/node/index.js';
import { tempDir } from './fixtures.js';
import { settle } from './processes.js';

// biome-ignore lint/suspicious/noExplicitAny: the wallet walks JSON answers of several shapes
export type Json = Record<string, any>;

export const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, degree: { type: 'string' } },
  required: ['name', 'degree'],
  additionalProperties: false,
};

export interface OpenIdNode {
  readonly net: IdentityNet;
  url(): string;
  node(): GongzhiNode;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** The issuer back office's signed offer request → the offer's pre-authorised code. */
  offer(claims: Record<string, unknown>, extra?: Record<string, unknown>): Promise<string>;
  /** The same request → the whole answer `{status, body}`. */
  offerRaw(
    claims: Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): Promise<{ status: number; body: Json }>;
}

/** University `uni` with a credential key, schema 1500 ("degree") and status list `r`. */
export async function startOpenIdNode(
  prefix: string,
  identity: Partial<IdentityNodeOptions> = {},
  /** Ledger set-up before the HTTP server starts (the routes read the identity options then). */
  before: (net: IdentityNet, dir: string) => Promise<void> = async () => undefined,
): Promise<OpenIdNode> {
  const tmp = tempDir(prefix);
  const credKey = getSuite('ed25519').generateKeyPair();
  const credentialSigners: StatusSigner[] = [];
  const credentialConfigurations: CredentialConfiguration[] = [];
  const net = await IdentityNet.start(
    { dataDir: tmp.dir, log: () => undefined },
    'oid',
    { uni: ['identity-registrar'] },
    { credentialSigners, credentialConfigurations, ...identity },
  );
  await net.createDid('uni');
  await net.ok('uni', 'identity', 'addKey', {
    id: net.id('uni'),
    fragment: 'cred-1',
    publicKey: credKey.publicKey,
    purposes: ['assertionMethod'],
  });
  credentialSigners.push({ did: net.did('uni'), fragment: 'cred-1', type: 'ed25519', ...credKey });
  credentialConfigurations.push({ id: 'degree', did: net.did('uni'), schemaId: 1500, version: 1 });
  await net.ok('uni', 'identity', 'recognizeIssuer', { id: net.id('uni'), category: 'university' });
  await net.ok('uni', 'identity', 'registerSchema', {
    schemaId: 1500,
    issuer: net.id('uni'),
    name: 'Degree',
    schema: JSON.stringify(SCHEMA),
  });
  await before(net, tmp.dir);
  let node = net.node;
  let server: RunningServer = await startServer(node, { host: '127.0.0.1', port: 0 });
  let stopped = false;
  const offerRaw = async (claims: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const request = signCompact(
      net.signingKey('uni'),
      { alg: 'EdDSA', kid: `${net.did('uni')}#key-1` },
      { iss: net.did('uni'), iat: net.now(), credential_configuration_id: 'degree', claims, ...extra },
    );
    return post(`${server.url}/v1/openid4vci/offers`, { request });
  };
  const stopBoth = async () => {
    // Bounded: a stuck close must not hold the test's hooks past their timeout.
    await settle(server.close(), 10_000);
    await settle(node.close(), 10_000);
  };
  return {
    net,
    url: () => server.url,
    node: () => node,
    restart: async () => {
      // The same port: the node's public URL (the credential issuer, the response URIs) is unchanged.
      const port = Number(new URL(server.url).port);
      await stopBoth();
      node = await GongzhiNode.start(node.opts);
      server = await startServer(node, { host: '127.0.0.1', port });
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopBoth();
      tmp.remove();
    },
    offerRaw,
    offer: async (claims, extra = {}) => {
      const r = await offerRaw(claims, extra);
      if (r.status !== 200) throw new Error(`offer refused: ${JSON.stringify(r.body)}`);
      return r.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'] as string;
    },
  };
}

/**
 * One HTTP exchange on a connection of its own (no keep-alive pool: a pooled socket to the
 * server before a restart would be reused against the new one and cut).
 */
export function http(
  method: 'GET' | 'POST',
  url: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; text: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
          ...(res.headers.location === undefined ? {} : { location: res.headers.location }),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** POST JSON, or a form when `body` is a string. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const form = typeof body === 'string';
  const res = await http('POST', url, form ? body : JSON.stringify(body), {
    'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    ...headers,
  });
  return { status: res.status, body: JSON.parse(res.text) as Json };
}

export const getJson = async (url: string) => JSON.parse((await http('GET', url)).text) as Json;

export const b64url = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');
const sha256 = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());

/** The holder: an Ed25519 key in jose, the OpenID4VCI steps and an SD-JWT presentation with its KB-JWT. */
export class JoseWallet {
  private constructor(
    readonly jwk: JWK,
    private readonly key: webcrypto.CryptoKey,
  ) {}

  static async create(): Promise<JoseWallet> {
    const kp = await generateKeyPair('EdDSA', { extractable: true });
    const { d: _private, ...jwk } = await exportJWK(kp.publicKey);
    return new JoseWallet(jwk, kp.privateKey as webcrypto.CryptoKey);
  }

  async token(base: string, code: string) {
    return post(
      `${base}/v1/openid4vci/token`,
      new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': code }).toString(),
    );
  }

  async nonce(base: string): Promise<string> {
    return (await post(`${base}/v1/openid4vci/nonce`, {})).body.c_nonce as string;
  }

  async proof(aud: string, nonce: string): Promise<string> {
    return new SignJWT({ nonce })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'openid4vci-proof+jwt', jwk: this.jwk })
      .setAudience(aud)
      .setIssuedAt()
      .sign(this.key);
  }

  async credential(base: string, token: string, proof: string) {
    return post(
      `${base}/v1/openid4vci/credential`,
      { credential_configuration_id: 'degree', proofs: { jwt: [proof] } },
      { authorization: `Bearer ${token}` },
    );
  }

  /** Code → token → nonce → proof → credential. */
  async receive(base: string, code: string): Promise<string> {
    const t = await this.token(base, code);
    if (t.status !== 200) throw new Error(`token refused: ${JSON.stringify(t.body)}`);
    const c = await this.credential(
      base,
      t.body.access_token,
      await this.proof(base, await this.nonce(base)),
    );
    if (c.status !== 200) throw new Error(`credential refused: ${JSON.stringify(c.body)}`);
    return c.body.credentials[0].credential as string;
  }

  /**
   * The SD-JWT with only the disclosures of `claims`, and a KB-JWT (RFC 9901 §4.3) for
   * `aud` / `nonce`: sd_hash over everything up to the last `~`.
   */
  async present(credential: string, claims: readonly string[], aud: string, nonce: string): Promise<string> {
    const [jwt, ...disclosures] = credential.split('~').filter((p) => p !== '');
    const keep = disclosures.filter((d) => {
      const arr = JSON.parse(Buffer.from(d, 'base64url').toString()) as unknown[];
      return claims.includes(String(arr[1]));
    });
    const sdJwt = `${[jwt, ...keep].join('~')}~`;
    const kb = await new SignJWT({
      nonce,
      aud,
      iat: Math.floor(Date.now() / 1000),
      sd_hash: b64url(sha256(sdJwt)),
    })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'kb+jwt' })
      .sign(this.key);
    return `${sdJwt}${kb}`;
  }
}
