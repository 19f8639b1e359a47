import { S } from '../../execution/index.js';
import { ISSUER_CATEGORIES, STATUS_PURPOSES } from './types.js';

/** JSON Schemas of the identity queries' results (what the API returns; bytes as hex). */

const at = S.Object(
  { height: S.Integer(), timestamp: S.Integer({ description: 'block time, ms' }), tx: S.Hex(32) },
  { description: 'when: block height, block time, transaction hash' },
);

const jwk = S.Object(
  {
    kty: S.Union([S.Literal('OKP'), S.Literal('EC')]),
    crv: S.Union([S.Literal('Ed25519'), S.Literal('secp256k1'), S.Literal('SM2')]),
    x: S.String(),
    y: S.Optional(S.String()),
  },
  { description: 'public key as a JWK (SM2 uses the non-standard crv "SM2")' },
);

const category = S.Union(ISSUER_CATEGORIES.map((c) => S.Literal(c)));
const purpose = S.Union(STATUS_PURPOSES.map((p) => S.Literal(p)));

/** `resolve`: a W3C DID Resolution result, with the full key history. */
export const resolutionSchema = S.Object({
  didDocument: S.Object({
    '@context': S.Array(S.String()),
    id: S.String(),
    controller: S.Optional(S.Array(S.String())),
    verificationMethod: S.Array(
      S.Object({ id: S.String(), type: S.Literal('JsonWebKey'), controller: S.String(), publicKeyJwk: jwk }),
    ),
    authentication: S.Array(S.String()),
    assertionMethod: S.Array(S.String()),
    service: S.Array(S.Object({ id: S.String(), type: S.String(), serviceEndpoint: S.String() })),
  }),
  didDocumentMetadata: S.Object({
    created: at,
    updated: at,
    versionId: S.String(),
    nextVersionId: S.Optional(
      S.String({ description: 'the following version, when an older one was asked for' }),
    ),
    deactivated: S.Boolean(),
    deactivatedAt: S.Optional(at),
    createdBy: S.String({ description: 'account that sent create (the subject or her agent)' }),
  }),
  keyHistory: S.Array(
    S.Object({
      id: S.String(),
      type: S.String(),
      publicKeyJwk: jwk,
      purposes: S.Array(S.String()),
      added: at,
      revoked: S.Optional(at),
    }),
  ),
});

/** `issuer`: recognition now / at a time / at a height, with every period. */
export const issuerSchema = S.Object({
  did: S.String(),
  category,
  recognised: S.Boolean(),
  recognisedAt: S.Optional(S.Boolean({ description: 'recognised at block time `at`' })),
  recognisedAtHeight: S.Optional(S.Boolean({ description: 'recognised after block `atHeight`' })),
  history: S.Array(
    S.Object({
      from: at,
      by: S.String(),
      until: S.Optional(at),
      reason: S.Optional(S.String()),
      untilBy: S.Optional(S.String()),
    }),
  ),
});

/** `issuers`: the DIDs ever recognised in a category. */
export const issuersSchema = S.Object({
  category,
  issuers: S.Array(S.Object({ did: S.String(), recognised: S.Boolean() })),
  external: S.Optional(
    S.Array(S.Object({ did: S.String(), recognised: S.Boolean() }), {
      description: 'did:key / did:jwk / did:web issuers ever recognised in the category (when any)',
    }),
  ),
});

/** `schema`: one version of a credential schema. */
export const schemaSchema = S.Object({
  schemaId: S.Integer(),
  version: S.Integer(),
  latest: S.Integer(),
  issuer: S.String({ description: 'the owner’s DID' }),
  name: S.String(),
  schema: S.Unknown({ description: 'the JSON Schema document' }),
  digest: S.Hex(32, 'hash of the schema text as registered'),
  registered: at,
});

/** `status`: one bit of a status list. */
export const statusSchema = S.Object({
  did: S.String(),
  list: S.String(),
  purpose,
  index: S.Integer(),
  set: S.Boolean({ description: 'true: revoked / suspended' }),
  updates: S.Integer(),
});

/** `statusList`: a whole list as a Bitstring Status List `encodedList`. */
export const statusListSchema = S.Object({
  did: S.String(),
  list: S.String(),
  purpose,
  size: S.Integer(),
  updates: S.Integer(),
  encodedList: S.String({ description: "gzip, base64url, multibase prefix 'u'" }),
});
