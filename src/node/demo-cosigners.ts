import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { decryptKeystore, readKeystoreFile } from '../crypto/index.js';
import { toHex } from '../encoding/index.js';
import type { BlockSignature } from '../ledger/index.js';
import { checkCertificate } from './certificate.js';
import { DEMO_PASSWORD } from './demo.js';
import { DEFAULT_MODULES, type GongzhiNode } from './gongzhi-node.js';
import { GroupLedger } from './group-ledger.js';
import { NodeMetrics } from './metrics.js';

/** The quorum the demo's finality uses: the node's default (67 % of the group's organisations). */
const DEMO_QUORUM_PERCENT = 67;

interface Cosigner {
  readonly org: string;
  readonly ledger: GroupLedger;
}

/**
 * The demo consortium's other organisations, so that `npm start` shows real finality instead of
 * one node's signature standing for five organisations. Each organisation of a group gets its own
 * ledger (its own SQLite file under `<demo>/cosigners/<org>`) and its own node key from its own
 * keystore; it re-executes every block the demo node commits and signs the header only when its
 * own execution gives the same hash. A block whose signatures come from at least 67 % of the
 * group's organisations is marked final on the demo node, exactly as the network's finality
 * tracker would.
 *
 * What this does not give: independence. All the keys are on one machine, in one process, under
 * one password, so the demo shows the mechanism (and certificates that a verifier checks against a
 * finality quorum), not the trust of a consortium — that needs each organisation running its own
 * node (`gongzhi network init` / `network up`).
 */
export class DemoCosigners {
  /** A block was committed since the last drain began. */
  private again = false;
  private draining = false;
  private closed = false;
  private readonly unsubscribe: (() => void)[] = [];

  private constructor(
    private readonly node: GongzhiNode,
    private readonly cosigners: Map<string, readonly Cosigner[]>,
    private readonly log: Logger,
  ) {}

  /** Open a cosigning ledger for every other organisation of every group the node serves. */
  static async open(node: GongzhiNode, demoDir: string, logger: Logger): Promise<DemoCosigners> {
    // Their own ledgers' routine lines (genesis written, …) would repeat the demo node's: warnings only.
    const log = logger.child({ component: 'demo-cosigners' }, { level: 'warn' });
    const metrics = new NodeMetrics();
    const keys = new Map<string, Uint8Array>();
    const byGroup = new Map<string, Cosigner[]>();
    const opened: GroupLedger[] = [];
    try {
      for (const group of node.groupIds()) {
        const leader = node.group(group);
        const genesis = node.opts.genesis.find((g) => g.group === group);
        if (genesis === undefined) continue;
        const list: Cosigner[] = [];
        for (const org of genesis.orgs) {
          const n = org.nodes[0];
          if (n === undefined || n.id === node.opts.nodeId) continue;
          let secret = keys.get(org.id);
          if (secret === undefined) {
            const ks = await readKeystoreFile(join(demoDir, 'keys', `${org.id}-node.json`));
            secret = (await decryptKeystore(ks, DEMO_PASSWORD)).secretKey;
            keys.set(org.id, secret);
          }
          const dataDir = join(demoDir, 'cosigners', org.id);
          mkdirSync(dataDir, { recursive: true });
          const ledger = GroupLedger.open({
            genesis,
            suite: leader.suite,
            dataDir,
            nodeId: n.id,
            nodeSecretKey: secret,
            modules: node.opts.modules ?? DEFAULT_MODULES,
            mempoolLimit: 1,
            logger: log.child({ org: org.id }),
            metrics,
            // Never orders anything: it only applies the demo node's blocks.
            deferOrdering: true,
          });
          opened.push(ledger);
          list.push({ org: org.id, ledger });
        }
        byGroup.set(group, list);
      }
    } catch (e) {
      for (const l of opened) await l.close();
      throw e;
    }
    const c = new DemoCosigners(node, byGroup, log);
    for (const group of byGroup.keys()) {
      c.unsubscribe.push(node.group(group).onBlock(() => c.schedule()));
    }
    // Blocks committed before this start (the seeded demo data) are caught up in the background.
    c.schedule();
    return c;
  }

  private schedule(): void {
    if (this.closed) return;
    this.again = true;
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => this.drain());
    }
  }

  /** Bring every cosigner to the demo node's head, a block per turn of the event loop. */
  private drain(): void {
    this.again = false;
    if (this.closed) {
      this.draining = false;
      return;
    }
    let more = false;
    for (const [group, list] of this.cosigners) {
      try {
        more = this.step(group, list) || more;
      } catch (e) {
        // A cosigner that cannot replay a block stops signing; the demo node goes on, unfinal.
        this.log.error({ err: e, group }, 'demo cosigner stopped');
        this.cosigners.set(group, []);
      }
    }
    if (more || this.again) setImmediate(() => this.drain());
    else this.draining = false;
  }

  /** Apply the next block each cosigner lacks; returns whether any of them is still behind. */
  private step(group: string, list: readonly Cosigner[]): boolean {
    if (list.length === 0) return false;
    const leader = this.node.group(group);
    const height = Math.min(...list.map((c) => c.ledger.latest.height)) + 1;
    const block = leader.store.blockByHeight(height);
    if (block === undefined) return false;
    const txs = leader.store.txsOfBlock(height).map((t) => t.tx);
    const sigs = new Map<string, BlockSignature>(block.signatures.map((s) => [s.node, s]));
    for (const c of list) {
      if (c.ledger.latest.height < height) c.ledger.applyCertifiedBlock(block.header, block.signatures, txs);
      const own = c.ledger.store.blockByHeight(height)?.signatures.find((s) => s.node === c.ledger.nodeId);
      if (own) sigs.set(own.node, own);
    }
    const all = [...sigs.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    const cert = checkCertificate(leader.stateReader(), leader.suite, block.hash, all, DEMO_QUORUM_PERCENT);
    if (cert.ok && !leader.isFinal(height)) leader.markFinal(height, all);
    else if (!cert.ok)
      this.log.warn({ group, height, hash: toHex(block.hash), orgs: cert.orgs }, 'block short of quorum');
    return height < leader.latest.height;
  }

  /** Stop following and close the cosigners' ledgers (bounded: nothing here waits on the network). */
  async close(): Promise<void> {
    this.closed = true;
    for (const u of this.unsubscribe.splice(0)) u();
    for (const list of this.cosigners.values()) for (const c of list) await c.ledger.close();
  }
}
