import { createPrivateKey, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { toBase64Url, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { StatusSigner, VerifierCertificate } from '../node/index.js';
import { joseAlg, jwsSign } from './keys.js';

/**
 * Signed OpenID4VP Request Objects (JAR, RFC 9101; OpenID4VP 1.0 §5.9 and §5.10) under the two
 * Client Identifier Prefixes that let a wallet check who asks without pre-registration:
 * - `decentralized_identifier:<did>`: signed with a key of the verifier's DID, `kid` its DID
 *   URL; the wallet resolves the DID and takes the key from its `verificationMethod`;
 * - `x509_san_dns:<dns name>`: signed with the key of an X.509 leaf certificate whose
 *   subjectAltName holds that DNS name, the chain in `x5c`; the wallet checks it against its
 *   trust anchors.
 * The header's `typ` is `oauth-authz-req+jwt` (RFC 9101 §10.8) and `aud` is the static
 * discovery value `https://self-issued.me/v2` (§5.8): the node does not know the wallet.
 */

export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';
export const REQUEST_OBJECT_AUD = 'https://self-issued.me/v2';

/** Who a request can be signed as: its full client_id and how to sign. */
export interface RequestSigner {
  readonly clientId: string;
  readonly header: Readonly<Record<string, unknown>>;
  sign(signingInput: string): string;
}

/** A verifier DID key (its DID document must list it, as for issuers' keys). */
export function didRequestSigner(s: StatusSigner): RequestSigner {
  return {
    clientId: `decentralized_identifier:${s.did}`,
    header: { alg: joseAlg(s.type), kid: `${s.did}#${s.fragment}` },
    sign: (input) => jwsSign(s, input),
  };
}

/** One signer per dNSName of the leaf certificate (P-256 → ES256, Ed25519 → EdDSA). */
export function x509RequestSigners(c: VerifierCertificate): RequestSigner[] {
  const pems = c.chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const bad = (m: string): never => {
    throw new GongzhiError('CONFIG_INVALID', `identity.verifierCertificates: ${m}`);
  };
  if (pems.length === 0) return bad('the chain holds no PEM certificate');
  const certs = pems.map((p) => new X509Certificate(p));
  const leaf = certs[0] as X509Certificate;
  let key: KeyObject;
  try {
    key = createPrivateKey(c.key);
  } catch (e) {
    return bad(`the key does not load: ${(e as Error).message}`);
  }
  if (!leaf.checkPrivateKey(key)) return bad('the key is not the leaf certificate’s');
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const alg =
    key.asymmetricKeyType === 'ed25519'
      ? 'EdDSA'
      : key.asymmetricKeyType === 'ec' && curve === 'prime256v1'
        ? 'ES256'
        : bad('the leaf key must be P-256 (ES256) or Ed25519 (EdDSA)');
  const x5c = certs.map((x) => x.raw.toString('base64'));
  const dns = (leaf.subjectAltName ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.startsWith('DNS:'))
    .map((e) => e.slice(4));
  if (dns.length === 0) return bad('the leaf certificate has no dNSName subjectAltName');
  const signature = (input: string) =>
    toBase64Url(
      new Uint8Array(
        alg === 'EdDSA'
          ? sign(null, utf8(input), key)
          : sign('sha256', utf8(input), { key, dsaEncoding: 'ieee-p1363' }),
      ),
    );
  return dns.map((name) => ({ clientId: `x509_san_dns:${name}`, header: { alg, x5c }, sign: signature }));
}

/** The compact JWS of a Request Object. */
export function signRequestObject(signer: RequestSigner, claims: Record<string, unknown>): string {
  const header = { ...signer.header, typ: REQUEST_OBJECT_TYP };
  const input = `${toBase64Url(utf8(JSON.stringify(header)))}.${toBase64Url(utf8(JSON.stringify(claims)))}`;
  return `${input}.${signer.sign(input)}`;
}
