import { startServer } from '../api/index.js';
import {
  credentialDigest,
  issueSdJwtVc,
  presentSdJwtVc,
  statusListUrl,
  type TypeMetadata,
  vctUrl,
  verifyPresentation,
} from '../credentials/index.js';
import { formatVerification } from '../ledger/index.js';
import type { ResolutionJson } from '../modules/identity/index.js';
import type { StatusSigner } from '../node/index.js';
import type { Demo } from './demo.js';
import { IdentityNet } from './health-pass.js';

const ID_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, birthDate: { type: 'string' }, idNumber: { type: 'string' } },
  required: ['name', 'birthDate', 'idNumber'],
  additionalProperties: false,
} as const;

const DEGREE_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    degree: { type: 'string' },
    major: { type: 'string' },
    graduated: { type: 'string' },
    grade: { type: 'string' },
  },
  required: ['name', 'degree', 'graduated'],
  additionalProperties: false,
} as const;

/**
 * Certificate digitalisation: a user agent creates a resident's DID (with her consent), the
 * identity bureau issues an identity credential, a university issues a degree and anchors its
 * digest, an employer verifies the degree disclosing only name and degree. The degree is open to
 * outside verifiers: its `vct` is a URL on the node serving the type metadata, its status is in
 * the university's published status list (a signed statuslist+jwt), and when the university
 * revokes the degree the employer sees it through that published list alone.
 */
