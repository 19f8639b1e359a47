import { credentialDigest, issueSdJwtVc, presentSdJwtVc, verifyPresentation } from '../credentials/index.js';
import { toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { DeliveryJson } from '../modules/datashare/index.js';
import type { DemoContext } from './demo.js';
import type { IdentityNet } from './health-pass.js';

/** What the police attest: registered or not, and the district — no record of the register. */
const REGISTRATION_SCHEMA = {
  type: 'object',
  properties: {
    registered: { type: 'boolean' },
    district: { type: 'string' },
    asOf: { type: 'string' },
  },
  required: ['registered', 'asOf'],
  additionalProperties: false,
} as const;

export interface CredentialAnswerResult {
  /** The civil-affairs verifier accepted the citizen's presentation against the ledger. */
  readonly credentialValid: boolean;
  /** Claims the citizen disclosed. */
  readonly disclosed: Record<string, unknown>;
  /** The credential is the one whose digest the police logged as their answer (access audit). */
  readonly credentialLogged: boolean;
  /** The same presentation with a changed claim fails. */
  readonly forgedValid: boolean;
}

/**
 * Issue 11 X, item 4 — a verifiable credential instead of records: civil affairs asks the police
 * (an answer request on the household register) whether a citizen is registered; the police, a
 * recognised issuer, answer with an SD-JWT VC issued to the citizen's own DID, and log only its
 * digest on the ledger (`datashare.answer`). The citizen presents it at the civil-affairs office,
 * disclosing the district only; the office checks it against the ledger (issuer, schema, key,
 * holder binding) and against the answer in the access audit. No register record moves.
 */
export async function credentialAnswer(
  net: IdentityNet,
  ctx: DemoContext,
  request: number,
): Promise<CredentialAnswerResult> {
  for (const who of ['police', 'civil']) await net.createDid(who);
  const citizen = await net.createDid('citizen');
  await net.grantRole(['police', 'civil', 'social', 'ss-city'], 'civil', 'identity-registrar');
  await net.ok('civil', 'identity', 'recognizeIssuer', {
    id: net.id('police'),
    category: 'identity-bureau',
  });
  await net.ok('police', 'identity', 'registerSchema', {
    schemaId: 2101,
    issuer: net.id('police'),
    name: 'HouseholdRegistration',
    schema: JSON.stringify(REGISTRATION_SCHEMA),
  });
  const iat = net.now();
  const credential = await issueSdJwtVc({
    issuer: net.signingKey('police'),
    subject: citizen,
    holder: { type: 'ed25519', publicKey: net.key('citizen').publicKey },
    schema: { schemaId: 2101, version: 1, schema: REGISTRATION_SCHEMA },
    vctPrefix: net.prefix,
    claims: { registered: true, district: 'district-2', asOf: '2026-12-01' },
    iat,
    exp: iat + 30 * 24 * 3600,
  });
  const answered = await net.ok('police', 'datashare', 'answer', {
    request,
    digest: credentialDigest(credential),
  });
  const id = (answered.events.find((e) => e.name === 'delivered')?.data as { delivery?: number } | undefined)
    ?.delivery;
  ctx.log(
    `police answered request ${request} with a HouseholdRegistration credential issued to the citizen's DID; only its digest went on the ledger (audit #${id})`,
  );
  const policy = {
    disclose: ['registered', 'district'],
    nonce: 'civil-office-42',
    aud: net.did('civil'),
    category: 'identity-bureau',
    schemaId: 2101,
    now: net.now(),
  };
  const presentation = await presentSdJwtVc(credential, net.signingKey('citizen'), {
    disclose: policy.disclose,
    nonce: policy.nonce,
    aud: policy.aud,
    iat: net.now(),
  });
  const v = await verifyPresentation(net.reader, presentation, policy);
  if (id === undefined) throw new GongzhiError('EXEC_INTERNAL', 'no delivery id in the answer receipt');
  const logged = net.group.query('datashare', 'delivery', { delivery: String(id) }) as DeliveryJson;
  const credentialLogged =
    logged.digest === toHex(credentialDigest(presentation)) && logged.account === net.id('police');
  // Tamper with the issuer-signed part (registered: true → false is not possible without the key).
  const [jwt = '', ...rest] = presentation.split('~');
  const [h = '', p = '', s = ''] = jwt.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forgedJwt = [
    h,
    Buffer.from(JSON.stringify({ ...payload, iss: payload.iss, exp: 9_999_999_999 })).toString('base64url'),
    s,
  ].join('.');
  const forged = await verifyPresentation(net.reader, [forgedJwt, ...rest].join('~'), policy);
  ctx.log(
    `the citizen presented it at the civil-affairs office (disclosing ${Object.keys(v.claims ?? {}).join(', ')}): valid ${v.valid}; ` +
      `it is the answer in the audit: ${credentialLogged}; with its expiry changed: valid ${forged.valid}`,
  );
  return {
    credentialValid: v.valid,
    disclosed: (v.claims ?? {}) as Record<string, unknown>,
    credentialLogged,
    forgedValid: forged.valid,
  };
}
