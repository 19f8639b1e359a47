/**
 * The batch body `{"txs": ["<base64url>", …]}`, read as it arrives by a scanner that knows that one
 * shape. JSON.parse of an arbitrary body was the attack: a 48 MB `[[[…]]]` took seconds of one
 * thread (every commit waited) and gigabytes of memory before any depth or count check. Here the
 * first byte that cannot belong to the shape refuses the request (a nested array at byte 9), the
 * entry count and the byte count are checked as they grow, an entry longer than any transaction
 * can be is not kept, and each chunk is scanned as it comes, so the event loop serves commits
 * between chunks. The scanner is synchronous and pure (bytes in, entries out); the Fastify parser
 * around it is at the end.
 */
import type { IncomingMessage } from 'node:http';
import { GongzhiError } from '../errors/index.js';

/** Limits of one batch body. */
export interface BatchBodyLimits {
  /** Most bytes of the whole body. */
  readonly maxBytes: number;
  /** Most entries in `txs`. */
  readonly maxEntries: number;
  /** Most characters of one entry as sent; a longer entry is reported, not kept. */
  readonly maxEntryChars: number;
}

/** The scanned body: entries in order; `oversized` holds the indices of entries too long to keep (kept as ''). */
export interface ScannedBatch {
  readonly txs: string[];
  readonly oversized: ReadonlySet<number>;
}

/** Scanner states: where in `{"txs": ["…", …]}` the next byte is. */
const St = {
  Start: 0,
  ObjOpen: 1,
  Key: 2,
  AfterKey: 3,
  BeforeArray: 4,
  ArrayOpen: 5,
  Entry: 6,
  Escape: 7,
  AfterEntry: 8,
  AfterComma: 9,
  AfterArray: 10,
  End: 11,
} as const;
type State = (typeof St)[keyof typeof St];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function bad(message: string, at: number): GongzhiError {
  return new GongzhiError('API_BAD_REQUEST', message, { at });
}

/** Characters of the base64url text (no padding, as the SDK sends) of `bytes` bytes. */
export function base64UrlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/** Incremental scanner of one batch body; `push` each chunk, then `end`. Throws API_* errors. */
export class BatchBodyScanner {
  private st: State = St.Start;
  private offset = 0;
  private key = '';
  private readonly txs: string[] = [];
  private readonly oversized = new Set<number>();
  /** Pieces of the entry being read (copied: a chunk may be reused once `push` returns). */
  private pieces: Buffer[] = [];
  private chars = 0;
  private escaped = false;

  constructor(private readonly limits: BatchBodyLimits) {}

  /** Bytes scanned so far. */
  get bytes(): number {
    return this.offset;
  }

  push(chunk: Buffer): void {
    if (this.offset + chunk.length > this.limits.maxBytes) {
      throw new GongzhiError('API_BODY_TOO_LARGE', 'batch body is too large', { max: this.limits.maxBytes });
    }
    const n = chunk.length;
    let i = 0;
    // Next backslash at or after i in this chunk (-1: none); found once, not once per entry.
    let bs = chunk.indexOf(BACKSLASH);
    while (i < n) {
      const st = this.st;
      if (st === St.Entry) {
        if (bs !== -1 && bs < i) bs = chunk.indexOf(BACKSLASH, i);
        const q = chunk.indexOf(QUOTE, i);
        if (bs !== -1 && (q === -1 || bs < q)) {
          this.take(chunk, i, bs, true);
          this.escaped = true;
          this.st = St.Escape;
          i = bs + 1;
          continue;
        }
        if (q === -1) {
          this.take(chunk, i, n, true);
          i = n;
          break;
        }
        this.take(chunk, i, q, false);
        this.finishEntry(this.offset + q);
        this.st = St.AfterEntry;
        i = q + 1;
        continue;
      }
      const b = chunk[i] as number;
      const at = this.offset + i;
      i++;
      if (st === St.Escape) {
        // The escaped character is kept with its backslash; JSON.parse reads the pair at the end.
        this.chars += 2;
        if (this.chars <= this.limits.maxEntryChars) this.pieces.push(Buffer.from([BACKSLASH, b]));
        this.st = St.Entry;
        continue;
      }
      if (st === St.Key) {
        if (b === QUOTE) {
          if (this.key !== 'txs') throw bad('the batch body has one field, txs', at);
          this.st = St.AfterKey;
        } else if (this.key.length >= 3) {
          throw bad('the batch body has one field, txs', at);
        } else {
          this.key += String.fromCharCode(b);
        }
        continue;
      }
      if (isWs(b)) continue;
      switch (st) {
        case St.Start:
          if (b !== 0x7b) throw bad('the batch body must be a JSON object {"txs": [...]}', at);
          this.st = St.ObjOpen;
          break;
        case St.ObjOpen:
          if (b !== QUOTE) throw bad('the batch body must have the field txs', at);
          this.st = St.Key;
          break;
        case St.AfterKey:
          if (b !== 0x3a) throw bad('request body is not valid JSON', at);
          this.st = St.BeforeArray;
          break;
        case St.BeforeArray:
          if (b !== 0x5b) throw bad('txs must be an array of base64url strings', at);
          this.st = St.ArrayOpen;
          break;
        case St.ArrayOpen:
          if (b === 0x5d) this.st = St.AfterArray;
          else this.startEntry(b, at);
          break;
        case St.AfterEntry:
          if (b === 0x2c) this.st = St.AfterComma;
          else if (b === 0x5d) this.st = St.AfterArray;
          else throw bad('request body is not valid JSON', at);
          break;
        case St.AfterComma:
          this.startEntry(b, at);
          break;
        case St.AfterArray:
          if (b !== 0x7d) throw bad('the batch body has one field, txs', at);
          this.st = St.End;
          break;
        default:
          throw bad('request body is not valid JSON', at);
      }
    }
    this.offset += n;
  }

