/**
 * HTTP client of a Gongzhi node. Browser-safe: global `fetch` (or an injected one), no Node APIs.
 * Server errors are rethrown as GongzhiError with the server's code (SDK_HTTP when unknown).
 */
// bytes.js, not the encoding index: the CBOR codec is the transaction builder's, loaded with it.
import { fromHex, toBase64Url, toHex } from '../encoding/bytes.js';
import type { CborValue } from '../encoding/index.js';
import {
  type ErrorCode,
  type ErrorDetails,
  GongzhiError,
  isGongzhiError,
  looksLikeErrorCode,
} from '../errors/index.js';
import type {
  BatchResultEntry,
  BlockEventView,
  BlockHeaderResponse,
  BlockListResponse,
  BlockResponse,
  BlockTxsResponse,
  GroupsResponse,
  HealthResponse,
  JsonValue,
  ModulesResponse,
  NodeInfoResponse,
  SubmitResponse,
  TxBodyListResponse,
  TxIndexEntry,
  TxListResponse,
  TxReceiptResponse,
  TxResponse,
} from '../wire/index.js';
import type { EvidenceAlg, EvidenceCertificate, EvidenceMeta, EvidenceRecordJson } from './evidence/types.js';
import { isStaleSocketError } from './stale-socket.js';
import type { CryptoSuite, SuiteId } from './suite.js';

/**
 * The crypto suites and the transaction builder load on first use (a key, a signature, a hash),
 * not with the client: a browser page that only reads (the console's overview) never needs them.
 */
const getSuite = async (id: SuiteId): Promise<CryptoSuite> => (await import('./suite.js')).getSuite(id);

type FetchFn = typeof fetch;

export interface ClientOptions {
  /** Base URL of the node, e.g. `http://127.0.0.1:8545`. */
  readonly url: string;
  /** fetch implementation (default: the global one). */
  readonly fetch?: FetchFn;
  /** Default signing key of the typed helpers (`governance.*`, `evidence.*`, `send`). */
  readonly secretKey?: Uint8Array;
  /** Extra headers sent with every request (e.g. authorization added by a proxy). */
  readonly headers?: Readonly<Record<string, string>>;
  /** `validUntil` of built transactions = latest height + this (default 100). */
  readonly validityBlocks?: number;
}

export interface SubmitOptions {
  /** 'commit': answer once the transaction is in a block (with its receipt). */
  readonly wait?: 'commit';
  /** Server-side wait limit (ms, default 30000). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Options of the build + sign + submit helpers. */
export interface SendOptions {
  /** Signing key (default: the client's `secretKey`). */
  readonly secretKey?: Uint8Array;
  readonly nonce?: string;
  readonly validUntil?: number;
  /** 'commit' (default) waits for the block; 'none' returns once admitted. */
  readonly wait?: 'commit' | 'none';
  readonly timeoutMs?: number;
  /** When the receipt of a committed transaction failed, throw its code (default true). */
  readonly throwOnFailure?: boolean;
}

export interface SubscribeOptions {
  /** First height to receive (committed blocks are replayed); default: only new blocks. */
  readonly from?: number;
  /** Called for connection errors (the subscription reconnects) and handler errors. */
  readonly onError?: (e: GongzhiError) => void;
  /** Base reconnect delay (ms, default 500, doubling up to 30 s). */
  readonly reconnectMs?: number;
}

/** A committee action (see the governance module). */
export type GovActionInput =
  | {
      type: 'addOrg';
      org: { id: string; name: string; admins: string[]; nodes: { id: string; publicKey: string }[] };
    }
  | { type: 'removeOrg'; id: string }
  | { type: 'setMember'; account: string; weight: number }
  | { type: 'setThreshold'; threshold: number }
  | { type: 'grantRole' | 'revokeRole'; account: string; role: string }
  | { type: 'setPermission'; method: string; roles: string[] }
  | { type: 'setParam'; name: string; value: number }
  | { type: 'freeze' | 'unfreeze'; account: string };

/** Arguments of `evidence.anchor`. */
export interface AnchorInput {
  /** 32-byte digest (bytes or hex): a file digest, or a batch root with `batch`. */
  readonly digest: Uint8Array | string;
  /** Default: the hash of the chain's suite (sha256, or sm3 for sm2 chains). */
  readonly alg?: EvidenceAlg;
  readonly meta: EvidenceMeta;
  readonly batch?: { readonly count: number };
}

type QueryArg = string | number | boolean | bigint;

const TRANSIENT: readonly string[] = [
  'MEMPOOL_FULL',
  'NODE_SHUTTING_DOWN',
  'NODE_TIMEOUT',
  'SDK_HTTP',
  'API_INTERNAL',
];

function digestBytes(d: Uint8Array | string): Uint8Array {
  const b = typeof d === 'string' ? fromHex(d.toLowerCase()) : d;
  if (b.length !== 32)
    throw new GongzhiError('EVIDENCE_BAD_DIGEST', 'digest must be 32 bytes', { length: b.length });
  return b;
}

function sanitizeDetails(v: unknown): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = x;
  }
  return out;
}

