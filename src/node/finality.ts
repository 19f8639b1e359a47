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
export interface SignatureMessage {
  readonly height: number;
  readonly hash: Uint8Array;
  readonly node: string;
  readonly sig: Uint8Array;
  /**
   * Set on a signature its node announces again in a repair round (the round's number): it says
   * "I am not final at this height". A node where the height is final answers by relaying the
   * certificate's signatures, so a signature lost from the stream is supplied by the others.
   */
  readonly repair?: number;
}

const SIGNATURE_KEYS = new Set(['height', 'hash', 'node', 'sig', 'repair']);

/** Strict: exactly the known fields, each of its kind; anything else is not a signature message. */
export function decodeSignature(bytes: Uint8Array): SignatureMessage | undefined {
  try {
    const v = decodeCanonical(bytes);
    if (!isMap(v) || Object.keys(v).some((k) => !SIGNATURE_KEYS.has(k))) return undefined;
    const { height, hash, node, sig, repair } = v;
    if (
      typeof height !== 'number' ||
      !Number.isSafeInteger(height) ||
      height < 1 ||
      !(hash instanceof Uint8Array) ||
      typeof node !== 'string' ||
      !(sig instanceof Uint8Array) ||
      (repair !== undefined && (typeof repair !== 'number' || !Number.isSafeInteger(repair) || repair < 1))
    ) {
      return undefined;
    }
    return { height, hash, node, sig, ...(repair === undefined ? {} : { repair }) };
  } catch {
    return undefined;
  }
}

/** The canonical bytes of a signature message (the repair round only when set). */
export function encodeSignature(s: SignatureMessage): Uint8Array {
  return encodeCanonical({
    height: s.height,
    hash: s.hash,
    node: s.node,
    sig: s.sig,
    ...(s.repair === undefined ? {} : { repair: s.repair }),
  });
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
  /** See NetworkOptions.relayMaxAgeMs (default 30 s). */
  readonly relayMaxAgeMs?: number;
  /**
   * The signatures peers hold for one block (a peer where it is final serves its certificate).
   * Asked when finality has not moved for STALL_MS with blocks waiting, so a signature this node
   * never read from the stream cannot hold its final height back for good.
   */
  readonly peerSignatures?: (height: number) => Promise<readonly SignatureMessage[]>;
  /**
   * Called when a quorum certified a block above this node's head and the head has not moved for
   * STALL_MS: the node's reading of the stream lacks what the others cut that block from (seen: a
   * NATS server's copy of the stream one message short after SIGKILLs), so only peers can supply it.
   */
  readonly onBehind?: (height: number) => void;
}

/** What finality is doing, for /health: how long since the final height moved and what it waits on. */
export interface FinalityStatus {
  /** ms since the final height last moved (or since the head last equalled it). */
  readonly stalledMs: number;
  /** The first block not final, with the nodes whose signature over this node's hash were seen. */
  readonly waiting?: { readonly height: number; readonly signers: string[] };
}

