import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one node (a registry per node, so several nodes can share a process in tests). */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly blocks = new Counter({
    name: 'gongzhi_blocks_total',
    help: 'Blocks committed',
    labelNames: ['group'],
    registers: [this.registry],
  });
  readonly txs = new Counter({
    name: 'gongzhi_txs_total',
    help: 'Transactions committed, by receipt status',
    labelNames: ['group', 'status'],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'gongzhi_txs_rejected_total',
    help: 'Transactions rejected before ordering, by error code',
    labelNames: ['group', 'code'],
    registers: [this.registry],
  });
  readonly mempool = new Gauge({
    name: 'gongzhi_mempool_size',
    help: 'Transactions admitted and not yet committed',
    labelNames: ['group'],
    registers: [this.registry],
  });
  readonly height = new Gauge({
    name: 'gongzhi_block_height',
    help: 'Latest committed height',
    labelNames: ['group'],
    registers: [this.registry],
  });
  readonly commitLatency = new Histogram({
    name: 'gongzhi_commit_latency_seconds',
    help: 'Time from admission to block commit',
    labelNames: ['group'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5],
    registers: [this.registry],
  });
  readonly blockExecution = new Histogram({
    name: 'gongzhi_block_execution_seconds',
    help: 'Time to execute and commit one block',
    labelNames: ['group'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
}
