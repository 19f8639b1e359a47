/**
 * Whether a failed fetch is the keep-alive race: the request went out on a pooled connection the
 * server had already closed as idle. It happens when the client's event loop is held longer than
 * the server's keep-alive (a long synchronous task, such as signing a large batch): the pool's own
 * idle timer cannot run, so the pool still offers the socket. HTTP leaves this race to the client
 * (RFC 9112 §9.3.1: an idempotent request may be retried on a new connection); Node's fetch
 * (undici) reports it as ECONNRESET, EPIPE or UND_ERR_SOCKET ("other side closed") in the cause
 * chain. A browser's fetch retries this itself and gives no codes, so there this is never true.
 */
const STALE_SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** True if `e` (or an error it was caused by, a few levels down) carries a stale-socket code. */
export function isStaleSocketError(e: unknown): boolean {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && typeof cur === 'object' && cur !== null; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && STALE_SOCKET_CODES.has(code)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
