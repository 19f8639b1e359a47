import { pino } from 'pino';
import { startServer } from '../api/index.js';
import {
  credentialDigest,
  issueSdJwtVc,
  type LedgerReader,
  presentSdJwtVc,
  statusListUrl,
  verifyPresentation,
} from '../credentials/index.js';
import { type CryptoSuite, getSuite, type KeyPair } from '../crypto/index.js';
import { toHex, utf8 } from '../encoding/index.js';
import { GongzhiError, hintFor } from '../errors/index.js';
import type { LedgerModule } from '../execution/index.js';
import {
  type CborMap,
  DEFAULT_PARAMS,
  encodeTx,
  formatVerification,
  type Genesis,
  type Receipt,
  signTx,
} from '../ledger/index.js';
import {
  createConsentMessage,
  formatDid,
  IDENTITY_PERMISSIONS,
  identityModule,
} from '../modules/identity/index.js';
import {
  DEFAULT_MODULES,
  DEFAULT_PERMISSIONS,
  GongzhiNode,
  type GroupLedger,
  type IdentityNodeOptions,
  type StatusSigner,
} from '../node/index.js';
import type { Demo, DemoContext } from './demo.js';

/** The modules an identity scenario runs: the defaults plus the identity module (once). */
export function identityModules(): readonly LedgerModule[] {
  return DEFAULT_MODULES.some((m) => m.name === identityModule.name)
    ? DEFAULT_MODULES
    : [...DEFAULT_MODULES, identityModule];
}

/** An in-process one-node consortium for identity scenarios; parties are key pairs with DIDs. */
export class IdentityNet {
  private readonly keys = new Map<string, KeyPair>();
  private nonce = 0;

  private constructor(
    readonly node: GongzhiNode,
    readonly group: GroupLedger,
    readonly suite: CryptoSuite,
    admins: Map<string, KeyPair>,
  ) {
    for (const [k, v] of admins) this.keys.set(k, v);
  }

  /** Orgs: id → governance roles of its admin (all admins sit on the committee). */
  static async start(
    ctx: DemoContext,
    chain: string,
    orgs: Readonly<Record<string, readonly string[]>>,
    /** Identity services of the node (published status lists, fetch allow-list). */
    identity?: IdentityNodeOptions,
  ): Promise<IdentityNet> {
    const suite = getSuite('ed25519');
    const ids = Object.keys(orgs);
    const admins = new Map(ids.map((id) => [id, suite.generateKeyPair()] as const));
    const adm = (id: string) => admins.get(id) as KeyPair;
    const nodeKey = suite.generateKeyPair();
    const genesis: Genesis = {
      chain,
      group: 'main',
      suite: 'ed25519',
      timestamp: Date.now() - 86_400_000,
      params: { ...DEFAULT_PARAMS, blockIntervalMs: 20 },
      orgs: ids.map((id, i) => ({
        id,
        name: id,
        admins: [toHex(adm(id).publicKey)],
        nodes: i === 0 ? [{ id: `${id}-node`, publicKey: toHex(nodeKey.publicKey) }] : [],
      })),
      committee: {
        members: ids.map((id) => ({ account: suite.address(adm(id).publicKey), weight: 1 })),
        threshold: 51,
      },
      roles: Object.fromEntries(
        ids
          .filter((id) => (orgs[id] ?? []).length > 0)
          .map((id) => [suite.address(adm(id).publicKey), [...(orgs[id] ?? [])]]),
      ),
      permissions: { ...DEFAULT_PERMISSIONS, ...IDENTITY_PERMISSIONS },
    };
    const node = await GongzhiNode.start({
      nodeId: `${ids[0]}-node`,
      org: ids[0] as string,
      nodeSecretKey: nodeKey.secretKey,
      genesis: [genesis],
      dataDir: ctx.dataDir,
      logger: pino({ level: 'silent' }),
      modules: identityModules(),
      ...(identity === undefined ? {} : { identity }),
    });
    return new IdentityNet(node, node.group('main'), suite, admins);
  }

  key(name: string): KeyPair {
    let k = this.keys.get(name);
    if (k === undefined) {
      k = this.suite.generateKeyPair();
      this.keys.set(name, k);
    }
    return k;
  }

  id(name: string): string {
    return this.suite.address(this.key(name).publicKey);
  }

  did(name: string): string {
    return formatDid(this.group.chain, this.group.group, this.id(name));
  }

  /** `did:gongzhi:<chain>:<group>` — the vct prefix of this group's schemas. */
  get prefix(): string {
    return `did:gongzhi:${this.group.chain}:${this.group.group}`;
  }

  /** Read-only view for verifiers. */
  get reader(): LedgerReader {
    return { query: (m, n, a) => this.group.query(m, n, a) };
  }

  /** Submit one call and wait for its receipt. */
  async send(who: string, module: string, method: string, args: CborMap): Promise<Receipt> {
    const k = this.key(who);
    const tx = encodeTx(
      signTx(this.suite, k.secretKey, {
        chain: this.group.chain,
        group: this.group.group,
        sender: k.publicKey,
        nonce: `i${this.nonce++}-${Date.now()}`,
        validUntil: this.group.latest.height + 500,
        module,
        method,
        args,
      }),
    );
    const [r] = await this.group.submit([tx]);
    if (r === undefined || 'error' in r) throw r?.error ?? new Error('submit failed');
    return (await this.group.waitForCommit(r.hash, 30_000)).receipt;
  }

