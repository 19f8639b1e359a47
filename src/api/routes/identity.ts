/**
 * Identity routes, open to outside verifiers and wallets:
 * - published status lists: the IETF Token Status List token (`application/statuslist+jwt`) and
 *   the W3C BitstringStatusListCredential (`application/vc+jwt`), both signed with the issuer's
 *   key that this node holds, both derived from the ledger's bits;
 * - `POST /v1/groups/{group}/credentials/verify`: verify an SD-JWT VC presentation or a VC-JWT
 *   against this node's ledger, policy in the body, the shared verification result;
 * - `GET /1.0/identifiers/{did}`: DID resolution and `#fragment` dereferencing in the DID
 *   Resolution HTTP(S) binding's shape.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  DID_JSON,
  DID_LD_JSON,
  dereferenceDidUrl,
  RESOLUTION_MEDIA,
  resolveDid,
  StatusPublisher,
  statusListPath,
  type VerifierPolicy,
  verifyPresentation,
} from '../../credentials/index.js';
import { StringEnum, T } from '../../wire/index.js';
import { errorResponses, type GroupParams, groupParam, type RouteContext } from './context.js';
import { baseUrl, identityEnv } from './identity-env.js';

const listParams = T.Object(
  {
    group: groupParam,
    issuer: T.String({ pattern: '^gz[0-9a-f]{40}$', description: 'issuer DID id (gz…)' }),
    list: T.String({ pattern: '^[a-z0-9-]{1,64}$', description: 'status list name' }),
  },
  { additionalProperties: false },
);
type ListParams = GroupParams & { issuer: string; list: string };

const jwtBody = (description: string) => ({
  200: { description, content: { 'application/jwt': { schema: { type: 'string' } } } },
  ...errorResponses,
});

const policySchema = T.Object(
  {
    disclose: T.Array(T.String({ maxLength: 128 }), { maxItems: 64 }),
    nonce: T.String({ maxLength: 512 }),
    aud: T.String({ maxLength: 512 }),
    category: T.Optional(T.String({ maxLength: 64 })),
    schemaId: T.Optional(T.Integer({ minimum: 1 })),
    requireAnchor: T.Optional(T.Boolean()),
    now: T.Optional(
      T.Integer({ minimum: 0, description: 'verification time, s (default: the node’s clock)' }),
    ),
    kbMaxAge: T.Optional(T.Integer({ minimum: 0, description: 'oldest KB-JWT accepted, s (default 300)' })),
    clockSkew: T.Optional(
      T.Integer({ minimum: 0, maximum: 3600, description: 'allowed skew, s (default 60)' }),
    ),
    statusVia: T.Optional(
      StringEnum(['ledger', 'published'], {
        description: 'status from the ledger (default) or from the published lists',
      }),
    ),
  },
  { additionalProperties: false },
);

const verifySchema = {
  summary: 'Verify an SD-JWT VC presentation or a VC-JWT against this ledger',
  description:
    'Returns the verification result (valid, checks, errors with stable codes) with status 200 whether ' +
    'or not the credential is valid; a malformed request is 400.',
  tags: ['identity'],
  params: T.Object({ group: groupParam }, { additionalProperties: false }),
  body: T.Object(
    { presentation: T.String({ minLength: 1, maxLength: 65_536 }), policy: policySchema },
    { additionalProperties: false },
  ),
  response: {
    200: T.Unsafe({ type: 'object', additionalProperties: true, description: 'VerificationResult' }),
    ...errorResponses,
  },
};

const resolveSchema = {
  summary: 'Resolve a DID, or dereference a DID URL with a #fragment (DID Resolution HTTP(S) binding)',
  tags: ['identity'],
  // A wildcard, not `:did`: the router caps named parameters at 100 characters, and did:jwk DIDs are longer.
  params: T.Object(
    { '*': T.String({ minLength: 7, maxLength: 8192, description: 'DID or DID URL' }) },
    { additionalProperties: false },
  ),
  querystring: T.Object(
    {
      versionId: T.Optional(T.String({ maxLength: 20 })),
      versionTime: T.Optional(T.String({ maxLength: 40, description: 'XML dateTime' })),
    },
    { additionalProperties: false },
  ),
  // Only the 2xx body is described: errors are DID Resolution results (their own shape), not ApiError.
  response: {
    200: T.Unsafe({
      type: 'object',
      additionalProperties: true,
      description: 'DID resolution result, DID document, or dereferencing result (by Accept)',
    }),
  },
};

/** Which representation the client accepts: the bare document, or the resolution result. */
function representation(accept: string | undefined): 'document-ld' | 'document' | 'result' | undefined {
  const a = (accept ?? '*/*').toLowerCase();
  if (a.includes(DID_LD_JSON)) return 'document-ld';
  if (a.includes(DID_JSON)) return 'document';
  if (a.includes('application/ld+json') || a.includes('application/json') || a.includes('*/*'))
    return 'result';
  return undefined;
}

