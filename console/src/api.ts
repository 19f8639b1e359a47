/**
 * The console's one connection to the node: the project's own SDK client (GongzhiClient) on the
 * page's origin. The node answers errors as `{error: {code, message, hint}}`; the SDK keeps the
 * code but a browser has not loaded the modules' code tables, so the hint the node sent is kept
 * here (by code) to show next to the code.
 */
import { GongzhiClient, type HealthResponse, hintFor, isGongzhiError } from '../../src/sdk/index.js';

const serverHints = new Map<string, string>();
/** The body of the last 503 answer of /health: a halted or closing node still reports its groups. */
let unhealthy: HealthResponse | undefined;

/** fetch that remembers the hint of every error answer before the SDK reads it. */
const rememberingFetch: typeof fetch = async (input, init) => {
  const res = await globalThis.fetch(input, init);
  if (res.status === 503 && String(input).endsWith('/health')) {
    unhealthy = (await res
      .clone()
      .json()
      .catch(() => undefined)) as HealthResponse | undefined;
  }
  if (!res.ok && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      const body = (await res.clone().json()) as { error?: { code?: unknown; hint?: unknown } };
      const e = body.error;
      if (typeof e?.code === 'string' && typeof e.hint === 'string' && e.hint !== '')
        serverHints.set(e.code, e.hint);
    } catch {
      // Not JSON after all: the SDK reports it (SDK_HTTP).
    }
  }
  return res;
};

export const client = new GongzhiClient({ url: globalThis.location.origin, fetch: rememberingFetch });

/**
 * /health, also when the node answers 503 (a halted group, or shutting down): the SDK throws on
 * any non-2xx answer, but that body is the report the overview must show (which group halted, why).
 */
export async function nodeHealth(): Promise<HealthResponse> {
  unhealthy = undefined;
  try {
    return await client.health();
  } catch (e) {
    const body = unhealthy as HealthResponse | undefined;
    if (isGongzhiError(e) && e.details.status === 503 && body !== undefined && Array.isArray(body.groups)) {
      return body;
    }
    throw e;
  }
}

/** What the console shows of a failure: the stable code, the message, and what to do. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

export function errorInfo(e: unknown): ErrorInfo {
  if (isGongzhiError(e)) {
    return { code: e.code, message: e.message, hint: serverHints.get(e.code) ?? (e.hint || hintFor(e.code)) };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'CONSOLE_ERROR', message, hint: '' };
}
