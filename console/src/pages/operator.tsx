/**
 * Node operations: the node's health (each group's height, final height, how far finality lags,
 * mempool, a halted group's reason), the consortium's nodes and whether each signed the newest
 * block (the finality signatures in network mode), and the node's own Prometheus metrics
 * (/metrics) sampled every SAMPLE_MS in the page: tx/s and mempool charts, block execution and
 * commit latency means, rejections by code. Everything from the public API.
 */
import { useEffect, useState } from 'react';
import type { HealthResponse } from '../../../src/sdk/index.js';
import { client, type ErrorInfo, errorInfo, nodeHealth } from '../api.js';
import type { PageProps } from '../app.js';
import { ErrorBox, Hex, Mark, Section, Show, useLoad } from '../components.js';
import { useI18n } from '../i18n.js';
import { meanMs, parseMetrics, type Sample, total } from '../prometheus.js';

const SAMPLE_MS = 2000;
/** Points kept for the charts: two minutes. */
const KEEP = 60;

interface Point {
  readonly at: number;
  readonly txs: number;
  readonly mempool: number;
}

/** /health and /metrics every SAMPLE_MS; the last KEEP points of the group's counters. */
function useSamples(group: string) {
  const [state, setState] = useState<{
    health?: HealthResponse;
    samples?: Sample[];
    points: Point[];
    error?: ErrorInfo;
  }>({ points: [] });
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const [health, text] = await Promise.all([nodeHealth(), client.metrics()]);
        const samples = parseMetrics(text);
        const point: Point = {
          at: Date.now(),
          txs: total(samples, 'gongzhi_txs_total', { group }),
          mempool: total(samples, 'gongzhi_mempool_size', { group }),
        };
        if (!stop) setState((s) => ({ health, samples, points: [...s.points, point].slice(-KEEP) }));
      } catch (e) {
        if (!stop) setState((s) => ({ ...s, error: errorInfo(e) }));
      }
      if (!stop) timer = setTimeout(tick, SAMPLE_MS);
    };
    void tick();
    return () => {
      stop = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [group]);
  return state;
}

/** tx/s between consecutive points. */
function rates(points: readonly Point[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    const dt = (b.at - a.at) / 1000;
    out.push(dt > 0 ? Math.max(0, b.txs - a.txs) / dt : 0);
  }
  return out;
}

/** A small line chart with its title and the latest value as text (the chart is decoration). */
function Spark({ title, values, testId }: { title: string; values: readonly number[]; testId: string }) {
  const w = 240;
  const h = 48;
  const max = Math.max(1, ...values);
  const pts = values
    .map((v, i) => `${(i / Math.max(1, KEEP - 1)) * w},${h - (v / max) * (h - 2) - 1}`)
    .join(' ');
  const last = values.at(-1);
  return (
    <figure className="spark" data-testid={testId}>
      <figcaption>
        {title}: <strong>{last === undefined ? '–' : last.toFixed(last < 10 ? 1 : 0)}</strong>
      </figcaption>
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-hidden="true">
        <polyline points={pts} fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
    </figure>
  );
}

