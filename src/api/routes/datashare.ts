/**
 * Datashare routes: the owner department's node serves a logged delivery, encrypted to the
 * grantee (see ../datashare-serve.ts). On SM2 chains the grantee first POSTs its signed request to
 * `agree` (answer: R_B, S_B and a session), then its S_A to `fetch`; on other chains it POSTs the
 * signed request to `fetch` directly. Nothing here writes the ledger: the delivery was logged by
 * the grantee's `datashare.deliver` transaction before these calls.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { DeliveryJson, RequestJson } from '../../modules/datashare/index.js';
import { T } from '../../wire/index.js';
import {
  agreeDelivery,
  type ConfirmRequest,
  DeliverySessions,
  type FetchRequest,
  type ServeOptions,
  sealHeaderFields,
  serveDelivery,
} from '../datashare-delivery.js';
import { errorResponses, type GroupParams, groupParams, type RouteContext } from './context.js';

const HEX = (n: number, description: string) => T.String({ pattern: `^[0-9a-f]{${n}}$`, description });

const signedRequest = T.Object(
  {
    delivery: T.Integer({ minimum: 1 }),
    publicKey: T.String({ pattern: '^[0-9a-f]{64,130}$', description: 'grantee account public key' }),
    ephemeral: T.String({
      pattern: '^[0-9a-f]{64}([0-9a-f]{2})?$',
      description:
        'grantee ephemeral key: X25519 (32 bytes) or, on SM2 chains, a compressed SM2 point (33 bytes)',
    }),
    sig: HEX(128, 'signature over the fetch message'),
  },
  { additionalProperties: false },
);

const confirmRequest = T.Object(
  {
    delivery: T.Integer({ minimum: 1 }),
    session: HEX(32, 'the session from …/datashare/agree'),
    confirm: HEX(64, 'S_A of the SM2 key exchange'),
  },
  { additionalProperties: false },
);

const agreeSchema = {
  summary: 'SM2 chains: answer a signed delivery request with the key exchange’s R_B and S_B',
  description:
    'First step of an SM2 chain’s delivery (GB/T 32918.3 key exchange with both confirmations): the ' +
    'body is the grantee’s signed request; the answer carries the owner node’s ephemeral key R_B, its ' +
    'confirmation S_B, its id and key, and a session that `fetch` accepts once (for 60 s) with the ' +
    'grantee’s S_A. Nothing is used up at this step. API_BAD_REQUEST on other chains.',
  tags: ['datashare'],
  params: groupParams,
  body: signedRequest,
  response: {
    200: T.Object({
      session: T.String(),
      cipher: T.String(),
      ephemeral: T.String(),
      node: T.String(),
      nodeKey: T.String(),
      confirm: T.String(),
    }),
    ...errorResponses,
  },
};

const fetchSchema = {
  summary: 'Serve a logged dataset delivery to its grantee, encrypted to the grantee’s key',
  description:
    'The body is signed by the account that opened the delivery (`datashare.deliver`) or, on SM2 ' +
    'chains, a session from `agree` with the grantee’s S_A (a signed request alone is refused there). The answer is ' +
    'the ciphertext (followed by the tag for AES-GCM); headers x-gongzhi-cipher, x-gongzhi-ephemeral, ' +
    'x-gongzhi-iv, x-gongzhi-node, x-gongzhi-node-key and x-gongzhi-confirm (the SM2 key exchange’s S_B, or ' +
    'the node’s signature over the X25519 transcript), so the grantee authenticates the owner’s node.',
  tags: ['datashare'],
  params: groupParams,
  body: T.Unsafe<FetchRequest | ConfirmRequest>({ anyOf: [signedRequest, confirmRequest] }),
  response: {
    200: T.Unsafe({
      type: 'string',
      format: 'binary',
      description: 'ciphertext ‖ tag (application/octet-stream)',
    }),
    ...errorResponses,
  },
};

export const datashareRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  // Agreed keys waiting for the grantee's S_A (this node's memory, one table for all groups).
  const sessions = new DeliverySessions();
  const options = (group: string): ServeOptions => {
    const g = node.group(group);
    return {
      suite: g.suite,
      group: g.group,
      dataDir: node.info().dataDir,
      now: Date.now(),
      node: { id: node.info().nodeId, key: node.nodeKey() },
      ledger: {
        delivery: (id) => g.query('datashare', 'delivery', { delivery: String(id) }) as DeliveryJson,
        request: (id) => g.query('datashare', 'request', { request: String(id) }) as RequestJson,
      },
    };
  };
  api.post<{ Params: GroupParams; Body: FetchRequest }>(
    '/v1/groups/:group/datashare/agree',
    { schema: agreeSchema },
    async (req) => agreeDelivery({ ...options(req.params.group), body: req.body, sessions }),
  );
  api.post<{ Params: GroupParams; Body: FetchRequest | ConfirmRequest }>(
    '/v1/groups/:group/datashare/fetch',
    { schema: fetchSchema },
    async (req, reply) => {
      const served = await serveDelivery({ ...options(req.params.group), body: req.body, sessions });
      reply.header('content-type', 'application/octet-stream').headers(sealHeaderFields(served.headers));
      return reply.send(served.body);
    },
  );
};
