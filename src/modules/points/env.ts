import { type CborValue, decodeCanonical, encodeCanonical } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { ExecContext } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { Books } from './books.js';
import { bookIdOf, keys, parseProgram, programValue, Rec } from './state.js';
import type { Program, RoleName } from './types.js';

/** A book as stored: the programs one clearing provider settles in one currency. */
export interface Book {
  readonly id: string;
  readonly clearing: string;
  readonly currency: string;
  readonly period: number;
  readonly openedHeight: number;
  readonly openedTs: number;
  readonly programs: readonly string[];
}

export function bookValue(b: Book): CborMap {
  return {
    id: b.id,
    clearing: b.clearing,
    currency: b.currency,
    period: b.period,
    openedHeight: b.openedHeight,
    openedTs: b.openedTs,
    programs: [...b.programs],
  };
}

export function parseBook(v: CborValue | undefined): Book {
  const r = Rec.of(v, 'book');
  return {
    id: r.str('id'),
    clearing: r.str('clearing'),
    currency: r.str('currency'),
    period: r.int('period'),
    openedHeight: r.int('openedHeight'),
    openedTs: r.int('openedTs'),
    programs: r.strs('programs'),
  };
}

/**
 * Decoded values by the exact bytes they were decoded from (or encoded to). Decoding is a pure
 * function of the bytes and the module never mutates a value it read or wrote, so sharing them is
 * safe and deterministic; entries go away with the bytes.
 */
const decoded = new WeakMap<Uint8Array, CborValue>();
const programs = new WeakMap<object, Program>();

/** Keys written once and rarely read back: not worth keeping decoded. */
const COLD = [
  'points/journal/',
  'points/claim/',
  'points/stmt/',
  'points/period/',
  'points/hwm/',
  'points/member/',
];

/**
 * One execution of an operation: reads go to the transaction's state (read-your-writes), writes
 * and events are buffered and reach state only through `commit` — so `check` can run the whole
 * operation without writing anything, and `apply` commits the same computation.
 */
export class Env {
  private readonly writes = new Map<string, CborValue | null>();
  private readonly events: { name: string; data: CborMap }[] = [];
  private readonly books = new Map<string, Books>();
  private readonly programs = new Map<string, Program>();

  constructor(readonly ctx: ExecContext) {}

  get height(): number {
    return this.ctx.height;
  }

  get ts(): number {
    return this.ctx.timestamp;
  }

  get sender(): string {
    return this.ctx.sender;
  }

  get(key: string): CborValue | undefined {
    if (this.writes.has(key)) {
      const w = this.writes.get(key);
      return w === null ? undefined : w;
    }
    const raw = this.ctx.state.getRaw(key);
    if (raw === undefined) return undefined;
    let v = decoded.get(raw);
    if (v === undefined) {
      v = decodeCanonical(raw);
      decoded.set(raw, v);
    }
    return v;
  }

  has(key: string): boolean {
    if (this.writes.has(key)) return this.writes.get(key) !== null;
    return this.ctx.state.getRaw(key) !== undefined;
  }

  set(key: string, value: CborValue): void {
    this.writes.set(key, value);
  }

  del(key: string): void {
    this.writes.set(key, null);
  }

  emit(name: string, data: CborMap): void {
    this.events.push({ name, data });
  }

  /** The program, or POINTS_NOT_FOUND. */
  program(id: string): Program {
    const cached = this.programs.get(id);
    if (cached) return cached;
    const v = this.get(keys.program(id));
    if (v === undefined) throw new GongzhiError('POINTS_NOT_FOUND', `no program ${id}`, { program: id });
    const p = (typeof v === 'object' && v !== null ? programs.get(v) : undefined) ?? parseProgram(v);
    if (typeof v === 'object' && v !== null) programs.set(v, p);
    this.programs.set(id, p);
    return p;
  }

  putProgram(p: Program): void {
    this.programs.set(p.id, p);
    this.set(keys.program(p.id), programValue(p));
  }

  book(id: string): Book | undefined {
    const v = this.get(keys.book(id));
    return v === undefined ? undefined : parseBook(v);
  }

  /** The program's double-entry books for this operation (one instance per program). */
  booksOf(p: Program): Books {
    let b = this.books.get(p.id);
    if (!b) {
      const book = this.book(bookIdOf(p));
      if (!book) throw new GongzhiError('EXEC_INTERNAL', 'active program without a book', { program: p.id });
      b = new Books(this, p, book.period);
      this.books.set(p.id, b);
    }
    return b;
  }

  /** Write everything buffered to the transaction's state and emit the events. */
  commit(): void {
    for (const b of this.books.values()) b.flush();
    for (const [k, v] of this.writes) {
      if (v === null) {
        this.ctx.state.delete(k);
        continue;
      }
      const bytes = encodeCanonical(v);
      this.ctx.state.setRaw(k, bytes);
      if (!COLD.some((c) => k.startsWith(c))) decoded.set(bytes, v);
    }
    for (const e of this.events) this.ctx.emit(e.name, e.data);
  }

  // ---- role and status guards -------------------------------------------------------------

  hasRole(p: Program, role: RoleName, account: string): boolean {
    return this.has(keys.role(p.id, role, account));
  }

  requireRole(p: Program, role: RoleName | 'issuer' | 'clearing', account = this.sender): void {
    const ok =
      role === 'issuer'
        ? p.issuer === account
        : role === 'clearing'
          ? p.clearing === account
          : this.hasRole(p, role, account);
    if (!ok) {
      throw new GongzhiError('POINTS_WRONG_ROLE', `${account} is not a ${role} of program ${p.id}`, {
        program: p.id,
        role,
        account,
      });
    }
  }

  isFrozen(p: Program, account: string): boolean {
    return this.has(keys.frozen(p.id, account));
  }

  requireNotFrozen(p: Program, account: string): void {
    if (this.isFrozen(p, account)) {
      throw new GongzhiError('POINTS_FROZEN', `${account} is frozen in program ${p.id}`, {
        program: p.id,
        account,
      });
    }
  }

  /** The program must be approved and not frozen; the sender must not be frozen in it. */
  active(id: string): Program {
    const p = this.program(id);
    if (p.status !== 'active') {
      throw new GongzhiError('POINTS_PROGRAM_NOT_APPROVED', `program ${id} is not approved yet`, {
        program: id,
      });
    }
    if (p.frozen) {
      throw new GongzhiError('POINTS_FROZEN', `program ${id} is frozen`, { program: id });
    }
    this.requireNotFrozen(p, this.sender);
    return p;
  }

  /** A current member (joined, not left), not frozen. */
  requireMember(p: Program, account: string): void {
    const h = this.booksOf(p).holder(account);
    if (!h?.member) {
      throw new GongzhiError('POINTS_NOT_MEMBER', `${account} is not a member of program ${p.id}`, {
        program: p.id,
        account,
      });
    }
    this.requireNotFrozen(p, account);
  }
}