  /** One call that must succeed. */
  async ok(who: string, module: string, method: string, args: CborMap): Promise<Receipt> {
    const r = await this.send(who, module, method, args);
    if (r.status !== 'ok') {
      throw new GongzhiError('EXEC_INTERNAL', `${who} ${module}.${method} failed: ${r.status}`, {
        message: r.message ?? '',
      });
    }
    return r;
  }

  /** A party creates its own DID (key-1 = its account key). */
  async createDid(who: string): Promise<string> {
    await this.ok(who, 'identity', 'create', { publicKey: this.key(who).publicKey });
    return this.did(who);
  }

  /** A user agent creates `who`'s DID with her consent signature. */
  async createDidByAgent(agent: string, who: string): Promise<string> {
    const consent = this.suite.sign(
      this.key(who).secretKey,
      createConsentMessage(this.did(who), this.id(agent)),
    );
    await this.ok(agent, 'identity', 'create', { publicKey: this.key(who).publicKey, consent });
    return this.did(who);
  }

  /** The committee grants `role` to `who` by proposal and votes (threshold 51%). */
  async grantRole(voters: readonly string[], who: string, role: string): Promise<void> {
    const [first, ...rest] = voters;
    const r = await this.ok(first as string, 'governance', 'propose', {
      action: { type: 'grantRole', account: this.id(who), role },
    });
    const id = (r.events.find((e) => e.name === 'proposed')?.data as { id?: number } | undefined)?.id;
    if (id === undefined) throw new GongzhiError('EXEC_INTERNAL', 'no proposal id');
    for (const v of rest) {
      if (r.events.some((e) => e.name === 'executed')) break;
      const vr = await this.send(v, 'governance', 'vote', { id, approve: true });
      if (vr.status !== 'ok' || vr.events.some((e) => e.name === 'executed')) break;
    }
  }

  signingKey(who: string) {
    const k = this.key(who);
    return {
      type: 'ed25519' as const,
      secretKey: k.secretKey,
      publicKey: k.publicKey,
      kid: `${this.did(who)}#key-1`,
    };
  }

  async stop(): Promise<void> {
    await this.node.close();
  }

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  text(s: string): Uint8Array {
    return utf8(s);
  }
}

const TEST_RESULT_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    testType: { type: 'string', enum: ['PCR', 'antigen'] },
    result: { type: 'string', enum: ['negative', 'positive'] },
    sampledAt: { type: 'string' },
  },
  required: ['name', 'testType', 'result', 'sampledAt'],
  additionalProperties: false,
} as const;

const BORDER_PASS_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    pass: { type: 'string', enum: ['green', 'red'] },
    basedOn: { type: 'string' },
  },
  required: ['pass'],
  additionalProperties: false,
} as const;

/**
 * Cross-border health-credential mutual recognition: A's health authority issues a test-result
 * SD-JWT VC; B's verifier checks it against the ledger alone and B's authority issues a border
 * pass ("code transfer"); A revokes, and B sees it at once.
 */
