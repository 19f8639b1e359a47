/**
 * Shutdown state shared by the routes of one server: on close, commit waits in flight end
 * with NODE_SHUTTING_DOWN and event streams are ended, so close() never waits on a client.
 */
import { GongzhiError } from '../errors/index.js';
import type { CommitInfo, GroupLedger } from '../node/group-ledger.js';
import type { SseStream } from './sse.js';

export class Lifecycle {
  closing = false;
  readonly streams = new Set<SseStream>();
  /** Rejecters of the commit waits in flight (a set, so finished waits leave nothing behind). */
  private readonly waits = new Set<(e: GongzhiError) => void>();

  begin(): void {
    if (this.closing) return;
    this.closing = true;
    const err = new GongzhiError('NODE_SHUTTING_DOWN', 'server is shutting down');
    for (const reject of [...this.waits]) reject(err);
    this.waits.clear();
    for (const s of [...this.streams]) s.end();
  }

  /** Wait for a commit, giving up with NODE_SHUTTING_DOWN when the server closes. */
  waitForCommit(g: GroupLedger, hash: string, timeoutMs: number): Promise<CommitInfo> {
    if (this.closing) {
      return Promise.reject(new GongzhiError('NODE_SHUTTING_DOWN', 'server is shutting down'));
    }
    return new Promise<CommitInfo>((resolve, reject) => {
      this.waits.add(reject);
      g.waitForCommit(hash, timeoutMs)
        .then(resolve, reject)
        .finally(() => this.waits.delete(reject));
    });
  }
}