/** No movement of the final height for this long with blocks waiting starts a repair round. */
const STALL_MS = 5_000;
/** How often the stall is checked. */
const SWEEP_MS = 1_000;
/** Blocks a repair round looks at past the final height. */
const REPAIR_SPAN = 16;
/** A repair message older than this (by its stream timestamp) when read is history, not a request. */
const DEFAULT_RELAY_MAX_AGE_MS = 30_000;

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
  private sweepTimer: NodeJS.Timeout | undefined;
  private repairing = false;
  /** Date.now() when the final height last moved, or the head last equalled it. */
  private lastAdvanceAt = Date.now();
  private lastFinal = 0;
  private lastRepairAt = 0;
  /** Repair rounds so far: part of a re-announced signature's message id, so the stream keeps it. */
  private repairs = 0;
  /** When this node last relayed each height's certificate (Date.now()), to answer each repair once. */
  private readonly relayedAt = new Map<number, number>();
  private relays = 0;
  /** In message ids of repairs and relays: a restarted node's round 1 is not its last life's round 1. */
  private readonly life = Date.now().toString(36);
  /** The head height last seen, when it last moved, and when onBehind was last called. */
  private lastHead = 0;
  private lastHeadAt = Date.now();
  private lastBehindAt = 0;
  /** The height the last repair warning was for. */
  private warnedFor = 0;

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
      // Only a recent repair asks for a relay: a node reading the stream from its start (every
      // restart) must not answer every repair round the stream has ever held.
      if (s)
        this.record(s, Date.now() - m.timestampMs < (this.opts.relayMaxAgeMs ?? DEFAULT_RELAY_MAX_AGE_MS));
    });
    this.lastFinal = ledger.finalHeight;
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** How long finality has stood still, and which block and signers it waits on. */
  status(now = Date.now()): FinalityStatus {
    const { ledger } = this.opts;
    this.noteProgress(now);
    const height = ledger.finalHeight + 1;
    if (height > ledger.latest.height) return { stalledMs: 0 };
    const own = ledger.store.blockByHeight(height);
    const sigs = own ? this.seen.get(height)?.get(toHex(own.hash)) : undefined;
    return {
      stalledMs: Math.max(0, now - this.lastAdvanceAt),
      waiting: { height, signers: [...(sigs?.keys() ?? [])].sort() },
    };
  }

  private noteProgress(now: number): void {
    const { ledger } = this.opts;
    if (ledger.finalHeight !== this.lastFinal || ledger.finalHeight >= ledger.latest.height) {
      this.lastFinal = ledger.finalHeight;
      this.lastAdvanceAt = now;
    }
  }

  /**
   * Once a second: if the final height has stood still for STALL_MS with blocks above it, repair.
   * Seen once: after a 45 s NATS majority loss two of four nodes stayed one block short of final for
   * good while the other two made it final — they never held a quorum of signatures for it, and
   * nothing asked again. (Why they lacked one is not known; every path below recovers from it.)
   */
  private async sweep(): Promise<void> {
    const now = Date.now();
    this.noteProgress(now);
    if (this.stopped || this.repairing || this.opts.ledger.halted) return;
    this.checkBehind(now);
    if (now - this.lastAdvanceAt < STALL_MS || now - this.lastRepairAt < STALL_MS) return;
    this.repairing = true;
    this.lastRepairAt = now;
    try {
      await this.repair();
    } catch (err) {
      this.opts.logger.warn({ err }, 'finality repair round failed');
    } finally {
      this.repairing = false;
    }
  }

  /** Call onBehind if a quorum certified a block above a head that has stood still for STALL_MS. */
  private checkBehind(now: number): void {
    const { ledger } = this.opts;
    const head = ledger.latest.height;
    if (head !== this.lastHead) {
      this.lastHead = head;
      this.lastHeadAt = now;
    }
    for (const h of this.seen.keys()) if (h <= ledger.finalHeight) this.seen.delete(h);
    if (!this.opts.onBehind || now - this.lastHeadAt < STALL_MS || now - this.lastBehindAt < STALL_MS) return;
    const certified = [...this.seen.entries()]
      .filter(([h, byHash]) => h > head && [...byHash.values()].some((sigs) => this.hasQuorum(sigs)))
      .map(([h]) => h);
    if (certified.length === 0) return;
    this.lastBehindAt = now;
    const height = Math.min(...certified);
    this.opts.logger.warn(
      { head, certified: height },
      'a quorum certified a block above this node’s head and the stream gives it nothing more',
    );
    this.opts.onBehind(height);
  }

  /** Whether these signers' organisations reach the quorum, by the node list in our state. */
  private hasQuorum(sigs: Map<string, Uint8Array>): boolean {
    const nodes = listNodes(this.opts.ledger.stateReader());
    const orgOf = new Map(nodes.map((n) => [n.id, n.org]));
    const orgCount = new Set(nodes.map((n) => n.org)).size;
    const orgs = new Set([...sigs.keys()].map((n) => orgOf.get(n)).filter((o) => o !== undefined));
    return orgs.size * 100 >= this.opts.quorumPercent * orgCount;
  }

  /**
   * One repair round over the first REPAIR_SPAN blocks not final: evaluate them again (a signature
   * recorded before our block committed by another path), take the signatures peers hold for them,
   * and announce ours again under a new message id (a peer may have missed it just as we missed one).
   */
  private async repair(): Promise<void> {
    const { ledger, logger } = this.opts;
    const from = ledger.finalHeight + 1;
    const to = Math.min(ledger.latest.height, ledger.finalHeight + REPAIR_SPAN);
    const st = this.status();
    // Once per stalled height at warn: a long legitimate stall (two nodes down) repeats every round.
    const level = this.warnedFor === from ? 'debug' : 'warn';
    this.warnedFor = from;
    logger[level](
      { final: ledger.finalHeight, head: ledger.latest.height, stalledMs: st.stalledMs, waiting: st.waiting },
      'finality has not moved; asking peers for signatures and announcing ours again',
    );
    this.repairs++;
    // Peers are asked block by block while they supply what makes one final; the first block they
    // cannot finalise ends the asking (frozen peers cost one round of timeouts, not one per block).
    let asking = this.opts.peerSignatures !== undefined;
    for (let h = from; h <= to && !this.stopped; h++) {
      this.evaluate(h);
      if (ledger.isFinal(h)) continue;
      if (asking && this.opts.peerSignatures) {
        for (const s of await this.opts.peerSignatures(h)) {
          if (s.height === h && !this.stopped) this.record(s);
        }
        if (ledger.isFinal(h)) continue;
        asking = false;
      }
      const b = ledger.store.blockByHeight(h);
      const own = b?.signatures.find((s) => s.node === ledger.nodeId);
      if (b && own && !this.stopped)
        await this.publish(
          { height: h, hash: b.hash, node: own.node, sig: own.sig, repair: this.repairs },
          2_000,
          `sig-${own.node}-${h}-${toHex(b.hash).slice(0, 16)}-r${this.life}.${this.repairs}`,
        ).catch((err: unknown) =>
          logger.warn({ err, height: h }, 'could not announce a block signature again'),
        );
    }
    if (ledger.finalHeight >= from)
      logger.info({ final: ledger.finalHeight, head: ledger.latest.height }, 'finality moving again');
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

  /** Publish one signature; `id` (default: one per node, height and hash) is its JetStream message id. */
  private async publish(s: SignatureMessage, budgetMs?: number, id?: string): Promise<void> {
    await publishWithRetry(
      jetstream(this.opts.nc),
      this.names.sigSubject,
      encodeSignature(s),
      id ?? `sig-${s.node}-${s.height}-${toHex(s.hash).slice(0, 16)}`,
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
  private record(s: SignatureMessage, recent = false): void {
    const { ledger } = this.opts;
    if (ledger.isFinal(s.height)) {
      if (recent && s.repair !== undefined && s.node !== ledger.nodeId) void this.relay(s.height);
      return;
    }
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
    const own = ledger.store.blockByHeight(height);
    for (const [hex, sigs] of byHash) {
      if (!this.hasQuorum(sigs)) continue;
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

  /**
   * Another node is not final at `height` (it announced its signature again): publish the
   * certificate's signatures once more, under new message ids, at most once per height per STALL_MS.
   * Needed when a signature the stream acknowledged is gone from it — SIGKILLed NATS servers can
   * lose acknowledged messages they had not yet written out — so that no node can read it there.
   */
  private async relay(height: number): Promise<void> {
    const { ledger, logger } = this.opts;
    const now = Date.now();
    if (now - (this.relayedAt.get(height) ?? 0) < STALL_MS || this.stopped) return;
    this.relayedAt.set(height, now);
    if (this.relayedAt.size > 256) {
      for (const [h, t] of this.relayedAt) if (now - t > STALL_MS) this.relayedAt.delete(h);
    }
    const b = ledger.store.blockByHeight(height);
    if (!b) return;
    this.relays++;
    logger.info(
      { height, signatures: b.signatures.length },
      'relaying a final block’s certificate to a node that lacks it',
    );
    for (const s of b.signatures) {
      if (this.stopped) return;
      await this.publish(
        { height, hash: b.hash, node: s.node, sig: s.sig },
        2_000,
        `relay-${ledger.nodeId}-${s.node}-${height}-${this.life}.${this.relays}`,
      ).catch((err: unknown) => logger.warn({ err, height }, 'could not relay a certificate signature'));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.unsubscribe?.();
    await this.reader?.stop();
  }
}