export function OperatorPage({ group }: PageProps) {
  const { t } = useI18n();
  const s = useSamples(group);
  const samples = s.samples ?? [];
  const g = s.health?.groups.find((x) => x.id === group);
  const halted = (s.health?.groups ?? []).filter((x) => x.halted !== undefined);
  const rejected = samples.filter((x) => x.name === 'gongzhi_txs_rejected_total' && x.labels.group === group);
  const execMs = meanMs(samples, 'gongzhi_block_execution_seconds', { group });
  const commitMs = meanMs(samples, 'gongzhi_commit_latency_seconds', { group });
  return (
    <div className="page">
      <p>{t('operatorIntro')}</p>
      {s.error && <ErrorBox error={s.error} />}
      <Section title={t('nodeHealth')} testId="op-health">
        {s.health === undefined ? (
          <p className="muted">{t('loading')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t('group')}</th>
                  <th>{t('height')}</th>
                  <th>{t('finalHeight')}</th>
                  <th>{t('behind')}</th>
                  <th>{t('mempool')}</th>
                  <th>{t('health')}</th>
                </tr>
              </thead>
              <tbody>
                {s.health.groups.map((x) => (
                  <tr key={x.id} data-testid={`op-group-${x.id}`}>
                    <td>{x.id}</td>
                    <td>{x.height}</td>
                    <td>{x.finalHeight}</td>
                    <td>{Math.max(0, x.height - x.finalHeight)}</td>
                    <td>{x.mempool}</td>
                    <td>{x.halted === undefined ? t('healthOk') : `${t('healthHalted')}: ${x.halted}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3>{t('haltedGroups')}</h3>
        {halted.length === 0 ? (
          <p className="muted" data-testid="op-halted">
            {t('noneHalted')}
          </p>
        ) : (
          <ul data-testid="op-halted">
            {halted.map((x) => (
              <li key={x.id}>
                <strong>{x.id}</strong>: {x.halted}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Peers group={group} />
      <Section title={`${t('metrics')} (${group})`} testId="op-metrics">
        <p className="muted">{t('sampled')}</p>
        <div className="sparks">
          <Spark title={t('chartTxRate')} values={rates(s.points)} testId="chart-txrate" />
          <Spark title={t('chartMempool')} values={s.points.map((p) => p.mempool)} testId="chart-mempool" />
        </div>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('metricName')}</th>
                <th>{t('metricValue')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{t('height')}</td>
                <td data-testid="metric-height">{g?.height ?? '–'}</td>
              </tr>
              <tr>
                <td>{t('blocksTotal')}</td>
                <td data-testid="metric-blocks">{total(samples, 'gongzhi_blocks_total', { group })}</td>
              </tr>
              <tr>
                <td>{t('txsTotal')}</td>
                <td data-testid="metric-txs">{total(samples, 'gongzhi_txs_total', { group })}</td>
              </tr>
              <tr>
                <td>{t('blockTime')}</td>
                <td>{execMs === undefined ? '–' : execMs.toFixed(1)}</td>
              </tr>
              <tr>
                <td>{t('commitLatency')}</td>
                <td>{commitMs === undefined ? '–' : commitMs.toFixed(1)}</td>
              </tr>
              <tr>
                <td>{t('rejectedTotal')}</td>
                <td>
                  {rejected.length === 0
                    ? 0
                    : rejected.map((x) => `${x.labels.code ?? '?'}: ${x.value}`).join(', ')}
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      </Section>
    </div>
  );
}

/** The consortium's nodes (governance `nodes`) and which of them signed the newest block. */
function Peers({ group }: { group: string }) {
  const { t } = useI18n();
  const [v, reload] = useLoad(async () => {
    const [nodes, latest] = await Promise.all([
      client.query<{ id: string; publicKey: string; org: string }[]>(group, 'governance', 'nodes'),
      client.blocks(group, { limit: 1 }),
    ]);
    const signed = new Set((latest[0]?.signatures ?? []).map((x) => x.node));
    return { nodes, signed, height: latest[0]?.height ?? 0 };
  }, [group]);
  return (
    <Section title={t('peers')} testId="op-peers">
      <Show v={v} onRetry={reload}>
        {({ nodes, signed, height }) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t('nodeId')}</th>
                  <th>{t('org')}</th>
                  <th>{t('nodeKey')}</th>
                  <th>
                    {t('finality')} ({t('block')} {height})
                  </th>
                </tr>
              </thead>
              <tbody>
                {nodes.map((n) => (
                  <tr key={n.id} data-testid="op-peer">
                    <td>{n.id}</td>
                    <td>{n.org}</td>
                    <td>
                      <Hex value={n.publicKey} keep={6} />
                    </td>
                    <td>
                      <Mark ok={signed.has(n.id)} />{' '}
                      {signed.has(n.id) ? t('signedLatest') : t('notSignedLatest')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </Section>
  );
}
