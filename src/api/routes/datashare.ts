/**
 * Datashare route: the owner department's node serves a logged delivery, encrypted to the
 * grantee (see ../datashare-delivery.ts). Nothing here writes the ledger: the delivery was logged
 * by the grantee's `datashare.deliver` transaction before this call.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { DeliveryJson, RequestJson } from '../../modules/datashare/index.js';
import { T } from '../../wire/index.js';
import { type FetchRequest, sealHeaderFields, serveDelivery } from '../datashare-delivery.js';
import { errorResponses, type GroupParams, groupParams, type RouteContext } from './context.js';

const HEX = (n: number, description: string) => T.String({ pattern: `^[0-9a-f]{${n}}$`, description });

const fetchSchema = {
  summary: 'Serve a logged dataset delivery to its grantee, encrypted to the grantee’s key',
  description:
    'The body is signed by the account that opened the delivery (`datashare.deliver`). The answer is ' +
    'the ciphertext (followed by the tag for AES-GCM); headers x-gongzhi-cipher, x-gongzhi-ephemeral, ' +
    'x-gongzhi-iv, x-gongzhi-node, x-gongzhi-node-key and x-gongzhi-confirm (the SM2 key exchange’s S_B, or ' +
    'the node’s signature over the X25519 transcript), so the grantee authenticates the owner’s node.',
  tags: ['datashare'],
  params: groupParams,
  body: T.Object(
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
  ),
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
  api.post<{ Params: GroupParams; Body: FetchRequest }>(
    '/v1/groups/:group/datashare/fetch',
    { schema: fetchSchema },
    async (req, reply) => {
      const g = node.group(req.params.group);
      const served = await serveDelivery({
        suite: g.suite,
        group: g.group,
        dataDir: node.info().dataDir,
        now: Date.now(),
        body: req.body,
        node: { id: node.info().nodeId, key: node.nodeKey() },
        ledger: {
          delivery: (id) => g.query('datashare', 'delivery', { delivery: String(id) }) as DeliveryJson,
          request: (id) => g.query('datashare', 'request', { request: String(id) }) as RequestJson,
        },
      });
      reply.header('content-type', 'application/octet-stream').headers(sealHeaderFields(served.headers));
      return reply.send(served.body);
    },
  );
};
