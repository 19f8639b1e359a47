import { mkdirSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { getSuite, type KeyPair, type SuiteId, VerifyPool } from '../crypto/index.js';
import { toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { LedgerModule } from '../execution/index.js';
import type { Genesis } from '../ledger/index.js';
import { BUILTIN_MODULES } from '../modules/index.js';
import { ensureOrderingStream, JetStreamOrderer, settleWithin, streamNames } from '../ordering/index.js';
import { FinalityTracker } from './finality.js';
import { GroupLedger, type GroupLedgerOptions } from './group-ledger.js';
import { DEFAULT_HEALTH_THRESHOLDS, type GroupHealth, groupHealth, type HealthThresholds } from './health.js';
import type { IdentityNodeOptions } from './identity-options.js';
import { connectNats } from './nats-connect.js';
import type { NetworkOptions } from './network-options.js';
import { catchUpFromPeers, peerSignatures } from './peer-sync.js';

export type { NetworkOptions };

import { NodeMetrics } from './metrics.js';

/** Longest wait for each step of close() but the groups' own (they wait CLOSE_WAIT_MS each). */
const STEP_WAIT_MS = 5000;
/** A group rewinds after diverging at most this many times per window; then it halts for an operator. */
const MAX_RECOVERIES = 3;
const RECOVERY_WINDOW_MS = 10 * 60_000;

/** The modules every group runs, in registry order. */
export const DEFAULT_MODULES: readonly LedgerModule[] = BUILTIN_MODULES;

export interface NodeOptions {
  readonly nodeId: string;
  readonly org: string;
  readonly nodeSecretKey: Uint8Array;
  readonly genesis: readonly Genesis[];
  readonly dataDir: string;
  readonly mempoolLimit?: number;
  /** Most transactions of one sender pending at once per group (default 1000). */
  readonly mempoolSenderLimit?: number;
  /** Worker threads verifying signatures; 0 verifies on the main thread. */
  readonly verifyWorkers?: number;
  readonly logger: Logger;
  readonly modules?: readonly LedgerModule[];
  /**
   * Cut at once when idle (default true) instead of waiting blockIntervalMs: the solo orderer when
   * nothing is in flight, the JetStream orderer when the last block closed an interval ago or more.
   */
  readonly cutWhenIdle?: boolean;
  /** Order through NATS JetStream with the other organisations' nodes instead of in process. */
  readonly network?: NetworkOptions;
  /** Identity services open to outsiders (published status lists, fetch allow-list); see ./identity-options.ts. */
  readonly identity?: IdentityNodeOptions;
  /** When /health calls a group degraded (default DEFAULT_HEALTH_THRESHOLDS). */
  readonly health?: HealthThresholds;
  /** SQLite page cache of each group's file, MiB (default DEFAULT_STORE_CACHE_MB). */
  readonly storeCacheMb?: number;
}

/** Public facts about the node. */
export interface NodeInfo {
  readonly nodeId: string;
  readonly org: string;
  readonly publicKey: string;
  readonly suite: SuiteId;
  readonly chain: string;
  readonly dataDir: string;
  readonly groups: { id: string; height: number; genesisHash: string }[];
}

/** A Gongzhi node serving one or more groups of one chain. */
export class GongzhiNode {
  readonly metrics = new NodeMetrics();
  private readonly groups = new Map<string, GroupLedger>();
  private verifyPool: VerifyPool | undefined;
  private nc: NatsConnection | undefined;
  private readonly trackers = new Map<string, FinalityTracker>();
  /** When each group last rewound after diverging (Date.now()), within RECOVERY_WINDOW_MS. */
  private readonly recoveries = new Map<string, number[]>();
  private closing = false;
  /** Groups taking certified blocks from peers because the stream gave them nothing more. */
  private readonly catchingUp = new Set<string>();

  private constructor(readonly opts: NodeOptions) {
    this.metrics.setHealthSource(() => this.health());
  }

  /** Every group's health against the configured thresholds (what GET /health and the metrics report). */
  health(): GroupHealth[] {
    const t = this.opts.health ?? DEFAULT_HEALTH_THRESHOLDS;
    return [...this.groups.values()].map((g) =>
      groupHealth(g, t, this.opts.network !== undefined, this.trackers.get(g.group)?.status()),
    );
  }

  /** Open every group's ledger (creating genesis blocks on first start). */
  static async start(opts: NodeOptions): Promise<GongzhiNode> {
    const node = new GongzhiNode(opts);
    if (opts.genesis.length === 0)
      throw new GongzhiError('CONFIG_INVALID', 'at least one group genesis is required');
    const first = opts.genesis[0] as Genesis;
    for (const g of opts.genesis) {
      if (g.chain !== first.chain || g.suite !== first.suite) {
        throw new GongzhiError(
          'CONFIG_INVALID',
          'all groups of a node must share chain id and crypto suite',
          {
            group: g.group,
          },
        );
      }
    }
    mkdirSync(opts.dataDir, { recursive: true });
    const workers = opts.verifyWorkers ?? 0;
    if (workers > 0) {
      try {
        node.verifyPool = new VerifyPool(workers);
      } catch (e) {
        opts.logger.warn({ err: e }, 'signature worker pool unavailable; verifying on the main thread');
      }
    }
    const suite = getSuite(first.suite);
    try {
      const net = opts.network;
      let factory: GroupLedgerOptions['ordererFactory'];
      if (net) {
        node.nc = await connectNats(net);
        const nc = node.nc;
        const settings = {
          replicas: net.replicas ?? 3,
          duplicateWindowMs: net.duplicateWindowMs ?? 600_000,
          maxAgeMs: net.maxAgeMs ?? 0,
        };
        for (const g of opts.genesis) await ensureOrderingStream(nc, g.group, settings);
        factory = (ctx) =>
          new JetStreamOrderer({
            nc,
            group: ctx.group,
            maxBlockTxs: () => ctx.params().maxBlockTxs,
            blockIntervalMs: () => ctx.params().blockIntervalMs,
            nextHeight: ctx.nextHeight,
            resumeAfter: ctx.resumeAfter,
            toCandidate: ctx.toCandidate,
            seal: ctx.seal,
            isMemberSeal: ctx.isMemberSeal,
            ...(net.publishBudgetMs === undefined ? {} : { publishBudgetMs: net.publishBudgetMs }),
            ...(opts.cutWhenIdle === undefined ? {} : { cutWhenIdle: opts.cutWhenIdle }),
            logger: opts.logger.child({ group: ctx.group, component: 'jetstream' }),
          });
      }
      for (const g of opts.genesis) {
        if (node.groups.has(g.group))
          throw new GongzhiError('CONFIG_INVALID', `group ${g.group} configured twice`);
        node.groups.set(
          g.group,
          GroupLedger.open({
            genesis: g,
            suite,
            dataDir: opts.dataDir,
            nodeId: opts.nodeId,
            nodeSecretKey: opts.nodeSecretKey,
            modules: opts.modules ?? DEFAULT_MODULES,
            mempoolLimit: opts.mempoolLimit ?? 100_000,
            ...(opts.mempoolSenderLimit === undefined ? {} : { mempoolSenderLimit: opts.mempoolSenderLimit }),
            logger: opts.logger,
            metrics: node.metrics,
            verifyPool: node.verifyPool,
            ...(opts.cutWhenIdle === undefined ? {} : { cutWhenIdle: opts.cutWhenIdle }),
            ...(opts.storeCacheMb === undefined ? {} : { storeCacheMb: opts.storeCacheMb }),
            ...(factory ? { ordererFactory: factory, deferOrdering: true } : {}),
          }),
        );
      }
      if (net && node.nc) {
        for (const g of node.groups.values()) await node.resumeOrdering(g, net);
        for (const g of node.groups.values()) {
          const t = new FinalityTracker({
            nc: node.nc,
            ledger: g,
            replicas: net.replicas ?? 3,
            quorumPercent: net.quorumPercent ?? 67,
            ...(net.relayMaxAgeMs === undefined ? {} : { relayMaxAgeMs: net.relayMaxAgeMs }),
            logger: opts.logger.child({ group: g.group, component: 'finality' }),
            onDiverged: (err) => void node.recoverDiverged(g, err, net),
            onBehind: (height) => void node.catchUpBehind(g, height, net),
            ...((net.peers?.length ?? 0) > 0
              ? {
                  peerSignatures: (height: number) =>
                    peerSignatures(
                      g,
                      {
                        peers: net.peers ?? [],
                        nodeId: opts.nodeId,
                        secretKey: opts.nodeSecretKey,
                        logger: opts.logger.child({ group: g.group, component: 'finality' }),
                      },
                      height,
                    ),
                }
              : {}),
          });
          node.trackers.set(g.group, t);
          await t.start();
        }
      }
    } catch (e) {
      await node.close();
      throw e;
    }
    return node;
  }

  /**
   * Start a group's networked ordering. If the stream no longer holds the messages after our head
   * (retention), first catch up from peers; if that is impossible, halt the group rather than cut
   * blocks from an incomplete stream.
   */
  private async resumeOrdering(g: GroupLedger, net: NetworkOptions): Promise<void> {
    const nc = this.nc as NatsConnection;
    const covered = async () => {
      const info = await (await jetstreamManager(nc)).streams.info(streamNames(g.group).stream);
      const to = g.latest.header.order.to;
      const seq = Array.isArray(to) ? Number(to[0]) : 0;
      const { first_seq: first, last_seq: last, messages } = info.state;
      return messages === 0 ? seq >= last : first <= seq + 1;
    };
    // The stream still holds everything after our head: read it, as every running node does. Peers
    // are asked only when it does not (retention), so a start never waits on peers that are
    // themselves starting (or unreachable) — every node of a `network init` consortium lists the
    // others as peers.
    if (await covered().catch(() => false)) {
      g.startOrdering();
      return;
    }
    let peerCurrent = false;
    if ((net.peers?.length ?? 0) > 0) {
      peerCurrent = await catchUpFromPeers(g, {
        peers: net.peers ?? [],
        nodeId: this.opts.nodeId,
        secretKey: this.opts.nodeSecretKey,
        quorumPercent: net.quorumPercent ?? 67,
        logger: this.opts.logger.child({ group: g.group, component: 'sync' }),
      })
        .then((r) => r.current)
        .catch((e: unknown) => {
          this.opts.logger.warn({ err: e, group: g.group }, 'catch-up from peers failed');
          return false;
        });
    }
    // Safe to cut from the stream if it still holds everything after our head, or if a peer that
    // read the stream confirmed it has no block beyond ours (what was dropped is in our blocks).
    if (!peerCurrent && !(await covered().catch(() => false))) {
      g.halt(
        new GongzhiError(
          'SYNC_FAILED',
          'the stream no longer holds the messages after this node’s head and no peer could supply the blocks',
          { group: g.group, height: g.latest.height },
        ),
      );
      return;
    }
    g.startOrdering();
  }

  /**
   * A quorum signed a different block than this group computed. Its blocks above the last final
   * one are vouched for by nobody, so take them off, take the certified blocks from peers and order
   * again from there: a node that read or computed one block wrongly (a stream consumer that lost a
   * message, a transient fault) rejoins by itself. At most MAX_RECOVERIES per RECOVERY_WINDOW_MS and
   * only with peers to sync from; otherwise, or if the sync fails, the group halts with NODE_DIVERGED
   * as before, for an operator.
   */
  private async recoverDiverged(g: GroupLedger, err: GongzhiError, net: NetworkOptions): Promise<void> {
    const log = this.opts.logger.child({ group: g.group, component: 'recovery' });
    const now = Date.now();
    const recent = (this.recoveries.get(g.group) ?? []).filter((t) => now - t < RECOVERY_WINDOW_MS);
    const peers = net.peers ?? [];
    if (peers.length === 0 || recent.length >= MAX_RECOVERIES || this.closing) {
      g.halt(err);
      return;
    }
    this.recoveries.set(g.group, [...recent, now]);
    this.metrics.recoveries.inc({ group: g.group });
    // What this node had computed, for finding out why (the block is gone after the rewind).
    const ours = g.store.blockByHeight(Number(err.details.height));
    log.error(
      {
        code: err.code,
        details: err.details,
        ...(ours
          ? {
              ours: {
                order: ours.header.order,
                timestamp: ours.header.timestamp,
                txCount: ours.header.txCount,
              },
            }
          : {}),
      },
      'a quorum signed a different block; rewinding to the last final block',
    );
    try {
      const removed = await g.rewindToFinal(
        new GongzhiError('NODE_RECOVERING', 'this node is replacing blocks the quorum did not sign', {
          height: err.details.height ?? 0,
        }),
      );
      const r = await this.certifiedFromPeers(g, net, log);
      if (this.closing) return;
      log.warn(
        { removed, applied: r.applied, height: g.latest.height },
        'recovered: ordering again from the certified head',
      );
      g.resume();
    } catch (e) {
      log.error({ err: e }, 'recovery failed; the group stays halted');
      // In place of the NODE_RECOVERING the rewind set: the operator must see why it stopped.
      g.replaceHalt(err);
    }
  }

  /**
   * A quorum certified a block above this group's head and the stream gives this node nothing more
   * (its reads answered from a NATS server whose copy of the stream lacks a message the others cut
   * the block with). Take the certified blocks from peers and order again from the new head; if
   * that fails, order on from where it was. Nothing happens without peers.
   */
  private async catchUpBehind(g: GroupLedger, height: number, net: NetworkOptions): Promise<void> {
    const peers = net.peers ?? [];
    if (peers.length === 0 || this.closing || g.halted || this.catchingUp.has(g.group)) return;
    this.catchingUp.add(g.group);
    const log = this.opts.logger.child({ group: g.group, component: 'recovery' });
    try {
      const removed = await g.rewindToFinal(
        new GongzhiError('NODE_RECOVERING', 'this node is taking certified blocks from its peers', {
          height,
        }),
      );
      const r = await this.certifiedFromPeers(g, net, log);
      log.warn({ removed, applied: r.applied, height: g.latest.height }, 'caught up with the certified head');
    } catch (e) {
      log.error({ err: e }, 'taking certified blocks from peers failed; ordering on from the head');
    } finally {
      this.catchingUp.delete(g.group);
      if (!this.closing) g.resume();
    }
  }

  /** Take the certified blocks after the group's head from its peers (both recoveries). */
  private certifiedFromPeers(g: GroupLedger, net: NetworkOptions, log: Logger) {
    return catchUpFromPeers(g, {
      peers: net.peers ?? [],
      nodeId: this.opts.nodeId,
      secretKey: this.opts.nodeSecretKey,
      quorumPercent: net.quorumPercent ?? 67,
      logger: log,
    });
  }

  /** The group, or TX_UNKNOWN_GROUP. */
  group(id: string): GroupLedger {
    const g = this.groups.get(id);
    if (!g) throw new GongzhiError('TX_UNKNOWN_GROUP', `this node does not serve group ${id}`, { group: id });
    return g;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  get logger(): Logger {
    return this.opts.logger;
  }

  /**
   * The node's key pair (its identity in the genesis), for a protocol its own API runs as the node:
   * the key agreement of a datashare delivery, which authenticates the owner's node to the grantee.
   */
  nodeKey(): KeyPair {
    const suite = getSuite((this.opts.genesis[0] as Genesis).suite);
    return {
      secretKey: this.opts.nodeSecretKey,
      publicKey: suite.publicKeyFromSecret(this.opts.nodeSecretKey),
    };
  }

  info(): NodeInfo {
    const first = this.opts.genesis[0] as Genesis;
    const suite = getSuite(first.suite);
    return {
      nodeId: this.opts.nodeId,
      org: this.opts.org,
      publicKey: toHex(suite.publicKeyFromSecret(this.opts.nodeSecretKey)),
      suite: first.suite,
      chain: first.chain,
      dataDir: this.opts.dataDir,
      groups: [...this.groups.values()].map((g) => ({
        id: g.group,
        height: g.latest.height,
        genesisHash: toHex(g.genesisHash),
      })),
    };
  }

  /**
   * Graceful stop: every group finishes its block in flight, then its database closes. Bounded in
   * time: each step waits at most STEP_WAIT_MS (a group, CLOSE_WAIT_MS), then the next runs anyway,
   * so a dead NATS cluster or a stuck worker cannot hold a shutdown.
   */
  async close(): Promise<void> {
    const log = this.opts.logger;
    const step = async (what: string, p: Promise<unknown>) => {
      if (!(await settleWithin(p, STEP_WAIT_MS)))
        log.warn({ waitedMs: STEP_WAIT_MS }, `${what} did not stop in time`);
    };
    this.closing = true;
    await step(
      'finality trackers',
      Promise.all([...this.trackers.values()].map((t) => t.stop())).finally(() => this.trackers.clear()),
    );
    await Promise.all([...this.groups.values()].map((g) => g.close()));
    const nc = this.nc;
    this.nc = undefined;
    if (nc) await step('NATS connection', nc.close());
    this.groups.clear();
    const pool = this.verifyPool;
    this.verifyPool = undefined;
    if (pool) await step('signature workers', pool.close());
  }
}
