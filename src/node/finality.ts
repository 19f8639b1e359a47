import { jetstream, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { decodeCanonical, encodeCanonical, fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { type BlockSignature, isMap } from '../ledger/index.js';
import { listNodes } from '../modules/governance/index.js';
import { ensureStream, publishWithRetry, StreamReader, streamNames } from '../ordering/index.js';
import type { BlockEvent, GroupLedger } from './group-ledger.js';

/** One node's signature over one block hash, as exchanged over NATS. */
interface SignatureMessage {
  readonly height: number;
  readonly hash: Uint8Array;
  readonly node: string;
  readonly sig: Uint8Array;
}

function decodeSignature(bytes: Uint8Array): SignatureMessage | undefined {
  try {
    const v = decodeCanonical(bytes);
    if (!isMap(v)) return undefined;
    const { height, hash, node, sig } = v;
    if (
      typeof height !== 'number' ||
      !(hash instanceof Uint8Array) ||
      typeof node !== 'string' ||
      !(sig instanceof Uint8Array)
    ) {
      return undefined;
    }
    return { height, hash, node, sig };
  } catch {
    return undefined;
  }
}

export interface FinalityOptions {
  readonly nc: NatsConnection;
  readonly ledger: GroupLedger;
  readonly replicas: number;
  /** Percentage of organisations whose nodes must sign a header for it to be final. */
  readonly quorumPercent: number;
  readonly logger: Logger;
  /**
   * Called instead of halting when a quorum signed a different block than this node computed: the
   * node may rewind to its last final block and take the certified ones from peers. Absent: halt.
   */
  readonly onDiverged?: (err: GongzhiError) => void;
}

/**
 * Exchanges block-header signatures between the nodes of a group over a JetStream stream and
 * decides finality: a header signed by nodes of at least `quorumPercent` of the organisations is
 * final and its signatures (the certificate) are stored with the block. If a quorum signs a
 * different header than this node computed, the node halts the group and never calls its own final.
 */
export class FinalityTracker {
  private readonly names;
  /** height → block hash hex → node → signature. */
  private readonly seen = new Map<number, Map<string, Map<string, Uint8Array>>>();
  private unsubscribe: (() => void) | undefined;
  private reader: StreamReader | undefined;
  private stopped = false;

  constructor(private readonly opts: FinalityOptions) {
    this.names = streamNames(opts.ledger.group);
  }

  async start(): Promise<void> {
    const { nc, ledger } = this.opts;
    await ensureStream(nc, {
      name: this.names.sigStream,
      subjects: [this.names.sigSubject],
      num_replicas: this.opts.replicas,
      storage: StorageType.File,
      duplicate_window: 120_000_000_000,
    });
    this.unsubscribe = ledger.onBlock((e) => {
      void this.publishOwn(e);
    });
    // Re-announce our signature on blocks not yet final (e.g. after a restart).
    for (let h = Math.max(1, ledger.finalHeight + 1); h <= ledger.latest.height; h++) {
      const b = ledger.store.blockByHeight(h);
      const own = b?.signatures.find((s) => s.node === ledger.nodeId);
      if (b && own) await this.publish({ height: h, hash: b.hash, node: own.node, sig: own.sig });
    }
    this.reader = new StreamReader(nc, this.names.sigStream, 1, this.opts.logger);
    this.reader.start((m) => {
      const s = decodeSignature(m.data);
      if (s) this.record(s);
    });
  }

  private async publishOwn(e: BlockEvent): Promise<void> {
    const { ledger } = this.opts;
    const own = ledger.store.blockByHeight(e.height)?.signatures.find((s) => s.node === ledger.nodeId);
    if (!own) return;
    this.record({ height: e.height, hash: e.hash, node: own.node, sig: own.sig });
    // Retried until acknowledged (or the node stops): finalHeight only moves over a contiguous run,
    // so one signature lost in a NATS outage would hold every later block back from being final.
    await this.publish(
      { height: e.height, hash: e.hash, node: own.node, sig: own.sig },
      Number.POSITIVE_INFINITY,
    ).catch((err: unknown) =>
      this.opts.logger.warn({ err, height: e.height }, 'could not publish block signature'),
    );
  }

  private async publish(s: SignatureMessage, budgetMs?: number): Promise<void> {
    await publishWithRetry(
      jetstream(this.opts.nc),
      this.names.sigSubject,
      encodeCanonical({ ...s }),
      `sig-${s.node}-${s.height}-${toHex(s.hash).slice(0, 16)}`,
      () => this.stopped,
      budgetMs,
      (err, attempt) => {
        if (attempt === 1 || attempt % 20 === 0)
          this.opts.logger.warn(
            { err, height: s.height, attempt },
            'block signature not acknowledged yet; retrying',
          );
      },
    );
  }

  /** Verify and record a signature, then re-evaluate its height (and any later ones waiting on our block). */
  private record(s: SignatureMessage): void {
    const { ledger } = this.opts;
    if (ledger.isFinal(s.height)) return;
    const node = listNodes(ledger.stateReader()).find((n) => n.id === s.node);
    if (!node || !ledger.suite.verify(fromHex(node.publicKey), s.hash, s.sig)) {
      this.opts.logger.warn(
        { node: s.node, height: s.height },
        'ignored a signature from an unknown node or a bad signature',
      );
      return;
    }
    let byHash = this.seen.get(s.height);
    if (!byHash) {
      byHash = new Map();
      this.seen.set(s.height, byHash);
    }
    const hex = toHex(s.hash);
    let sigs = byHash.get(hex);
    if (!sigs) {
      sigs = new Map();
      byHash.set(hex, sigs);
    }
    sigs.set(s.node, s.sig);
    this.evaluate(s.height);
  }

  private evaluate(height: number): void {
    const { ledger } = this.opts;
    const byHash = this.seen.get(height);
    if (!byHash) return;
    const state = ledger.stateReader();
    const nodes = listNodes(state);
    const orgOf = new Map(nodes.map((n) => [n.id, n.org]));
    const orgCount = new Set(nodes.map((n) => n.org)).size;
    const quorum = (sigs: Map<string, Uint8Array>) => {
      const orgs = new Set([...sigs.keys()].map((n) => orgOf.get(n)).filter((o) => o !== undefined));
      return orgs.size * 100 >= this.opts.quorumPercent * orgCount;
    };
    const own = ledger.store.blockByHeight(height);
    for (const [hex, sigs] of byHash) {
      if (!quorum(sigs)) continue;
      if (!own) return; // not executed yet; evaluated again when our block commits
      if (hex !== toHex(own.hash)) {
        const err = new GongzhiError(
          'NODE_DIVERGED',
          'a quorum signed a different block than this node computed',
          { height, quorum: hex, ours: toHex(own.hash) },
        );
        // Once per divergence: the group is halted (or rewinding) until it is resolved.
        if (ledger.halted) return;
        if (this.opts.onDiverged) this.opts.onDiverged(err);
        else ledger.halt(err);
        return;
      }
      const certificate: BlockSignature[] = [...sigs.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([node, sig]) => ({ node, sig }));
      ledger.markFinal(height, certificate);
      this.seen.delete(height);
      return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.reader?.stop();
  }
}
