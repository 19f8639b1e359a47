/** Evidence route: the offline-verifiable certificate of an anchored digest. */
import type { FastifyPluginAsync } from 'fastify';
import { HEX64_PATTERN, T } from '../../wire/index.js';
import { evidenceCertificate } from '../evidence-certificate.js';
import { errorResponses, type GroupParams, groupParam, type RouteContext } from './context.js';

const certificateSchema = {
  summary: 'Offline-verifiable evidence certificate of an anchored digest',
  tags: ['evidence'],
  params: T.Object(
    {
      group: groupParam,
      digest: T.String({ pattern: HEX64_PATTERN, description: 'Anchored digest (hex)' }),
    },
    { additionalProperties: false },
  ),
  response: {
    200: T.Unsafe({ type: 'object', additionalProperties: true, description: 'EvidenceCertificate' }),
    ...errorResponses,
  },
};

export const evidenceRoutes: FastifyPluginAsync<RouteContext> = async (api, { node }) => {
  api.get<{ Params: GroupParams & { digest: string } }>(
    '/v1/groups/:group/evidence/:digest/certificate',
    { schema: certificateSchema },
    async (req) => evidenceCertificate(node.group(req.params.group), req.params.digest),
  );
};