/** Turn an HTTP error answer into a GongzhiError. */
export function errorFromResponse(status: number, text: string): GongzhiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  const details: ErrorDetails = { ...sanitizeDetails(err?.details), status };
  if (err && typeof err.code === 'string' && looksLikeErrorCode(err.code)) {
    return new GongzhiError(err.code, typeof err.message === 'string' ? err.message : err.code, details);
  }
  const message = err && typeof err.message === 'string' ? err.message : `HTTP ${status}`;
  return new GongzhiError('SDK_HTTP', message, {
    ...details,
    ...(err && typeof err.code === 'string' ? { serverCode: err.code } : {}),
  });
}

/** One parsed SSE message. */
interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** Read an SSE byte stream, calling `dispatch` per message. Resolves when the stream ends. */
async function readSse(body: ReadableStream<Uint8Array>, dispatch: (m: SseMessage) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  const line = (l: string) => {
    if (l === '') {
      if (data.length > 0)
        dispatch({ ...(id === undefined ? {} : { id }), event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\u0000')) id = value;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl = buf.search(/\r\n|\r|\n/);
      while (nl >= 0) {
        const sepLen = buf.startsWith('\r\n', nl) ? 2 : 1;
        // A lone trailing \r may be the first half of \r\n: wait for more input.
        if (buf[nl] === '\r' && sepLen === 1 && nl === buf.length - 1) break;
        line(buf.slice(0, nl));
        buf = buf.slice(nl + sepLen);
        nl = buf.search(/\r\n|\r|\n/);
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** What a verifier asks of a presentation (the body's `policy` of the credential verify route). */
export interface PresentationPolicy {
  /** Claims the holder must disclose. */
  readonly disclose: readonly string[];
  /** The verifier's challenge, bound into the key-binding JWT. */
  readonly nonce: string;
  /** The verifier's identifier (the KB-JWT audience). */
  readonly aud: string;
  /** Issuer category the issuer must be recognised for. */
  readonly category?: string;
  readonly schemaId?: number;
  readonly requireAnchor?: boolean;
  readonly statusVia?: 'ledger' | 'published';
}

/** Client of one node's HTTP API. */
export class GongzhiClient {
  readonly url: string;
  private readonly fetchFn: FetchFn;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly secretKey: Uint8Array | undefined;
  private readonly validityBlocks: number;
  private info: Promise<NodeInfoResponse> | undefined;

  /** Committee proposals and votes. */
  readonly governance = {
    /** Propose an action (the proposer's vote counts as approval). */
    propose: (group: string, action: GovActionInput, opts?: SendOptions) =>
      this.send(group, 'governance', 'propose', { action: { ...action } }, opts),
    vote: (group: string, id: number, approve: boolean, opts?: SendOptions) =>
      this.send(group, 'governance', 'vote', { id, approve }, opts),
    proposal: (group: string, id: number) => this.query(group, 'governance', 'proposal', { id }),
    proposals: (group: string) => this.query(group, 'governance', 'proposals'),
  };

  /** Evidence notarisation. */
  readonly evidence = {
    anchor: async (group: string, a: AnchorInput, opts?: SendOptions) => {
      const alg = a.alg ?? (await this.suite()).hashName;
      const meta: Record<string, CborValue> = {
        type: a.meta.type,
        capturedBy: a.meta.capturedBy,
        capturedAt: a.meta.capturedAt,
        method: a.meta.method,
        ...(a.meta.ref === undefined ? {} : { ref: a.meta.ref }),
      };
      const args: Record<string, CborValue> = { digest: digestBytes(a.digest), alg, meta };
      if (a.batch !== undefined) args.batch = { count: a.batch.count };
      return this.send(group, 'evidence', 'anchor', args, opts);
    },
    cosign: (group: string, digest: Uint8Array | string, opts?: SendOptions) =>
      this.send(group, 'evidence', 'cosign', { digest: digestBytes(digest) }, opts),
    note: (group: string, digest: Uint8Array | string, text: string, opts?: SendOptions) =>
      this.send(group, 'evidence', 'note', { digest: digestBytes(digest), text }, opts),
    revoke: (group: string, digest: Uint8Array | string, reason: string, opts?: SendOptions) =>
      this.send(group, 'evidence', 'revoke', { digest: digestBytes(digest), reason }, opts),
    get: (group: string, digest: Uint8Array | string) =>
      this.query<EvidenceRecordJson>(group, 'evidence', 'get', { digest: toHex(digestBytes(digest)) }),
    certificate: (group: string, digest: Uint8Array | string) =>
      this.evidenceCertificate(group, toHex(digestBytes(digest))),
  };

  constructor(opts: ClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    const f = opts.fetch;
    if (f === undefined && typeof globalThis.fetch !== 'function') {
      throw new GongzhiError('CONFIG_INVALID', 'no fetch implementation available');
    }
    // Called as plain functions: a browser's fetch throws when invoked as a method of another object.
    this.fetchFn = f ? (input, init) => f(input, init) : (input, init) => globalThis.fetch(input, init);
    this.headers = opts.headers ?? {};
    this.secretKey = opts.secretKey;
    this.validityBlocks = opts.validityBlocks ?? 100;
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    o: {
      query?: Readonly<Record<string, QueryArg | undefined>>;
      json?: unknown;
      signal?: AbortSignal | undefined;
      text?: boolean;
    } = {},
  ): Promise<T> {
    let url = `${this.url}${path}`;
    if (o.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(o.query)) if (v !== undefined) q.set(k, String(v));
      const s = q.toString();
      if (s !== '') url += `?${s}`;
    }
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    const init: RequestInit = { method, headers };
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(o.json);
    }
    if (o.signal) init.signal = o.signal;
    let res: Response;
    let text: string;
    try {
      try {
        res = await this.fetchFn(url, init);
        text = await res.text();
      } catch (e) {
        // A GET changes nothing, so once, on a new connection, when the pooled one was stale.
        if (method !== 'GET' || o.signal?.aborted || !isStaleSocketError(e)) throw e;
        res = await this.fetchFn(url, init);
        text = await res.text();
      }
    } catch (e) {
      throw new GongzhiError(
        'SDK_HTTP',
        `request to ${method} ${path} failed: ${(e as Error).message}`,
        { path },
        { cause: e },
      );
    }
    if (!res.ok) throw errorFromResponse(res.status, text);
    if (o.text) return text as T;
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new GongzhiError(
        'SDK_HTTP',
        'node answered with invalid JSON',
        { path, status: res.status },
        { cause: e },
      );
    }
  }

  private groupPath(group: string, rest = ''): string {
    return `/v1/groups/${encodeURIComponent(group)}${rest}`;
  }

  /** Node identity, chain, suite and groups. */
  node(): Promise<NodeInfoResponse> {
    return this.request('GET', '/v1/node');
  }

  /** Node info, fetched once. */
  private chainInfo(): Promise<NodeInfoResponse> {
    this.info ??= this.node().catch((e: unknown) => {
      this.info = undefined;
      throw e;
    });
    return this.info;
  }

  /** The chain's crypto suite (from the node, fetched once). */
  async suite(): Promise<CryptoSuite> {
    return await getSuite((await this.chainInfo()).suite);
  }

  health(): Promise<HealthResponse> {
    return this.request('GET', '/health');
  }

  /** Prometheus metrics text. */
  metrics(): Promise<string> {
    return this.request('GET', '/metrics', { text: true });
  }

  /** The node's OpenAPI document. */
  openapi(): Promise<Record<string, JsonValue>> {
    return this.request('GET', '/openapi.json');
  }

  async groups(): Promise<GroupsResponse['groups']> {
    return (await this.request<GroupsResponse>('GET', '/v1/groups')).groups;
  }

  /** Submit one signed transaction (canonical CBOR bytes). */
  submit(group: string, bytes: Uint8Array, opts: SubmitOptions = {}): Promise<SubmitResponse> {
    return this.request('POST', this.groupPath(group, '/txs'), {
      query: { wait: opts.wait, timeoutMs: opts.timeoutMs },
      json: { tx: toBase64Url(bytes) },
      signal: opts.signal,
    });
  }

  /** Submit up to 10,000 transactions; `results[i]` answers `txs[i]`. */
  async submitBatch(
    group: string,
    txs: readonly Uint8Array[],
    opts: SubmitOptions = {},
  ): Promise<BatchResultEntry[]> {
    const r = await this.request<{ results: BatchResultEntry[] }>(
      'POST',
      this.groupPath(group, '/txs/batch'),
      {
        query: { wait: opts.wait, timeoutMs: opts.timeoutMs },
        json: { txs: txs.map(toBase64Url) },
        signal: opts.signal,
      },
    );
    return r.results;
  }

  /** A transaction with receipt and inclusion proofs (see `verifyTxInclusion`). */
  tx(group: string, hash: string): Promise<TxResponse> {
    return this.request('GET', this.groupPath(group, `/txs/${encodeURIComponent(hash.toLowerCase())}`));
  }

  /** A transaction with its receipt, without proofs: the node reads its row only. */
  txReceipt(group: string, hash: string): Promise<TxReceiptResponse> {
    return this.request(
      'GET',
      this.groupPath(group, `/txs/${encodeURIComponent(hash.toLowerCase())}/receipt`),
    );
  }

  /** Committed transactions of a sender address or a module, newest first. */
  async txs(
    group: string,
    by:
      | { sender: string; limit?: number; before?: number; beforeIndex?: number }
      | { module: string; limit?: number; before?: number; beforeIndex?: number },
  ): Promise<TxIndexEntry[]> {
    return (await this.txPage(group, by)).txs;
  }

  /**
   * A page of a sender's or a module's transactions, newest first, with the cursor of the next
   * page (`next`: pass its `before` and `beforeIndex`) when this one is full. With `subject`, only
   * the module's transactions about it (its methods' subject, e.g. an election id), read from the
   * node's (module, subject) index.
   */
  txPage(
    group: string,
    by:
      | { sender: string; limit?: number; before?: number; beforeIndex?: number }
      | { module: string; subject?: string; limit?: number; before?: number; beforeIndex?: number },
  ): Promise<TxListResponse> {
    const query = 'sender' in by ? { sender: by.sender } : { module: by.module, subject: by.subject };
    return this.request<TxListResponse>('GET', this.groupPath(group, '/txs'), {
      query: { ...query, limit: by.limit, before: by.before, beforeIndex: by.beforeIndex },
    });
  }

  /**
   * As `txPage`, each entry with its decoded body and receipt (GET …/txs/bodies): one request a
   * page of up to 100 transactions, where `txReceipt` per entry would make one each.
   */
  txBodyPage(
    group: string,
    by:
      | { sender: string; limit?: number; before?: number; beforeIndex?: number }
      | { module: string; subject?: string; limit?: number; before?: number; beforeIndex?: number },
  ): Promise<TxBodyListResponse> {
    const query = 'sender' in by ? { sender: by.sender } : { module: by.module, subject: by.subject };
    return this.request<TxBodyListResponse>('GET', this.groupPath(group, '/txs/bodies'), {
      query: { ...query, limit: by.limit, before: by.before, beforeIndex: by.beforeIndex },
    });
  }

  /** A block by height, hash (hex) or 'latest'. */
  block(group: string, id: number | string = 'latest'): Promise<BlockResponse> {
    return this.request('GET', this.groupPath(group, `/blocks/${encodeURIComponent(String(id))}`));
  }

  /** A page of block headers (no transaction lists), newest first, at or below `before`. */
  async blocks(
    group: string,
    page: { before?: number; limit?: number } = {},
  ): Promise<BlockHeaderResponse[]> {
    const r = await this.request<BlockListResponse>('GET', this.groupPath(group, '/blocks'), {
      query: { before: page.before, limit: page.limit },
    });
    return r.blocks;
  }

  /** A block's header by height or hash, without its transaction list. */
  blockHeader(group: string, id: number | string): Promise<BlockHeaderResponse> {
    return this.request('GET', this.groupPath(group, `/blocks/${encodeURIComponent(String(id))}/header`));
  }

  /** A page of a block's transactions in block order (`next` continues, null after the last). */
  blockTxs(
    group: string,
    id: number | string,
    page: { from?: number; limit?: number } = {},
  ): Promise<BlockTxsResponse> {
    return this.request('GET', this.groupPath(group, `/blocks/${encodeURIComponent(String(id))}/txs`), {
      query: { from: page.from, limit: page.limit },
    });
  }

  /** The modules a group runs: methods (argument schemas, default roles) and queries (parameter and result schemas). */
  modules(group: string): Promise<ModulesResponse> {
    return this.request('GET', this.groupPath(group, '/modules'));
  }

  /** Run a module query; resolves to its result. */
  async query<T = JsonValue>(
    group: string,
    module: string,
    name: string,
    args: Readonly<Record<string, QueryArg>> = {},
  ): Promise<T> {
    const r = await this.request<{ result: T }>(
      'GET',
      this.groupPath(group, `/query/${encodeURIComponent(module)}/${encodeURIComponent(name)}`),
      { query: args },
    );
    return r.result;
  }

  /**
   * Verify an SD-JWT VC presentation or a VC-JWT against the group's ledger under a verifier
   * policy (POST /v1/groups/{group}/credentials/verify); answers the verification result
   * (`valid`, `checks`, `errors`) whether or not the credential is valid.
   */
  verifyPresentation(
    group: string,
    presentation: string,
    policy: PresentationPolicy,
  ): Promise<
    {
      valid: boolean;
      checks: { name: string; ok: boolean; detail: string; code?: string }[];
      errors: string[];
    } & Record<string, JsonValue>
  > {
    return this.request('POST', this.groupPath(group, '/credentials/verify'), {
      json: { presentation, policy },
    });
  }

  /** The evidence certificate of an anchored digest (verify with `verifyCertificate`). */
  evidenceCertificate(group: string, digestHex: string): Promise<EvidenceCertificate> {
    return this.request(
      'GET',
      this.groupPath(group, `/evidence/${encodeURIComponent(digestHex.toLowerCase())}/certificate`),
    );
  }

  /**
   * Build, sign and submit a call; by default waits for the commit and throws the receipt's
   * error code when execution failed.
   */
  async send(
    group: string,
    module: string,
    method: string,
    args: { readonly [key: string]: CborValue },
    opts: SendOptions = {},
  ): Promise<SubmitResponse> {
    const secretKey = opts.secretKey ?? this.secretKey;
    if (secretKey === undefined)
      throw new GongzhiError('CONFIG_INVALID', 'a signing key is required (secretKey)');
    const info = await this.chainInfo();
    const validUntil = opts.validUntil ?? (await this.block(group, 'latest')).height + this.validityBlocks;
    const { buildTx } = await import('./tx-builder.js');
    const tx = buildTx({
      suite: await getSuite(info.suite),
      secretKey,
      chain: info.chain,
      group,
      module,
      method,
      args,
      validUntil,
      ...(opts.nonce === undefined ? {} : { nonce: opts.nonce }),
    });
    const wait = opts.wait ?? 'commit';
    const r = await this.submit(group, tx.bytes, {
      ...(wait === 'commit' ? { wait } : {}),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    });
    const status = r.receipt?.status;
    if (status !== undefined && status !== 'ok' && opts.throwOnFailure !== false) {
      const code: ErrorCode = looksLikeErrorCode(status) ? status : 'EXEC_INTERNAL';
      throw new GongzhiError(code, r.receipt?.message ?? status, {
        hash: r.hash,
        ...(r.height === undefined ? {} : { height: r.height }),
      });
    }
    return r;
  }

  /**
   * Receive committed blocks as Server-Sent Events (fetch streaming; Node 20 and browsers).
   * Replays from `from` when given, then streams new blocks; reconnects with `Last-Event-ID`
   * after a dropped connection. Returns a function that ends the subscription.
   */
  subscribe(group: string, opts: SubscribeOptions, onEvent: (e: BlockEventView) => void): () => void {
    const ctrl = new AbortController();
    let closed = false;
    let lastId: number | undefined;
    const url = `${this.url}${this.groupPath(group, '/events')}`;
    const report = (e: unknown) => {
      if (closed) return;
      const err = isGongzhiError(e)
        ? e
        : new GongzhiError(
            'SDK_HTTP',
            `event stream failed: ${(e as Error)?.message ?? String(e)}`,
            {},
            { cause: e },
          );
      opts.onError?.(err);
      return err;
    };
    const run = async () => {
      let attempt = 0;
      while (!closed) {
        try {
          const headers: Record<string, string> = { accept: 'text/event-stream', ...this.headers };
          let target = url;
          if (lastId !== undefined) headers['last-event-id'] = String(lastId);
          else if (opts.from !== undefined) target += `?from=${opts.from}`;
          const res = await this.fetchFn(target, { headers, signal: ctrl.signal });
          if (!res.ok) throw errorFromResponse(res.status, await res.text());
          if (!res.body) throw new GongzhiError('SDK_HTTP', 'event stream has no body');
          attempt = 0;
          await readSse(res.body, (m) => {
            if (closed) return;
            if (m.id !== undefined && /^[0-9]+$/.test(m.id)) lastId = Number(m.id);
            if (m.event !== 'block') return;
            try {
              onEvent(JSON.parse(m.data) as BlockEventView);
            } catch (e) {
              report(e);
            }
          });
        } catch (e) {
          if (closed) return;
          const err = report(e);
          // A client error (unknown group, bad parameters) will not get better by retrying.
          if (err && !TRANSIENT.includes(err.code) && typeof err.details.status === 'number') {
            closed = true;
            return;
          }
        }
        if (closed) return;
        await sleep(Math.min(30_000, (opts.reconnectMs ?? 500) * 2 ** attempt++), ctrl.signal);
      }
    };
    void run();
    return () => {
      closed = true;
      ctrl.abort();
    };
  }
}
