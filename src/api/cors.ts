/**
 * Cross-origin access for the origins named in the node config (`api.corsOrigins`), and for no
 * one else: a request whose `Origin` is on the list gets `Access-Control-Allow-Origin` with that
 * origin (never `*`, no credentials — the API has no cookies), and its preflight (OPTIONS) is
 * answered 204 here. Any other origin gets no CORS header, so the browser keeps the answer from
 * the page, and its preflight falls through to the API's 404 as before.
 */
import type { FastifyInstance } from 'fastify';

const ALLOW_METHODS = 'GET, POST';
const ALLOW_HEADERS = 'accept, content-type, last-event-id';
/** Headers a page may read besides the simple ones. */
const EXPOSE_HEADERS = 'retry-after';
const PREFLIGHT_MAX_AGE_S = '600';

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin.toLowerCase())) return;
    reply
      .header('access-control-allow-origin', origin)
      .header('vary', 'origin')
      .header('access-control-expose-headers', EXPOSE_HEADERS);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      return reply
        .code(204)
        .header('access-control-allow-methods', ALLOW_METHODS)
        .header('access-control-allow-headers', ALLOW_HEADERS)
        .header('access-control-max-age', PREFLIGHT_MAX_AGE_S)
        .send();
    }
  });
}
