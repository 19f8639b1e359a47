/**
 * The console's one connection to the node: the project's own SDK client (GongzhiClient) on the
 * page's origin. The node answers errors as `{error: {code, message, hint}}`; the SDK keeps the
 * code but a browser has not loaded the modules' code tables, so the hint the node sent (in English
 * and Chinese) is kept here, by code, to show next to the code in the chosen language.
 */
// The SDK's client and error files, not the SDK's index: the index brings every part of the SDK
// (signing, credentials, proofs) into the first download, which needs only the client and the
// hints. Types still come from the index (erased from the bundle).
import { GongzhiClient } from '../../src/sdk/client.js';
import { type HintLang, hintFor, isGongzhiError } from '../../src/sdk/errors.js';
import type { HealthResponse } from '../../src/sdk/index.js';

const serverHints = new Map<string, { readonly hint: string; readonly hintZh?: string }>();
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
      const body = (await res.clone().json()) as {
        error?: { code?: unknown; hint?: unknown; hintZh?: unknown };
      };
      const e = body.error;
      if (typeof e?.code === 'string' && typeof e.hint === 'string' && e.hint !== '') {
        serverHints.set(e.code, {
          hint: e.hint,
          ...(typeof e.hintZh === 'string' && e.hintZh !== '' ? { hintZh: e.hintZh } : {}),
        });
      }
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
  /** What to do, in English. */
  readonly hint: string;
  /** The same in Chinese, when the one message table has it. */
  readonly hintZh?: string;
}

/**
 * The hint of a code in `lang`: what the node sent with it, else the SDK's table (its Chinese
 * hints cover the modules' codes too; its English ones only the core codes, the browser not
 * having loaded the modules).
 */
export function codeHint(code: string, lang: HintLang): string {
  const sent = serverHints.get(code);
  const en = sent?.hint || hintFor(code);
  return lang === 'zh-CN' ? sent?.hintZh || HINTS_ZH_OF(code) || en : en;
}

const HINTS_ZH_OF = (code: string): string => {
  const zh = hintFor(code, 'zh-CN');
  return zh === hintFor(code) ? '' : zh;
};

export function errorInfo(e: unknown): ErrorInfo {
  if (isGongzhiError(e)) {
    const zh = codeHint(e.code, 'zh-CN');
    const en = serverHints.get(e.code)?.hint ?? (e.hint || hintFor(e.code));
    return { code: e.code, message: e.message, hint: en, ...(zh !== '' && zh !== en ? { hintZh: zh } : {}) };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'CONSOLE_ERROR', message, hint: '' };
}

/** The hint of a failure to show in `lang`. */
export function hintOf(info: ErrorInfo, lang: HintLang): string {
  return lang === 'zh-CN' && info.hintZh !== undefined ? info.hintZh : info.hint;
}
