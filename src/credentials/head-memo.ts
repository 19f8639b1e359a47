import type { LedgerReader } from './verify.js';

/**
 * A verifier's read cache over one group's ledger. Every query the verifier makes (a DID's
 * resolution and key history, an issuer's recognition, a schema, a status bit) is a function of
 * the committed state, and committed state changes only when the head moves. So answers are
 * kept while the head is the same block and all dropped when it changes: a set status bit, a
 * revoked key or a withdrawn recognition is seen by the first verification after its block
 * commits, and nothing between blocks is read twice. Failed queries are not kept (their error
 * is thrown again next time). The answers are shared: callers must not change them.
 */
export class HeadMemo implements LedgerReader {
  private head: unknown;
  private readonly answers = new Map<string, unknown>();

  /**
   * `head()` returns something that changes identity exactly when a block commits (the group's
   * latest stored block); `maxEntries` bounds memory between blocks (hostile traffic asks for
   * many different DIDs).
   */
  constructor(
    private readonly inner: LedgerReader,
    private readonly headOf: () => unknown,
    private readonly maxEntries = 4096,
  ) {}

  query(module: string, name: string, args: Readonly<Record<string, unknown>>): unknown {
    const head = this.headOf();
    if (head !== this.head) {
      this.answers.clear();
      this.head = head;
    }
    const key = `${module}\u0000${name}\u0000${JSON.stringify(args)}`;
    if (this.answers.has(key)) return this.answers.get(key);
    const answer = this.inner.query(module, name, args);
    if (this.answers.size >= this.maxEntries) this.answers.clear();
    this.answers.set(key, answer);
    return answer;
  }

  /** Answers held for the current head (for tests and the bench). */
  get size(): number {
    return this.answers.size;
  }
}
