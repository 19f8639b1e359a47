/**
 * Overview: the node, its chain and every group's heights, final heights, pending transactions
 * and tx/s — live from each group's SSE block stream (the SDK reconnects with backoff after a
 * node restart) and from /health, polled with backoff while the node is unreachable.
 */
import { useEffect, useRef, useState } from 'react';
import type { BlockEventView, HealthResponse, NodeInfoResponse } from '../../../src/sdk/index.js';
import { client, type ErrorInfo, errorInfo, nodeHealth } from '../api.js';
import type { PageProps } from '../app.js';
import { ErrorBox, Fields, Hex, Section } from '../components.js';
import { formatTime, useI18n } from '../i18n.js';
import { href, Link } from '../router.js';

const POLL_MS = 5000;
const RETRY_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
const RATE_WINDOW_MS = 60_000;

interface GroupLive {
  height: number;
  lastTimestamp?: number;
  /** [timestamp, txCount] of the blocks seen in the last minute. */
  recent: [number, number][];
}

/**
 * /health every POLL_MS; after a failure, retry sooner (RETRY_MS, doubling up to MAX_BACKOFF_MS)
 * so that a restarted node is seen again within seconds.
 */
function useHealth(onResult: (ok: boolean) => void): { health?: HealthResponse; error?: ErrorInfo } {
  const [state, setState] = useState<{ health?: HealthResponse; error?: ErrorInfo }>({});
  const report = useRef(onResult);
  report.current = onResult;
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let retry = RETRY_MS;
    const tick = async () => {
      let delay = POLL_MS;
      try {
        const health = await nodeHealth();
        retry = RETRY_MS;
        if (!stop) {
          setState({ health });
          report.current(true);
        }
      } catch (e) {
        delay = retry;
        retry = Math.min(MAX_BACKOFF_MS, retry * 2);
        if (!stop) {
          setState((s) => ({ ...s, error: errorInfo(e) }));
          report.current(false);
        }
      }
      if (!stop) timer = setTimeout(tick, delay);
    };
    void tick();
    return () => {
      stop = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);
  return state;
}

/**
 * Follow the block stream of every group; `onResult` hears of each event and each stream error.
 * A new `generation` (the node answered again after being unreachable) starts the streams afresh
 * from the block after the last one seen, instead of waiting out the SDK's reconnect backoff.
 * A group with no block seen yet starts after the height /health last gave (`known`): a stream
 * opened "from now" would miss a block committed between that answer and the stream's start —
 * after a restart the page showed the new height (from /health) but never the block itself.
 */
function useLiveGroups(
  ids: readonly string[],
  generation: number,
  known: Readonly<Record<string, number>>,
  onResult: (ok: boolean) => void,
): Record<string, GroupLive> {
  const [live, setLive] = useState<Record<string, GroupLive>>({});
  const key = ids.join(',');
  const idsRef = useRef(ids);
  idsRef.current = ids;
  const report = useRef(onResult);
  report.current = onResult;
  const seen = useRef<Record<string, number>>({});
  const knownRef = useRef(known);
  knownRef.current = known;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the list of ids
  useEffect(() => {
    const stops = idsRef.current.map((id) => {
      const last = seen.current[id] ?? knownRef.current[id];
      // The SDK reconnects by itself (doubling delay from reconnectMs), resuming after the last block.
      return client.subscribe(
        id,
        {
          onError: () => report.current(false),
          reconnectMs: 500,
          ...(last === undefined ? {} : { from: last + 1 }),
        },
        (e: BlockEventView) => {
          report.current(true);
          seen.current[id] = e.height;
          setLive((prev) => {
            const old = prev[id];
            const recent = [...(old?.recent ?? []), [e.timestamp, e.txCount] as [number, number]].filter(
              ([ts]) => ts > e.timestamp - RATE_WINDOW_MS,
            );
            return { ...prev, [id]: { height: e.height, lastTimestamp: e.timestamp, recent } };
          });
        },
      );
    });
    return () => {
      for (const s of stops) s();
    };
  }, [key, generation]);
  return live;
}

