/** Server-Sent Events route: committed blocks, replayed from a height, then live. */
import type { FastifyPluginAsync } from 'fastify';
import { GongzhiError } from '../../errors/index.js';
import { T } from '../../wire/index.js';
import { streamBlocks } from '../sse.js';
import {
  errorResponses,
  type GroupParams,
  groupParams,
  type RouteContext,
  uintParam,
  uintString,
} from './context.js';

const eventsSchema = {
  summary: 'Server-Sent Events stream of committed blocks',
  description:
    'Replays committed blocks from `from` (or from the height after `Last-Event-ID`), then streams new ones. ' +
    'Each message is `event: block`, `id: <height>`, `data: <BlockEventView JSON>`. Without `from` only new blocks are sent. ' +
    'A client that does not read is dropped once the node’s stream queue limit is reached (resume with Last-Event-ID); ' +
    'beyond the node’s stream cap the answer is 503 API_TOO_MANY_STREAMS with Retry-After.',
  tags: ['blocks'],
  params: groupParams,
  querystring: T.Object(
    { from: T.Optional(uintString('First height to send (replayed from storage)')) },
    { additionalProperties: false },
  ),
  headers: T.Object({
    'last-event-id': T.Optional(uintString('Height of the last block received; resumes after it')),
  }),
  response: {
    200: {
      description: 'text/event-stream',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
    ...errorResponses,
  },
};

export const eventRoutes: FastifyPluginAsync<RouteContext> = async (api, { node, life, limits }) => {
  api.get<{ Params: GroupParams; Querystring: { from?: string }; Headers: { 'last-event-id'?: string } }>(
    '/v1/groups/:group/events',
    { schema: eventsSchema },
    async (req, reply) => {
      const g = node.group(req.params.group);
      const lastId = req.headers['last-event-id'];
      const max = Number.MAX_SAFE_INTEGER - 1;
      const from =
        typeof lastId === 'string' && lastId !== ''
          ? uintParam(lastId, 'Last-Event-ID', 0, max, 0) + 1
          : uintParam(req.query.from, 'from', 0, max, g.latest.height + 1);
      // Each stream holds a socket and up to streamQueueBytes: their number is capped (all groups).
      if (life.streams.size >= limits.maxStreams) {
        throw new GongzhiError('API_TOO_MANY_STREAMS', 'this node serves its most event streams', {
          max: limits.maxStreams,
          retryAfterMs: 5000,
        });
      }
      reply.hijack();
      const stream = streamBlocks(
        g,
        from,
        reply.raw,
        () => {
          life.streams.delete(stream);
        },
        { queueBytes: limits.streamQueueBytes },
      );
      life.streams.add(stream);
    },
  );
};
