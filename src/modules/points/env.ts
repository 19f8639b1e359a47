import { GongzhiError } from '../../errors/index.js';
import { type Book, bookCodec } from './book.js';
import { Books } from './books.js';
import { type Effects, PendingState } from './effects.js';
import { bookIdOf, keys } from './keys.js';
import { programCodec } from './program.js';
import type { Program, RoleName } from './types.js';

/**
 * One execution of an operation inside `check`: the pending state (read-only reads, buffered
 * writes and events) plus the module's records and guards — programs, books, roles, freezes. Its
 * `effects` are what `apply` commits.
 */
export class Env extends PendingState {
  private readonly books = new Map<string, Books>();

  /** The program, or POINTS_NOT_FOUND. */
  program(id: string): Program {
    const p = this.read(keys.program(id), programCodec);
    if (p === undefined) throw new GongzhiError('POINTS_NOT_FOUND', `no program ${id}`, { program: id });
    return p;
  }

  putProgram(p: Program): void {
    this.write(keys.program(p.id), programCodec, p);
  }

  book(id: string): Book | undefined {
    return this.read(keys.book(id), bookCodec);
  }

  putBook(b: Book): void {
    this.write(keys.book(b.id), bookCodec, b);
  }

  /** The program's double-entry books for this operation (one instance per program). */
  booksOf(p: Program): Books {
    let b = this.books.get(p.id);
    if (!b) {
      const book = this.book(bookIdOf(p));
      if (!book) {
        // approveProgram opens or joins the book: an active program without one is damaged state
        throw new GongzhiError('CHAIN_INVALID', 'active program without a book', { program: p.id });
      }
      b = new Books(this, p, book.period);
      this.books.set(p.id, b);
    }
    return b;
  }

  /** Flush the books, then close the operation (see PendingState.effects). */
  override effects(): Effects {
    for (const b of this.books.values()) b.flush();
    return super.effects();
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

  /**
   * A member, or a former member who still holds points (withdrawing consent never confiscates
   * them: she may spend what she has, she earns and receives nothing new), not frozen.
   */
  requireHolder(p: Program, account: string): void {
    const h = this.booksOf(p).lots.holder(account);
    if (!h?.member && (h?.lots.length ?? 0) === 0) {
      throw new GongzhiError('POINTS_NOT_MEMBER', `${account} holds nothing in program ${p.id}`, {
        program: p.id,
        account,
      });
    }
    this.requireNotFrozen(p, account);
  }

  /** A current member (joined, not left), not frozen. */
  requireMember(p: Program, account: string): void {
    const h = this.booksOf(p).lots.holder(account);
    if (!h?.member) {
      throw new GongzhiError('POINTS_NOT_MEMBER', `${account} is not a member of program ${p.id}`, {
        program: p.id,
        account,
      });
    }
    this.requireNotFrozen(p, account);
  }
}