function txRate(g: GroupLive | undefined): string {
  if (g === undefined || g.recent.length === 0) return '0';
  const txs = g.recent.reduce((n, [, c]) => n + c, 0);
  return (txs / (RATE_WINDOW_MS / 1000)).toFixed(2);
}

export function OverviewPage(_: PageProps) {
  const { t, lang } = useI18n();
  const [info, setInfo] = useState<NodeInfoResponse | undefined>();
  const [infoError, setInfoError] = useState<ErrorInfo | undefined>();
  const [orgCounts, setOrgCounts] = useState<Record<string, number>>({});
  // Online until a poll or a stream fails; online again at the next answer or block.
  const [online, setOnline] = useState(true);
  const [generation, setGeneration] = useState(0);
  const healthFailed = useRef(false);
  const onHealth = (ok: boolean) => {
    if (!ok) healthFailed.current = true;
    else if (healthFailed.current) {
      healthFailed.current = false;
      setGeneration((n) => n + 1);
    }
    setOnline(ok);
  };
  const { health } = useHealth(onHealth);
  const ids = health?.groups.map((g) => g.id) ?? info?.groups.map((g) => g.id) ?? [];
  const known: Record<string, number> = {};
  for (const g of health?.groups ?? []) known[g.id] = g.height;
  const live = useLiveGroups(ids, generation, known, setOnline);

  useEffect(() => {
    client.node().then(
      (i) => {
        setInfo(i);
        for (const g of i.groups) {
          client.query<unknown[]>(g.id, 'governance', 'orgs').then(
            (orgs) => setOrgCounts((c) => ({ ...c, [g.id]: Array.isArray(orgs) ? orgs.length : 0 })),
            () => {},
          );
        }
      },
      (e: unknown) => setInfoError(errorInfo(e)),
    );
  }, []);

  const statusLabel =
    health?.status === 'halted'
      ? t('healthHalted')
      : health?.status === 'shutting-down'
        ? t('healthShutting')
        : t('healthOk');
  return (
    <div className="page">
      <div className={`conn ${online ? 'conn-ok' : 'conn-bad'}`} data-testid="connection" role="status">
        {online ? t('live') : t('reconnecting')}
      </div>
      {infoError && <ErrorBox error={infoError} />}
      {info && (
        <Section title={t('node')} testId="node-card">
          <Fields
            rows={[
              [t('nodeId'), info.nodeId],
              [t('org'), info.org],
              [t('chain'), <code key="c">{info.chain}</code>],
              [t('suite'), info.suite],
              [
                t('health'),
                <span key="h" data-testid="health-status">
                  {statusLabel}
                </span>,
              ],
            ]}
          />
        </Section>
      )}
      <h2 className="page-title">{t('groups')}</h2>
      <div className="grid">
        {(health?.groups ?? []).map((g) => {
          const l = live[g.id];
          const height = Math.max(g.height, l?.height ?? 0);
          return (
            <section className="card" key={g.id} data-testid={`group-${g.id}`}>
              <h3>
                <Link to={href('/explorer', g.id)}>{g.id}</Link>
              </h3>
              <div className="stats">
                <Stat label={t('height')} value={String(height)} testId={`height-${g.id}`} />
                <Stat label={t('finalHeight')} value={String(g.finalHeight)} />
                <Stat label={t('mempool')} value={String(g.mempool)} />
                <Stat label={t('txRate')} value={txRate(l)} />
                <Stat label={t('orgCount')} value={String(orgCounts[g.id] ?? '–')} />
              </div>
              {l?.lastTimestamp !== undefined && (
                <p className="muted">
                  {t('lastBlock')}: {formatTime(lang, l.lastTimestamp)}
                </p>
              )}
              {g.halted !== undefined && (
                <p className="bad">
                  {t('halted')}: {g.halted}
                </p>
              )}
              {info && (
                <p className="muted">
                  {t('genesisHash')}{' '}
                  <Hex value={info.groups.find((x) => x.id === g.id)?.genesisHash ?? ''} keep={8} />
                </p>
              )}
            </section>
          );
        })}
      </div>
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      <div className="stat-label">{label}</div>
    </div>
  );
}
