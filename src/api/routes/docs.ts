/** Documentation routes: the OpenAPI document and its HTML rendering. */
import type { FastifyPluginAsync } from 'fastify';
import { T } from '../../wire/index.js';
import { docsPage } from '../docs-page.js';
import { errorResponses, type RouteContext } from './context.js';

const openapiSchema = {
  summary: 'This OpenAPI document',
  tags: ['node'],
  response: { 200: T.Unsafe({ type: 'object', additionalProperties: true }), ...errorResponses },
};

const docsSchema = {
  summary: 'This API as an HTML page: routes by tag, module methods and queries',
  tags: ['node'],
  produces: ['text/html'],
  response: { 200: T.String({ description: 'HTML page' }), ...errorResponses },
};

export const docsRoutes: FastifyPluginAsync<RouteContext> = async (api) => {
  api.get('/openapi.json', { schema: openapiSchema }, async () => api.swagger());

  api.get('/docs', { schema: docsSchema }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(docsPage(api.swagger() as { [key: string]: unknown })),
  );
};
