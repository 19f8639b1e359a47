/**
 * Identity routes a standard wallet talks to:
 * - OpenID4VCI 1.0 (pre-authorised code flow, SD-JWT VC): Credential Issuer Metadata at
 *   `/.well-known/openid-credential-issuer`, the issuer's OAuth metadata at
 *   `/.well-known/oauth-authorization-server`, the token, nonce and credential endpoints, and
 *   the issuer back office's offer endpoint (its request signed with a key of its DID);
 * - SD-JWT VC Type Metadata at each credential's `vct` URL, built from the ledger's schema;
 * - OpenID4VP 1.0 (DCQL, `direct_post`): a relying party asks for a request, the wallet posts
 *   its `vp_token` to the response URI, the relying party reads the verification outcome.
 * The wallet-facing endpoints answer errors in the OAuth shape `{error, error_description}`
 * (RFC 6749 §5.2, OpenID4VCI §8.3.1) plus this API's `code` and `hint`.
 */
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import {
  type ClientIdPrefix,
  CredentialIssuance,
  didRequestSigner,
  OAUTH_ERROR,
  PresentationRequests,
  REQUEST_OBJECT_TYP,
  type RequestPolicy,
  type ResponseMode,
  type SchemaRecord,
  statusListUrl,
  typeMetadata,
  vctUrl,
  verifyPresentation,
  x509RequestSigners,
} from '../../credentials/index.js';
import { hintFor, httpStatusFor, isGongzhiError } from '../../errors/index.js';
import { PENDING_SECRETS_FILE, PendingSecretStore } from '../../storage/index.js';
import { StringEnum, T } from '../../wire/index.js';
import { errorResponses, type GroupParams, groupParam, type RouteContext } from './context.js';
import { baseUrl, identityEnv } from './identity-env.js';

const FORM = 'application/x-www-form-urlencoded';
const anyObject = (description: string) =>
  T.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description });
const oauthError = anyObject('OAuth error: {error, error_description, code, hint}');
const oauthResponses = (description: string) => ({
  200: anyObject(description),
  '4xx': oauthError,
});
const formBody = (props: Record<string, ReturnType<typeof T.String>>) =>
  T.Object(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, T.Optional(v)])), {
    additionalProperties: true,
  });

/** Answer a failure of a wallet-facing endpoint in the OAuth shape; anything else is rethrown. */
function oauth(reply: FastifyReply, e: unknown): FastifyReply {
  if (!isGongzhiError(e) || OAUTH_ERROR[e.code] === undefined) throw e;
  const status = httpStatusFor(e.code);
  if (status === 401) reply.header('WWW-Authenticate', `Bearer error="${OAUTH_ERROR[e.code]}"`);
  return reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .send({ error: OAUTH_ERROR[e.code], error_description: e.message, code: e.code, hint: hintFor(e.code) });
}