export const certificatesDemo: Demo = {
  name: 'certificates',
  description:
    'Certificates: agent-created DID, identity and degree credentials, selective disclosure to an employer',
  async run(ctx) {
    const signers: StatusSigner[] = [];
    const net = await IdentityNet.start(
      ctx,
      'macau',
      {
        registrar: ['identity-registrar'],
        'user-agent': ['identity-agent'],
        bureau: [],
        university: [],
      },
      { statusSigners: signers },
    );
    const server = await startServer(net.node, { host: '127.0.0.1', port: 0 });
    try {
      await net.createDid('bureau');
      await net.createDid('university');
      await net.ok('registrar', 'identity', 'recognizeIssuer', {
        id: net.id('bureau'),
        category: 'identity-bureau',
      });
      await net.ok('registrar', 'identity', 'recognizeIssuer', {
        id: net.id('university'),
        category: 'university',
      });
      ctx.log('identity bureau and university recognised as issuers');
      await net.ok('bureau', 'identity', 'registerSchema', {
        schemaId: 1100,
        issuer: net.id('bureau'),
        name: 'ResidentIdentity',
        schema: JSON.stringify(ID_SCHEMA),
      });
      await net.ok('university', 'identity', 'registerSchema', {
        schemaId: 1200,
        issuer: net.id('university'),
        name: 'Degree',
        schema: JSON.stringify(DEGREE_SCHEMA),
      });
      // The node signs the university's published status lists with a key the university lists.
      const statusKey = net.suite.generateKeyPair();
      await net.ok('university', 'identity', 'addKey', {
        id: net.id('university'),
        fragment: 'status-1',
        publicKey: statusKey.publicKey,
        purposes: ['assertionMethod'],
      });
      signers.push({ did: net.did('university'), fragment: 'status-1', type: 'ed25519', ...statusKey });
      await net.ok('university', 'identity', 'createStatusList', {
        issuer: net.id('university'),
        list: 'degrees',
        purpose: 'revocation',
      });
      // The resident's phone makes her key; the user agent registers her DID with her consent.
      const resident = await net.createDidByAgent('user-agent', 'resident');
      const doc = net.group.query('identity', 'resolve', { did: resident }) as ResolutionJson;
      ctx.log(`user agent created ${resident} (created by ${doc.didDocumentMetadata.createdBy})`);
      const holder = { type: 'ed25519' as const, publicKey: net.key('resident').publicKey };
      const now = net.now();
      const idCred = await issueSdJwtVc({
        issuer: net.signingKey('bureau'),
        subject: resident,
        holder,
        schema: { schemaId: 1100, version: 1, schema: ID_SCHEMA },
        vctPrefix: net.prefix,
        claims: { name: 'Leong Mei', birthDate: '1999-02-03', idNumber: '1234567(8)' },
        iat: now,
        exp: now + 10 * 365 * 86_400,
      });
      ctx.log('identity bureau issued an identity credential');
      const degree = await issueSdJwtVc({
        issuer: net.signingKey('university'),
        subject: resident,
        holder,
        schema: { schemaId: 1200, version: 1, schema: DEGREE_SCHEMA },
        vctPrefix: net.prefix,
        claims: {
          name: 'Leong Mei',
          degree: 'BSc',
          major: 'Computer Science',
          graduated: '2021-07-01',
          grade: 'First',
        },
        iat: now,
        exp: now + 50 * 365 * 86_400,
        vct: vctUrl(server.url, 'main', 1200, 1),
        status: {
          list: 'degrees',
          index: 77,
          purpose: 'revocation',
          uri: statusListUrl(server.url, 'main', net.id('university'), 'degrees'),
        },
      });
      await net.ok('university', 'evidence', 'anchor', {
        digest: credentialDigest(degree),
        alg: 'sha256',
        meta: {
          type: 'credential',
          capturedBy: net.did('university'),
          capturedAt: now * 1000,
          method: 'sd-jwt-vc',
        },
      });
      ctx.log('university issued a degree credential and anchored its digest');
      const policy = {
        disclose: ['name', 'degree'],
        nonce: 'employer-challenge-1',
        aud: 'https://employer.example',
        category: 'university',
        schemaId: 1200,
        requireAnchor: true,
        now: net.now(),
      };
      // The employer reads what the credential type is from its vct URL (SD-JWT VC type metadata).
      const tm = (await (await fetch(vctUrl(server.url, 'main', 1200, 1))).json()) as TypeMetadata;
      ctx.log(
        `type metadata at the vct URL: ${tm.name}, claims ${tm.claims.map((c) => c.path[0]).join(', ')}`,
      );
      const published = {
        statusVia: 'published' as const,
        fetchStatus: async (uri: string) => (await fetch(uri)).text(),
      };
      const vp = await presentSdJwtVc(degree, net.signingKey('resident'), { ...policy, iat: net.now() });
      // Status through the university's published list (what a verifier off the ledger reads).
      const r = await verifyPresentation(net.reader, vp, policy, published);
      ctx.log(
        `employer verified the degree: ${r.valid ? 'valid' : 'INVALID'}, saw ${Object.keys(r.claims).join(', ')}`,
      );
      if (!r.valid) for (const line of formatVerification(r)) ctx.log(`  ${line}`);
      const idVp = await presentSdJwtVc(idCred, net.signingKey('resident'), {
        disclose: ['name'],
        nonce: 'employer-challenge-2',
        aud: policy.aud,
        iat: net.now(),
      });
      const idR = await verifyPresentation(net.reader, idVp, {
        disclose: ['name'],
        nonce: 'employer-challenge-2',
        aud: policy.aud,
        category: 'identity-bureau',
        now: net.now(),
      });
      // The university finds the degree was obtained by fraud and revokes it.
      await net.ok('university', 'identity', 'setStatus', {
        issuer: net.id('university'),
        list: 'degrees',
        indexes: [77],
        value: true,
      });
      const again = { ...policy, nonce: 'employer-challenge-3', now: net.now() };
      const revoked = await verifyPresentation(
        net.reader,
        await presentSdJwtVc(degree, net.signingKey('resident'), { ...again, iat: net.now() }),
        again,
        published,
      );
      const st = revoked.checks.find((c) => c.name === 'status');
      ctx.log(
        `after the university revoked the degree the employer sees: ${st?.detail ?? '?'} (${revoked.errors.join(', ')})`,
      );
      return {
        typeMetadataName: tm.name,
        afterRevocationValid: revoked.valid,
        afterRevocationErrors: revoked.errors,
        afterRevocationStatus: st?.detail,
        residentDid: resident,
        createdBy: doc.didDocumentMetadata.createdBy,
        agent: net.id('user-agent'),
        degreeValid: r.valid,
        disclosed: r.claims,
        checks: r.checks.map((c) => `${c.name}:${c.ok}`),
        errors: r.errors,
        presentationBytes: vp.length,
        identityValid: idR.valid,
        identityErrors: idR.errors,
        identityDisclosed: idR.claims,
      };
    } finally {
      await server.close();
      await net.stop();
    }
  },
};