  end(): ScannedBatch {
    if (this.st !== St.End) {
      throw bad(
        this.offset === 0 ? 'the batch body is empty' : 'request body is not valid JSON',
        this.offset,
      );
    }
    return { txs: this.txs, oversized: this.oversized };
  }

  private startEntry(b: number, at: number): void {
    if (b !== QUOTE) {
      throw new GongzhiError('API_BAD_REQUEST', 'each txs entry must be a base64url string', {
        at,
        index: this.txs.length,
      });
    }
    if (this.txs.length >= this.limits.maxEntries) {
      throw new GongzhiError(
        'API_BAD_REQUEST',
        `a batch holds at most ${this.limits.maxEntries} transactions`,
        {
          at,
          max: this.limits.maxEntries,
        },
      );
    }
    this.pieces = [];
    this.chars = 0;
    this.escaped = false;
    this.st = St.Entry;
  }

  /** Keep chunk[from, to) of the current entry while it is within the entry limit. */
  private take(chunk: Buffer, from: number, to: number, copy: boolean): void {
    if (to <= from) return;
    this.chars += to - from;
    if (this.chars > this.limits.maxEntryChars) {
      this.pieces = [];
      return;
    }
    const part = chunk.subarray(from, to);
    this.pieces.push(copy ? Buffer.from(part) : part);
  }

  private finishEntry(at: number): void {
    const index = this.txs.length;
    if (this.chars > this.limits.maxEntryChars) {
      this.oversized.add(index);
      this.txs.push('');
    } else {
      const raw = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
      const text = raw.toString('utf8');
      if (!this.escaped) this.txs.push(text);
      else {
        try {
          this.txs.push(JSON.parse(`"${text}"`) as string);
        } catch {
          throw new GongzhiError('API_BAD_REQUEST', 'request body is not valid JSON', { at, index });
        }
      }
    }
    this.pieces = [];
  }
}

/** Oversized entries of a scanned batch request (the body itself holds '' for them). */
const oversizedOf = new WeakMap<IncomingMessage, ReadonlySet<number>>();

/** The indices of entries of this request's batch body too long to be a transaction. */
export function oversizedEntries(raw: IncomingMessage): ReadonlySet<number> {
  return oversizedOf.get(raw) ?? new Set();
}

/** Bytes of batch bodies being received, over every request (a shared budget). */
export class BatchBudget {
  private used = 0;
  constructor(readonly maxBytes: number) {}
  take(n: number): boolean {
    if (this.used + n > this.maxBytes) return false;
    this.used += n;
    return true;
  }
  give(n: number): void {
    this.used -= n;
  }
}

/**
 * Read a batch body from `payload` with `limits`, charging the bytes to `budget` while the body is
 * held. Refuses at once (the request is answered and its connection closed by Fastify) on the first
 * byte out of shape, past a limit, or when the budget is spent (API_BUSY).
 */
export function readBatchBody(
  raw: IncomingMessage,
  payload: NodeJS.ReadableStream,
  limits: BatchBodyLimits,
  budget: BatchBudget,
): Promise<{ txs: string[] }> {
  const declared = Number(raw.headers['content-length']);
  if (declared > limits.maxBytes) {
    return Promise.reject(
      new GongzhiError('API_BODY_TOO_LARGE', 'batch body is too large', { max: limits.maxBytes }),
    );
  }
  const scanner = new BatchBodyScanner(limits);
  return new Promise((resolve, reject) => {
    let charged = 0;
    let settled = false;
    const finish = (err: unknown, body?: { txs: string[] }) => {
      if (settled) return;
      settled = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      budget.give(charged);
      charged = 0;
      if (err !== undefined) {
        // Unread bytes are not buffered: the rest of the body is discarded until the socket closes.
        payload.resume();
        reject(err);
      } else resolve(body as { txs: string[] });
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (!budget.take(buf.length)) {
        finish(
          new GongzhiError('API_BUSY', 'the node is receiving too many large batches; retry shortly', {
            retryAfterMs: 1000,
          }),
        );
        return;
      }
      charged += buf.length;
      try {
        scanner.push(buf);
      } catch (e) {
        finish(e);
      }
    };
    const onEnd = () => {
      try {
        const { txs, oversized } = scanner.end();
        if (!Number.isNaN(declared) && scanner.bytes !== declared) {
          throw new GongzhiError('API_BAD_REQUEST', 'body length differs from Content-Length');
        }
        if (oversized.size > 0) oversizedOf.set(raw, oversized);
        finish(undefined, { txs });
      } catch (e) {
        finish(e);
      }
    };
    const onError = (e: Error) =>
      finish(new GongzhiError('API_BAD_REQUEST', 'the request body was cut off', { reason: e.message }));
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}