export const healthPassDemo: Demo = {
  name: 'health-pass',
  description:
    "Cross-border health pass: A's test result verified by B against the ledger, converted, revoked",
  async run(ctx) {
    // A's node publishes A's status lists, signed with a key A lists in its DID document, so B's
    // verifier needs only A's published list and A's DID document, not a connection to A's back end.
    const signers: StatusSigner[] = [];
    const net = await IdentityNet.start(
      ctx,
      'gba',
      { 'health-a': [], 'health-b': [], 'border-b': [] },
      { statusSigners: signers },
    );
    const server = await startServer(net.node, { host: '127.0.0.1', port: 0 });
    try {
      // 1. DIDs. The committee grants the registrar role by vote, the registrar recognises issuers.
      for (const who of ['health-a', 'health-b', 'border-b']) await net.createDid(who);
      await net.grantRole(['health-a', 'health-b', 'border-b'], 'border-b', 'identity-registrar');
      await net.ok('border-b', 'identity', 'recognizeIssuer', {
        id: net.id('health-a'),
        category: 'health-authority',
      });
      await net.ok('border-b', 'identity', 'recognizeIssuer', {
        id: net.id('health-b'),
        category: 'health-authority',
      });
      ctx.log('health authorities of A and B recognised by the committee-appointed registrar');
      await net.ok('health-a', 'identity', 'registerSchema', {
        schemaId: 1001,
        issuer: net.id('health-a'),
        name: 'TestResult',
        schema: JSON.stringify(TEST_RESULT_SCHEMA),
      });
      await net.ok('health-b', 'identity', 'registerSchema', {
        schemaId: 1002,
        issuer: net.id('health-b'),
        name: 'BorderPass',
        schema: JSON.stringify(BORDER_PASS_SCHEMA),
      });
      const statusKey = net.suite.generateKeyPair();
      await net.ok('health-a', 'identity', 'addKey', {
        id: net.id('health-a'),
        fragment: 'status-1',
        publicKey: statusKey.publicKey,
        purposes: ['assertionMethod'],
      });
      signers.push({ did: net.did('health-a'), fragment: 'status-1', type: 'ed25519', ...statusKey });
      const resolved = (await (
        await fetch(`${server.url}/1.0/identifiers/${encodeURIComponent(net.did('health-a'))}`)
      ).json()) as { didDocument: { verificationMethod: { id: string; type: string }[] } };
      ctx.log(
        `A's DID resolves (GET /1.0/identifiers): ${resolved.didDocument.verificationMethod.map((v) => `${v.id.split('#')[1]} ${v.type}`).join(', ')}`,
      );
      await net.ok('health-a', 'identity', 'createStatusList', {
        issuer: net.id('health-a'),
        list: 'rev',
        purpose: 'revocation',
      });
      // 2. Traveller (her own DID, created from her phone) gets a test result from A.
      const traveller = await net.createDid('traveller');
      const iat = net.now();
      const credential = await issueSdJwtVc({
        issuer: net.signingKey('health-a'),
        subject: traveller,
        holder: { type: 'ed25519', publicKey: net.key('traveller').publicKey },
        schema: { schemaId: 1001, version: 1, schema: TEST_RESULT_SCHEMA },
        vctPrefix: net.prefix,
        claims: {
          name: 'Chan Tai Man',
          testType: 'PCR',
          result: 'negative',
          sampledAt: '2024-05-01T08:00:00Z',
        },
        iat,
        exp: iat + 72 * 3600,
        status: {
          list: 'rev',
          index: 4242,
          purpose: 'revocation',
          uri: statusListUrl(server.url, 'main', net.id('health-a'), 'rev'),
        },
      });
      await net.ok('health-a', 'evidence', 'anchor', {
        digest: credentialDigest(credential),
        alg: 'sha256',
        meta: {
          type: 'credential',
          capturedBy: net.did('health-a'),
          capturedAt: iat * 1000,
          method: 'sd-jwt-vc',
        },
      });
      ctx.log(`A issued a test-result credential (${credential.length} chars)`);
      // 3. At B's border: verifier asks for result + testType only, bound to a nonce.
      const policy = {
        disclose: ['result', 'testType', 'sampledAt'],
        nonce: 'border-b-nonce-1',
        aud: net.did('border-b'),
        category: 'health-authority',
        schemaId: 1001,
        now: net.now(),
      };
      const presentation = await presentSdJwtVc(credential, net.signingKey('traveller'), {
        disclose: policy.disclose,
        nonce: policy.nonce,
        aud: policy.aud,
        iat: net.now(),
      });
      const first = await verifyPresentation(net.reader, presentation, policy);
      ctx.log('B verified the presentation against the ledger:');
      for (const line of formatVerification(first)) ctx.log(`  ${line}`);
      if (!first.valid)
        throw new GongzhiError('EXEC_INTERNAL', `first verification failed: ${JSON.stringify(first.checks)}`);
      // 4. B's authority issues its own pass ("code transfer").
      const pass = await issueSdJwtVc({
        issuer: net.signingKey('health-b'),
        subject: traveller,
        holder: { type: 'ed25519', publicKey: net.key('traveller').publicKey },
        schema: { schemaId: 1002, version: 1, schema: BORDER_PASS_SCHEMA },
        vctPrefix: net.prefix,
        claims: { pass: 'green', basedOn: toHex(credentialDigest(credential)).slice(0, 16) },
        iat: net.now(),
        exp: net.now() + 24 * 3600,
      });
      ctx.log('B issued a green border pass');
      // 5. A revokes the test result; B's next check fails at once.
      await net.ok('health-a', 'identity', 'setStatus', {
        issuer: net.id('health-a'),
        list: 'rev',
        indexes: [4242],
        value: true,
      });
      const again = await verifyPresentation(
        net.reader,
        await presentSdJwtVc(credential, net.signingKey('traveller'), {
          ...policy,
          nonce: 'border-b-nonce-2',
          iat: net.now(),
        }),
        { ...policy, nonce: 'border-b-nonce-2' },
        // B reads A's published statuslist+jwt (the uri in the credential), checked with A's key.
        { statusVia: 'published', fetchStatus: async (uri) => (await fetch(uri)).text() },
      );
      const status = again.checks.find((c) => c.name === 'status');
      ctx.log(
        `after A's revocation B sees: ${status?.detail ?? '?'} (${again.errors.join(', ')}: ${hintFor(status?.code ?? '')})`,
      );
      return {
        firstValid: first.valid,
        disclosed: first.claims,
        checks: first.checks.map((c) => c.name),
        passIssued: pass.length > 0,
        presentationBytes: presentation.length,
        afterRevocationValid: again.valid,
        afterRevocationStatus: status?.ok ?? true,
        afterRevocationErrors: again.errors,
      };
    } finally {
      await server.close();
      await net.stop();
    }
  },
};
