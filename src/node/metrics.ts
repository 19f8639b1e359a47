import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the health gauges read of each group (HealthReading of ./health.ts fits; declared here so metrics imports nothing of the node). */
export interface HealthReading {
  readonly id: string;
  readonly ordering: { readonly reachable: boolean };
  readonly lastCutAgeMs: number;
  readonly cutStallMs: number;
  readonly finalHeight: number;
  readonly finalLag?: number;
  readonly finality?: { readonly stalledMs: number };
  readonly degraded: readonly string[];
  readonly halted?: string;
}

/** A gauge per group filled from the health report at each scrape. */
function healthGauge(
  registry: Registry,
  name: string,
  help: string,
  source: () => readonly HealthReading[],
  value: (h: HealthReading) => number | undefined,
): Gauge {
  return new Gauge({
    name,
    help,
    labelNames: ['group'],
    registers: [registry],
    collect() {
      this.reset();
      for (const h of source()) {
        const v = value(h);
        if (v !== undefined) this.set({ group: h.id }, v);
      }
    },
  });
}

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
  readonly recoveries = new Counter({
    name: 'gongzhi_divergence_recoveries_total',
    help: 'Times a group rewound to its last final block after a quorum signed a different block',
    labelNames: ['group'],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'gongzhi_txs_rejected_total',
    help: 'Transactions rejected before ordering, by error code',
    labelNames: ['group', 'code'],
    registers: [this.registry],
  });
  readonly admitJobs = new Counter({
    name: 'gongzhi_admit_jobs_total',
    help: 'Admission jobs (e.g. ballot proofs) run, by thread: worker (the verify pool) or main',
    labelNames: ['group', 'thread'],
    registers: [this.registry],
  });
  readonly foreignAdmitJobs = new Counter({
    name: 'gongzhi_block_admit_jobs_total',
    help: 'Admission jobs run before a block for its transactions this node did not admit, by thread: worker or main',
    labelNames: ['group', 'thread'],
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
  private healthSource: () => readonly HealthReading[] = () => [];

  /** Where the health gauges read from (the node, once it has groups). */
  setHealthSource(source: () => readonly HealthReading[]): void {
    this.healthSource = source;
  }

  private readonly health = () => this.healthSource();

  readonly orderingReachable = healthGauge(
    this.registry,
    'gongzhi_ordering_reachable',
    '1 while the ordering service answers, 0 while it does not',
    this.health,
    (h) => (h.ordering.reachable ? 1 : 0),
  );
  readonly lastCutAge = healthGauge(
    this.registry,
    'gongzhi_last_cut_age_seconds',
    'Seconds since this node committed a block',
    this.health,
    (h) => h.lastCutAgeMs / 1000,
  );
  readonly cutStall = healthGauge(
    this.registry,
    'gongzhi_cut_stall_seconds',
    'Seconds the oldest pending transaction has waited with no block cut (0 when none pends)',
    this.health,
    (h) => h.cutStallMs / 1000,
  );
  readonly finalHeight = healthGauge(
    this.registry,
    'gongzhi_final_height',
    'Highest block up to which every block is final',
    this.health,
    (h) => h.finalHeight,
  );
  readonly finalLag = healthGauge(
    this.registry,
    'gongzhi_final_lag_blocks',
    'Head height minus final height (networked groups)',
    this.health,
    (h) => h.finalLag,
  );
  readonly finalStall = healthGauge(
    this.registry,
    'gongzhi_final_stall_seconds',
    'Seconds the final height has not moved with blocks above it (networked groups)',
    this.health,
    (h) => (h.finality === undefined ? undefined : h.finality.stalledMs / 1000),
  );
  readonly degraded = healthGauge(
    this.registry,
    'gongzhi_degraded',
    '1 while the group is degraded (see GET /health), else 0',
    this.health,
    (h) => (h.degraded.length > 0 || h.halted !== undefined ? 1 : 0),
  );
  readonly blockExecution = new Histogram({
    name: 'gongzhi_block_execution_seconds',
    help: 'Time to execute and commit one block',
    labelNames: ['group'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
}