export const identityRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  const opts = node.opts.identity ?? {};
  const publisher = new StatusPublisher({
    signers: opts.statusSigners ?? [],
    ...(opts.statusTtlSeconds === undefined ? {} : { ttlSeconds: opts.statusTtlSeconds }),
    ...(opts.statusValiditySeconds === undefined ? {} : { validitySeconds: opts.statusValiditySeconds }),
  });
  const ienv = identityEnv(node);

  const publish = async (
    req: FastifyRequest<{ Params: ListParams }>,
    reply: FastifyReply,
    form: 'token' | 'bitstring',
  ) => {
    const { group, issuer, list } = req.params;
    const g = node.group(group);
    const path = statusListPath(group, issuer, list);
    const uri = `${baseUrl(node, req)}${form === 'token' ? path : `${path}/bitstring`}`;
    const out = await publisher.publish(g, { chain: g.chain, group, issuerId: issuer, list, form, uri });
    reply.header('Cache-Control', `public, max-age=${out.times.ttl}`);
    return reply.type(form === 'token' ? 'application/statuslist+jwt' : 'application/vc+jwt').send(out.jwt);
  };

  api.get<{ Params: ListParams }>(
    '/v1/groups/:group/identity/status-lists/:issuer/:list',
    {
      schema: {
        summary: 'A status list as a signed IETF Token Status List token (statuslist+jwt)',
        tags: ['identity'],
        params: listParams,
        response: jwtBody('status list token, signed with the issuer’s key'),
      },
    },
    (req, reply) => publish(req, reply, 'token'),
  );
  api.get<{ Params: ListParams }>(
    '/v1/groups/:group/identity/status-lists/:issuer/:list/bitstring',
    {
      schema: {
        summary: 'A status list as a signed W3C BitstringStatusListCredential (vc+jwt)',
        tags: ['identity'],
        params: listParams,
        response: jwtBody('BitstringStatusListCredential, signed with the issuer’s key'),
      },
    },
    (req, reply) => publish(req, reply, 'bitstring'),
  );

  api.post<{
    Params: GroupParams;
    Body: { presentation: string; policy: VerifierPolicy & { statusVia?: 'ledger' | 'published' } };
  }>('/v1/groups/:group/credentials/verify', { schema: verifySchema }, async (req) => {
    const g = ienv.reader(req.params.group);
    const { statusVia, ...p } = req.body.policy;
    const policy = ienv.policy({ ...p, now: p.now ?? Math.floor(Date.now() / 1000) });
    return verifyPresentation(g, req.body.presentation, policy, ienv.verifyOptions(statusVia));
  });

  api.get<{ Params: { '*': string }; Querystring: { versionId?: string; versionTime?: string } }>(
    '/1.0/identifiers/*',
    { schema: resolveSchema },
    async (req, reply) => {
      const rep = representation(req.headers.accept);
      const didUrl = req.params['*'];
      // The client's `Cache-Control: no-cache` (RFC 9111 §5.2.1.4): revalidate what the node keeps.
      const via = /(^|,)\s*no-cache\s*(,|$)/i.test(req.headers['cache-control'] ?? '')
        ? ienv.freshResolver
        : ienv.resolver;
      const o = {
        ...(req.query.versionId === undefined ? {} : { versionId: req.query.versionId }),
        ...(req.query.versionTime === undefined ? {} : { versionTime: req.query.versionTime }),
      };
      if (rep === undefined) {
        return reply
          .code(406)
          .type(RESOLUTION_MEDIA)
          .send({
            '@context': 'https://w3id.org/did-resolution/v1',
            didDocument: null,
            didResolutionMetadata: {
              error: 'representationNotSupported',
              code: 'API_BAD_REQUEST',
              detail: `accept ${DID_LD_JSON}, ${DID_JSON} or ${RESOLUTION_MEDIA}`,
            },
            didDocumentMetadata: {},
          });
      }
      if (didUrl.includes('#')) {
        const d = await dereferenceDidUrl(didUrl, via, o);
        if (rep === 'result' || d.result.contentStream === null) {
          return reply.code(d.status).type(RESOLUTION_MEDIA).send(d.result);
        }
        return reply
          .code(d.status)
          .type(rep === 'document' ? DID_JSON : DID_LD_JSON)
          .send(d.result.contentStream);
      }
      const r = await resolveDid(didUrl, via, o);
      if (rep === 'result' || r.result.didDocument === null) {
        return reply.code(r.status).type(RESOLUTION_MEDIA).send(r.result);
      }
      return reply
        .code(r.status)
        .type(rep === 'document' ? DID_JSON : DID_LD_JSON)
        .send(r.result.didDocument);
    },
  );
};