export const identityOpenIdRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  const opts = node.opts.identity ?? {};
  const ienv = identityEnv(node);
  // Token requests and direct_post responses are form-encoded (RFC 6749 §4.1.3, OpenID4VP §8.2).
  api.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 262_144 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  // Pending offers, codes, tokens, nonces and requests outlive a restart (src/storage/pending-secrets.ts).
  const store = PendingSecretStore.open(join(node.opts.dataDir, PENDING_SECRETS_FILE));
  api.addHook('onClose', async () => store.close());
  const readerOf = (group: string) => (node.groupIds().includes(group) ? ienv.reader(group) : undefined);
  const issuance = new CredentialIssuance({
    configurations: opts.credentialConfigurations ?? [],
    signers: opts.credentialSigners ?? [],
    reader: readerOf,
    vct: vctUrl,
    statusUri: statusListUrl,
    store,
  });
  const requests = new PresentationRequests({
    verify: (group, vp, policy) =>
      verifyPresentation(ienv.reader(group), vp, ienv.policy(policy), ienv.verifyOptions()),
    store,
    signers: [
      ...(opts.verifierSigners ?? []).map(didRequestSigner),
      ...(opts.verifierCertificates ?? []).flatMap(x509RequestSigners),
    ],
  });

  api.get(
    '/.well-known/openid-credential-issuer',
    {
      schema: {
        summary: 'OpenID4VCI Credential Issuer Metadata (the credentials this node issues)',
        tags: ['identity'],
        response: { 200: anyObject('Credential Issuer Metadata (OpenID4VCI 1.0 §12.2)') },
      },
    },
    async (req) => issuance.metadata(baseUrl(node, req)),
  );
  api.get(
    '/.well-known/oauth-authorization-server',
    {
      schema: {
        summary: 'OAuth 2.0 Authorization Server Metadata of the issuer’s token endpoint (RFC 8414)',
        tags: ['identity'],
        response: { 200: anyObject('Authorization Server Metadata') },
      },
    },
    async (req) => issuance.authorizationServer(baseUrl(node, req)),
  );
  api.post<{ Body: { request: string } }>(
    '/v1/openid4vci/offers',
    {
      schema: {
        summary: 'Make a Credential Offer (pre-authorised code) from the issuer’s signed request',
        description:
          'The body is `{request}`: a compact JWS signed by a current key of the issuer DID, payload ' +
          '`{iss, iat, credential_configuration_id, claims, sub?, status?: {list, index, purpose?}, tx_code?}`.',
        tags: ['identity'],
        body: T.Object(
          { request: T.String({ minLength: 1, maxLength: 65_536 }) },
          { additionalProperties: false },
        ),
        response: {
          200: anyObject('{credential_offer, credential_offer_uri, expires_in}'),
          ...errorResponses,
        },
      },
    },
    async (req) => issuance.createOffer(baseUrl(node, req), req.body.request),
  );
  api.post<{ Body: Record<string, string> }>(
    '/v1/openid4vci/token',
    {
      schema: {
        summary: 'OpenID4VCI token endpoint (pre-authorised code or authorization code grant, form-encoded)',
        tags: ['identity'],
        consumes: [FORM],
        body: formBody({
          grant_type: T.String({ maxLength: 200 }),
          'pre-authorized_code': T.String({ maxLength: 200 }),
          tx_code: T.String({ maxLength: 20 }),
          code: T.String({ maxLength: 200 }),
          code_verifier: T.String({ maxLength: 128 }),
          client_id: T.String({ maxLength: 512 }),
          redirect_uri: T.String({ maxLength: 2048 }),
        }),
        response: oauthResponses('{access_token, token_type, expires_in}'),
      },
    },
    async (req, reply) => {
      try {
        return reply.header('Cache-Control', 'no-store').send(issuance.token(req.body));
      } catch (e) {
        return oauth(reply, e);
      }
    },
  );
  api.get<{ Querystring: Record<string, string> }>(
    '/v1/openid4vci/authorize',
    {
      schema: {
        summary:
          'OpenID4VCI authorization endpoint (authorization code flow with PKCE, from an offer’s issuer_state)',
        description:
          'RFC 6749 §4.1.1 query: response_type=code, client_id, redirect_uri, code_challenge, ' +
          'code_challenge_method=S256, issuer_state, state?, authorization_details? | scope?. Answers 302 to ' +
          'redirect_uri with code, state and iss; errors in the OAuth JSON shape (never redirected).',
        tags: ['identity'],
        querystring: T.Object(
          {
            response_type: T.Optional(T.String({ maxLength: 20 })),
            client_id: T.Optional(T.String({ maxLength: 512 })),
            redirect_uri: T.Optional(T.String({ maxLength: 2048 })),
            code_challenge: T.Optional(T.String({ maxLength: 128 })),
            code_challenge_method: T.Optional(T.String({ maxLength: 10 })),
            issuer_state: T.Optional(T.String({ maxLength: 128 })),
            state: T.Optional(T.String({ maxLength: 512 })),
            authorization_details: T.Optional(T.String({ maxLength: 8192 })),
            scope: T.Optional(T.String({ maxLength: 1024 })),
          },
          { additionalProperties: T.String({ maxLength: 2048 }) },
        ),
        response: {
          302: T.Unsafe({ type: 'null', description: 'redirect to redirect_uri?code=…&state=…&iss=…' }),
          '4xx': oauthError,
        },
      },
    },
    async (req, reply) => {
      try {
        return reply
          .header('Cache-Control', 'no-store')
          .redirect(issuance.authorize(baseUrl(node, req), req.query), 302);
      } catch (e) {
        return oauth(reply, e);
      }
    },
  );
  api.post(
    '/v1/openid4vci/nonce',
    {
      schema: {
        summary: 'OpenID4VCI nonce endpoint: a fresh c_nonce for a proof',
        tags: ['identity'],
        response: { 200: anyObject('{c_nonce}') },
      },
    },
    async (_req, reply) => reply.header('Cache-Control', 'no-store').send(issuance.nonce()),
  );
  api.post<{ Body: unknown }>(
    '/v1/openid4vci/credential',
    {
      schema: {
        summary: 'OpenID4VCI credential endpoint: the SD-JWT VC bound to the proof’s key',
        tags: ['identity'],
        body: anyObject('{credential_configuration_id, proofs: {jwt: [proof]}}'),
        response: oauthResponses('{credentials: [{credential}]}'),
      },
    },
    async (req, reply) => {
      try {
        return reply
          .header('Cache-Control', 'no-store')
          .send(await issuance.credential(req.headers.authorization, req.body));
      } catch (e) {
        return oauth(reply, e);
      }
    },
  );

  api.get<{ Params: GroupParams & { schemaId: string; version: string } }>(
    '/v1/groups/:group/identity/vct/:schemaId/:version',
    {
      schema: {
        summary: 'SD-JWT VC Type Metadata of a schema (the document at a credential’s vct URL)',
        tags: ['identity'],
        params: T.Object(
          {
            group: groupParam,
            schemaId: T.String({ pattern: '^[0-9]{1,10}$' }),
            version: T.String({ pattern: '^[0-9]{1,6}$' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: anyObject('Type Metadata document'), ...errorResponses },
      },
    },
    async (req) => {
      const { group, schemaId, version } = req.params;
      const rec = ienv.reader(group).query('identity', 'schema', { schemaId, version }) as SchemaRecord;
      // The issuer's configuration says which claims are selectively disclosable, when there is one.
      const selective = (opts.credentialConfigurations ?? []).find(
        (c) => c.schemaId === Number(schemaId) && c.version === Number(version),
      )?.selective;
      return typeMetadata(
        vctUrl(baseUrl(node, req), group, Number(schemaId), Number(version)),
        rec,
        selective,
      );
    },
  );

  api.post<{
    Params: GroupParams;
    Body: {
      dcql_query: unknown;
      policy?: RequestPolicy;
      client_id_prefix?: ClientIdPrefix;
      verifier?: string;
      response_mode?: ResponseMode;
      redirect_uri?: string;
    };
  }>(
    '/v1/groups/:group/openid4vp/requests',
    {
      schema: {
        summary: 'Start an OpenID4VP presentation request (DCQL, direct_post) verified on this ledger',
        description:
          '`client_id_prefix` redirect_uri (default: by value, unsigned), decentralized_identifier or ' +
          'x509_san_dns (by reference: the link names a request_uri serving the signed Request Object); ' +
          '`verifier` the DID or DNS name after the prefix; `response_mode` direct_post (default) or ' +
          'direct_post.jwt (the wallet encrypts its answer to a key of this request).',
        tags: ['identity'],
        params: T.Object({ group: groupParam }, { additionalProperties: false }),
        body: T.Object(
          {
            dcql_query: anyObject('DCQL query'),
            policy: T.Optional(
              T.Object(
                {
                  category: T.Optional(T.String({ maxLength: 64 })),
                  schemaId: T.Optional(T.Integer({ minimum: 1 })),
                  requireAnchor: T.Optional(T.Boolean()),
                },
                { additionalProperties: false },
              ),
            ),
            client_id_prefix: T.Optional(
              StringEnum(['redirect_uri', 'decentralized_identifier', 'x509_san_dns'] as const),
            ),
            verifier: T.Optional(T.String({ minLength: 1, maxLength: 512 })),
            response_mode: T.Optional(StringEnum(['direct_post', 'direct_post.jwt'] as const)),
            redirect_uri: T.Optional(T.String({ minLength: 1, maxLength: 2048 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: anyObject('{state, transaction_id, request, request_link, request_uri?, expires_in}'),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { group } = req.params;
      node.group(group);
      const base = `${baseUrl(node, req)}/v1/groups/${group}/openid4vp`;
      const b = req.body;
      return requests.create(group, `${base}/response`, b.dcql_query, b.policy ?? {}, {
        ...(b.client_id_prefix === undefined ? {} : { clientIdPrefix: b.client_id_prefix }),
        ...(b.verifier === undefined ? {} : { verifier: b.verifier }),
        ...(b.response_mode === undefined ? {} : { responseMode: b.response_mode }),
        ...(b.redirect_uri === undefined ? {} : { redirectUri: b.redirect_uri }),
        requestUri: (id) => `${base}/request-objects/${id}`,
      });
    },
  );
  // The request URI (OpenID4VP §5.10, request_uri_method post; GET as RFC 9101 has it).
  const requestObjectRoute = {
    schema: {
      summary: 'OpenID4VP request URI: the signed Request Object (application/oauth-authz-req+jwt)',
      tags: ['identity'],
      params: T.Object(
        { group: groupParam, ref: T.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) },
        { additionalProperties: false },
      ),
      response: { 200: T.String({ description: 'compact JWS, typ oauth-authz-req+jwt' }), '4xx': oauthError },
    },
  };
  const sendRequestObject = (
    reply: FastifyReply,
    group: string,
    ref: string,
    walletNonce: string | undefined,
  ): FastifyReply => {
    try {
      const jwt = requests.requestObject(group, ref, walletNonce);
      return reply.header('Cache-Control', 'no-store').type(`application/${REQUEST_OBJECT_TYP}`).send(jwt);
    } catch (e) {
      return oauth(reply, e);
    }
  };
  api.get<{ Params: GroupParams & { ref: string } }>(
    '/v1/groups/:group/openid4vp/request-objects/:ref',
    requestObjectRoute,
    async (req, reply) => sendRequestObject(reply, req.params.group, req.params.ref, undefined),
  );
  api.post<{ Params: GroupParams & { ref: string }; Body: Record<string, string> | undefined }>(
    '/v1/groups/:group/openid4vp/request-objects/:ref',
    {
      schema: {
        ...requestObjectRoute.schema,
        consumes: [FORM],
        body: formBody({
          wallet_nonce: T.String({ maxLength: 256 }),
          wallet_metadata: T.String({ maxLength: 65_536 }),
        }),
      },
    },
    async (req, reply) => sendRequestObject(reply, req.params.group, req.params.ref, req.body?.wallet_nonce),
  );
  api.post<{ Params: GroupParams; Body: Record<string, string> }>(
    '/v1/groups/:group/openid4vp/response',
    {
      schema: {
        summary:
          'OpenID4VP response URI: the wallet posts vp_token and state (direct_post) or response, a JWE (direct_post.jwt)',
        tags: ['identity'],
        params: T.Object({ group: groupParam }, { additionalProperties: false }),
        consumes: [FORM],
        body: formBody({
          vp_token: T.String({ maxLength: 200_000 }),
          state: T.String({ maxLength: 100 }),
          response: T.String({ maxLength: 300_000 }),
        }),
        response: oauthResponses('{redirect_uri?} — the outcome is read by the relying party'),
      },
    },
    async (req, reply) => {
      try {
        const answer = await requests.respond(req.params.group, req.body);
        return reply.header('Cache-Control', 'no-store').send(answer);
      } catch (e) {
        return oauth(reply, e);
      }
    },
  );
  api.get<{ Params: GroupParams & { state: string } }>(
    '/v1/groups/:group/openid4vp/requests/:state',
    {
      schema: {
        summary:
          'Whether an OpenID4VP request was answered ({status: pending | answered}); the outcome is read with its transaction_id',
        tags: ['identity'],
        params: T.Object(
          { group: groupParam, state: T.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: anyObject('{status}'), ...errorResponses },
      },
    },
    async (req) => requests.status(req.params.group, req.params.state),
  );
  // The read handle in the body, not the path: URLs end up in logs and error messages.
  api.post<{ Params: GroupParams; Body: { transaction_id: string; response_code?: string } }>(
    '/v1/groups/:group/openid4vp/outcome',
    {
      schema: {
        summary:
          'The outcome of an OpenID4VP request, read with the transaction_id its creation answered (and the response_code of a redirected answer)',
        tags: ['identity'],
        params: T.Object({ group: groupParam }, { additionalProperties: false }),
        body: T.Object(
          {
            transaction_id: T.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' }),
            response_code: T.Optional(T.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: anyObject('{status, valid?, credentials?}'), ...errorResponses },
      },
    },
    async (req, reply) => {
      const b = req.body;
      reply.header('Cache-Control', 'no-store');
      return requests.outcome(req.params.group, b.transaction_id, b.response_code);
    },
  );
};
