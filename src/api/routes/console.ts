/**
 * The web console (console/, built by `npm run build` into dist/console) served at `/` of the
 * node. The built files are read and gzipped once, when the plugin is registered, and looked up
 * by exact path — no path is ever joined onto the file system from a request. Hashed assets are
 * cached for a year, index.html never (a new build is picked up on reload). Any other GET that
 * asks for HTML and is not under /v1/ answers index.html (the console's own routes, e.g.
 * /explorer/tx/<hash>, open directly); API routes are exact and so always win over this
 * wildcard, and a non-HTML request to an unknown path still gets the API's 404 (API_NOT_FOUND).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { GongzhiError } from '../../errors/index.js';
import { T } from '../../wire/index.js';
import { errorResponses, type RouteContext } from './context.js';

/** dist/console of this package: src/api/routes and dist/api/routes are both three levels deep. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../dist/console', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Smaller bodies are sent as they are: gzip would not pay for its header. */
const GZIP_MIN_BYTES = 1024;

/**
 * The page may load only its own scripts and styles and talk only to this node; QR codes are
 * data: images. No framing (clickjacking of a page that may one day sign).
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip?: Buffer;
  readonly immutable: boolean;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Every built file by its URL path ('/index.html', '/assets/index-….js'). */
export function loadConsoleAssets(dir: string = CONSOLE_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(join(dir, 'index.html'))) return assets;
  for (const file of walk(dir)) {
    const url = `/${relative(dir, file).split(sep).join('/')}`;
    const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const body = readFileSync(file);
    const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length >= GZIP_MIN_BYTES;
    assets.set(url, {
      type,
      body,
      ...(compressible ? { gzip: gzipSync(body, { level: 9 }) } : {}),
      immutable: url.startsWith('/assets/'),
    });
  }
  return assets;
}

function send(req: FastifyRequest, reply: FastifyReply, a: Asset): FastifyReply {
  reply
    .type(a.type)
    .header('cache-control', a.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('vary', 'accept-encoding');
  if (a.type.startsWith('text/html')) {
    reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY');
  }
  const accepts = String(req.headers['accept-encoding'] ?? '');
  if (a.gzip !== undefined && /\bgzip\b/.test(accepts)) {
    return reply.header('content-encoding', 'gzip').send(a.gzip);
  }
  return reply.send(a.body);
}

function notFound(req: FastifyRequest): GongzhiError {
  return new GongzhiError(
    'API_NOT_FOUND',
    `no route ${req.method} ${req.url.split('?')[0]?.slice(0, 200) ?? ''}`,
  );
}

const consoleSchema = {
  summary: 'The web console (HTML page; its own paths, e.g. /explorer, answer the same page)',
  tags: ['node'],
  produces: ['text/html'],
  response: { 200: T.String({ description: 'HTML page' }), ...errorResponses },
};

export const consoleRoutes: FastifyPluginAsync<RouteContext> = async (api) => {
  const assets = loadConsoleAssets();
  const index = assets.get('/index.html');

  api.get('/', { schema: consoleSchema }, async (req, reply) => {
    if (index === undefined) {
      throw new GongzhiError('API_NOT_FOUND', 'the web console is not built: run `npm run build`', {
        dir: CONSOLE_DIR,
      });
    }
    return send(req, reply, index);
  });

  // Not in OpenAPI: a fallback, not a resource.
  api.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const asset = assets.get(path);
    if (asset !== undefined) return send(req, reply, asset);
    const wantsHtml = String(req.headers.accept ?? '').includes('text/html');
    if (index === undefined || path.startsWith('/v1/') || extname(path) !== '' || !wantsHtml) {
      throw notFound(req);
    }
    return send(req, reply, index);
  });
};
