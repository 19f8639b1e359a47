/**
 * Block and transaction explorer. Every view asks the node only for what it shows, through the
 * indexed routes: a page of blocks is one header-only page (`GET …/blocks?before=&limit=`), a
 * block is its header plus one page of its transactions (`…/blocks/{id}/txs?from=&limit=`), an
 * account's or a module's transactions come from the paged index route (`limit` + the `next`
 * cursor), a transaction is its own row (`…/txs/{hash}/receipt`; its inclusion proof, which needs
 * its block's other transactions, is fetched and checked when asked for) — so pages stay as fast
 * with millions of transactions, and with blocks of thousands, as with ten.
 */
import { type FormEvent, useState } from 'react';
import {
  type BlockHeaderResponse,
  type TxIndexEntry,
  type TxListResponse,
  type TxReceiptResponse,
  verifyTxInclusion,
} from '../../../src/sdk/index.js';
import { client, errorInfo } from '../api.js';
import type { PageProps } from '../app.js';
import { ErrorBox, Fields, Hex, Json, Mark, Section, Show, useLoad } from '../components.js';
import { formatTime, useI18n } from '../i18n.js';
import { href, Link, useRouter } from '../router.js';

const PAGE_BLOCKS = 10;
const PAGE_TXS = 20;
/** Transactions of one block per page ("show more" asks for the next). */
const BLOCK_TXS_PAGE = 50;

export function ExplorerPage({ group, rest }: PageProps) {
  const [kind, id] = rest;
  return (
    <div className="page">
      <SearchBox group={group} />
      {kind === 'block' && id !== undefined ? (
        <BlockView group={group} id={id} />
      ) : kind === 'tx' && id !== undefined ? (
        <TxView group={group} hash={id} />
      ) : kind === 'account' && id !== undefined ? (
        <TxList group={group} by={{ sender: id }} />
      ) : kind === 'module' && id !== undefined ? (
        <TxList group={group} by={{ module: id }} />
      ) : (
        <>
          <LatestBlocks group={group} />
          <ModuleBrowse group={group} />
        </>
      )}
    </div>
  );
}

/** Where a search term leads: a height, a hash (transaction first, then block), or an account. */
function SearchBox({ group }: { group: string }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [term, setTerm] = useState('');
  const [error, setError] = useState<ReturnType<typeof errorInfo> | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const q = term.trim().toLowerCase();
    if (/^[0-9]{1,15}$/.test(q)) return navigate(href(`/explorer/block/${q}`, group));
    if (/^gz[0-9a-f]{40}$/.test(q)) return navigate(href(`/explorer/account/${q}`, group));
    if (/^[0-9a-f]{64}$/.test(q)) {
      try {
        await client.txReceipt(group, q);
        return navigate(href(`/explorer/tx/${q}`, group));
      } catch (err) {
        if (errorInfo(err).code !== 'TX_NOT_FOUND') return setError(errorInfo(err));
      }
      return navigate(href(`/explorer/block/${q}`, group));
    }
    setError({ code: 'API_BAD_REQUEST', message: q, hint: t('searchPlaceholder') });
  };
  return (
    <form className="search" onSubmit={submit}>
      <input
        data-testid="search-input"
        aria-label={t('search')}
        placeholder={t('searchPlaceholder')}
        value={term}
        onChange={(e) => setTerm(e.target.value)}
      />
      <button type="submit" data-testid="search-button">
        {t('search')}
      </button>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

function LatestBlocks({ group }: { group: string }) {
  const { t, lang } = useI18n();
  const { loc, navigate } = useRouter();
  const at = loc.params.get('at');
  const [v, reload] = useLoad(async () => {
    const newest = await client.blocks(group, { limit: 1 });
    const latest = newest[0]?.height ?? 0;
    const top = at !== null && /^[0-9]+$/.test(at) ? Math.min(Number(at), latest) : latest;
    const blocks = await client.blocks(group, { before: top, limit: PAGE_BLOCKS });
    return { latest, top, blocks };
  }, [group, at]);
  const page = (top: number) => navigate(`${href('/explorer', group)}&at=${top}`);
  return (
    <Section title={t('latestBlocks')} testId="latest-blocks">
      <Show v={v} onRetry={reload}>
        {({ latest, top, blocks }) => (
          <>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('height')}</th>
                    <th>{t('hash')}</th>
                    <th>{t('time')}</th>
                    <th>{t('txCount')}</th>
                    <th>{t('final')}</th>
                  </tr>
                </thead>
                <tbody>
                  {blocks.map((b) => (
                    <tr key={b.height} data-testid="block-row">
                      <td>
                        <Link to={href(`/explorer/block/${b.height}`, group)}>{b.height}</Link>
                      </td>
                      <td>
                        <Hex value={b.hash} keep={8} />
                      </td>
                      <td>{formatTime(lang, b.header.timestamp)}</td>
                      <td>{b.header.txCount}</td>
                      <td>{b.final ? t('yes') : t('no')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="pager">
              <button
                type="button"
                disabled={top >= latest}
                onClick={() => page(Math.min(latest, top + PAGE_BLOCKS))}
              >
                {t('newer')}
              </button>
              <button
                type="button"
                data-testid="older"
                disabled={top - PAGE_BLOCKS < 0}
                onClick={() => page(top - PAGE_BLOCKS)}
              >
                {t('older')}
              </button>
            </div>
          </>
        )}
      </Show>
    </Section>
  );
}

function ModuleBrowse({ group }: { group: string }) {
  const { t } = useI18n();
  const [mods] = useLoad(() => client.modules(group), [group]);
  return (
    <Section title={t('moduleTxs')}>
      <Show v={mods}>
        {(m) => (
          <div className="chips">
            {m.modules.map((x) => (
              <Link key={x.name} to={href(`/explorer/module/${x.name}`, group)} className="chip">
                {x.name}
              </Link>
            ))}
          </div>
        )}
      </Show>
    </Section>
  );
}

function BlockView({ group, id }: { group: string; id: string }) {
  const { t, lang } = useI18n();
  const blockId = /^[0-9]+$/.test(id) ? Number(id) : id;
  const [v, reload] = useLoad<BlockHeaderResponse>(() => client.blockHeader(group, blockId), [group, id]);
  return (
    <Section title={`${t('block')} ${id.length > 15 ? '' : id}`} testId="block-view">
      <Show v={v} onRetry={reload}>
        {(b) => (
          <>
            <Fields
              rows={[
                [
                  t('height'),
                  <span key="h" data-testid="block-height">
                    {b.height}
                  </span>,
                ],
                [
                  t('hash'),
                  <code key="x" className="wrap">
                    {b.hash}
                  </code>,
                ],
                [t('time'), formatTime(lang, b.header.timestamp)],
                [
                  t('parent'),
                  b.height > 0 ? (
                    <Link key="p" to={href(`/explorer/block/${b.height - 1}`, group)}>
                      <Hex value={b.header.parent} />
                    </Link>
                  ) : (
                    <Hex key="p" value={b.header.parent} />
                  ),
                ],
                [t('txRoot'), <Hex key="tr" value={b.header.txRoot} />],
                [t('receiptRoot'), <Hex key="rr" value={b.header.receiptRoot} />],
                [t('stateRoot'), <Hex key="sr" value={b.header.stateRoot} />],
                [t('final'), b.final ? t('yes') : t('no')],
                [t('signatures'), b.signatures.map((s) => s.node).join(', ')],
              ]}
            />
            <h3>
              {t('transactions')} ({b.header.txCount})
            </h3>
            {b.header.txCount > 0 && (
              <BlockTxs key={`${group}:${b.height}`} group={group} height={b.height} />
            )}
          </>
        )}
      </Show>
    </Section>
  );
}

/** A block's transactions, BLOCK_TXS_PAGE at a time from the paged route; "show more" appends. */
function BlockTxs({ group, height }: { group: string; height: number }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<TxIndexEntry[]>([]);
  const [next, setNext] = useState<number | null>(0);
  const [more, setMore] = useState(0);
  const [v, reload] = useLoad(async () => {
    const from = next ?? 0;
    const page = await client.blockTxs(group, height, { from, limit: BLOCK_TXS_PAGE });
    // Appended once per page, even if the same page is answered twice.
    setRows((r) => (r.length === from ? [...r, ...page.txs] : r));
    setNext(page.next);
    return page;
  }, [group, height, more]);
  return (
    <>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t('index')}</th>
              <th>{t('hash')}</th>
              <th>{t('method')}</th>
              <th>{t('sender')}</th>
              <th>{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((x) => (
              <tr key={x.hash}>
                <td>{x.index}</td>
                <td>
                  <Link to={href(`/explorer/tx/${x.hash}`, group)} testId="block-tx">
                    <Hex value={x.hash} keep={8} />
                  </Link>
                </td>
                <td>
                  {x.module}.{x.method}
                </td>
                <td>
                  <Link to={href(`/explorer/account/${x.sender}`, group)}>
                    <Hex value={x.sender} keep={6} />
                  </Link>
                </td>
                <td className={x.status === 'ok' ? 'ok' : 'bad'}>{x.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {v.state === 'error' && <ErrorBox error={v.error} onRetry={reload} />}
      {v.state === 'loading' && <p className="muted">{t('loading')}</p>}
      {v.state === 'ok' && next !== null && (
        <button type="button" data-testid="block-txs-more" onClick={() => setMore((n) => n + 1)}>
          {t('showMore')}
        </button>
      )}
    </>
  );
}

/** The inclusion proof of a committed transaction, fetched and checked in the page when asked for. */
function InclusionCheck({ group, hash }: { group: string; hash: string }) {
  const { t } = useI18n();
  const [out, setOut] = useState<{ ok: boolean; text: string } | 'busy' | undefined>();
  const check = async () => {
    setOut('busy');
    try {
      const [tx, nodes] = await Promise.all([
        client.tx(group, hash),
        client.query<{ id: string; publicKey: string }[]>(group, 'governance', 'nodes').catch(() => []),
      ]);
      const r = verifyTxInclusion(tx, {
        trustedNodes: nodes.map((n) => ({ id: n.id, publicKey: n.publicKey })),
        group,
      });
      setOut(r.ok ? { ok: true, text: r.signedBy.join(', ') } : { ok: false, text: r.reason });
    } catch (err) {
      const e = errorInfo(err);
      setOut({ ok: false, text: `${e.code}: ${e.message}` });
    }
  };
  if (out === undefined || out === 'busy') {
    return (
      <p>
        <button type="button" data-testid="check-inclusion" disabled={out === 'busy'} onClick={check}>
          {t('checkInclusion')}
        </button>
      </p>
    );
  }
  return (
    <p className={out.ok ? 'ok-line' : 'bad-line'} data-testid="inclusion">
      <Mark ok={out.ok} /> {t('inclusion')}:{' '}
      {out.ok ? `${t('inclusionOk')} (${out.text})` : `${t('inclusionBad')}: ${out.text}`}
    </p>
  );
}

/**
 * The transaction and its receipt with events and writes, from the transaction's own row; its
 * inclusion proof on request (<InclusionCheck>).
 */
function TxView({ group, hash }: { group: string; hash: string }) {
  const { t } = useI18n();
  const [v, reload] = useLoad<TxReceiptResponse>(() => client.txReceipt(group, hash), [group, hash]);
  return (
    <Section title={t('transaction')} testId="tx-view">
      <Show v={v} onRetry={reload}>
        {(tx) => (
          <>
            <Fields
              rows={[
                [
                  t('hash'),
                  <code key="h" className="wrap">
                    {tx.hash}
                  </code>,
                ],
                [t('status'), tx.status === 'pending' ? t('pending') : (tx.receipt?.status ?? '')],
                [
                  t('block'),
                  tx.height === null ? (
                    '–'
                  ) : (
                    <Link key="b" to={href(`/explorer/block/${tx.height}`, group)}>
                      {tx.height}
                    </Link>
                  ),
                ],
                [t('index'), tx.index === null ? '–' : String(tx.index)],
                ...(tx.tx === null
                  ? []
                  : ([
                      [
                        t('sender'),
                        <Link key="s" to={href(`/explorer/account/${tx.tx.sender}`, group)}>
                          <code>{tx.tx.sender}</code>
                        </Link>,
                      ],
                      [
                        t('module'),
                        <span key="m" data-testid="tx-call">{`${tx.tx.module}.${tx.tx.method}`}</span>,
                      ],
                      [t('nonce'), <code key="n">{tx.tx.nonce}</code>],
                      [t('validUntil'), String(tx.tx.validUntil)],
                    ] as const)),
              ]}
            />
            {tx.status === 'committed' && <InclusionCheck group={group} hash={tx.hash} />}
            {tx.tx && (
              <>
                <h3>{t('args')}</h3>
                <Json value={tx.tx.args} />
              </>
            )}
            {tx.receipt && (
              <>
                <h3>
                  {t('events')} ({tx.receipt.events.length})
                </h3>
                {tx.receipt.events.map((e, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; their order is fixed by the receipt
                  <div key={`${e.module}.${e.name}.${i}`} className="event">
                    <strong>
                      {e.module}.{e.name}
                    </strong>
                    <Json value={e.data} />
                  </div>
                ))}
                <h3>
                  {t('writes')} ({tx.receipt.writes.length})
                </h3>
                <ul className="hash-list">
                  {tx.receipt.writes.map(([k, h]) => (
                    <li key={k}>
                      <code>{k}</code> → {h === null ? '∅' : <Hex value={h} keep={8} />}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </Show>
    </Section>
  );
}

/**
 * An account's or a module's transactions, newest first, PAGE_TXS at a time. The next page starts
 * at the cursor the node returns (`next`: the height and index of the last row shown), read from
 * the node's (sender|module, height, idx) index — no page repeats or skips a row, and each costs
 * the same however long the history.
 */
function TxList({ group, by }: { group: string; by: { sender: string } | { module: string } }) {
  const { t } = useI18n();
  const { loc, navigate } = useRouter();
  const before = loc.params.get('before');
  const beforeIndex = loc.params.get('bi');
  const name = 'sender' in by ? by.sender : by.module;
  const num = (v: string | null) => (v !== null && /^[0-9]{1,15}$/.test(v) ? Number(v) : undefined);
  const [v, reload] = useLoad<TxListResponse>(() => {
    const b = num(before);
    const bi = b === undefined ? undefined : num(beforeIndex);
    return client.txPage(group, {
      ...by,
      limit: PAGE_TXS,
      ...(b === undefined ? {} : { before: b }),
      ...(bi === undefined ? {} : { beforeIndex: bi }),
    });
  }, [group, name, before, beforeIndex]);
  const base = `/explorer/${'sender' in by ? 'account' : 'module'}/${name}`;
  return (
    <Section title={`${'sender' in by ? t('accountTxs') : t('moduleTxs')}: ${name}`} testId="tx-list">
      <Show v={v} onRetry={reload}>
        {({ txs, next }) => (
          <>
            {txs.length === 0 && <p className="muted">{t('empty')}</p>}
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('hash')}</th>
                    <th>{t('height')}</th>
                    <th>{t('method')}</th>
                    <th>{t('sender')}</th>
                    <th>{t('status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {txs.map((x) => (
                    <tr key={x.hash} data-testid="tx-row">
                      <td>
                        <Link to={href(`/explorer/tx/${x.hash}`, group)}>
                          <Hex value={x.hash} keep={8} />
                        </Link>
                      </td>
                      <td>
                        <Link to={href(`/explorer/block/${x.height}`, group)}>{x.height}</Link>
                      </td>
                      <td>
                        {x.module}.{x.method}
                      </td>
                      <td>
                        <Link to={href(`/explorer/account/${x.sender}`, group)}>
                          <Hex value={x.sender} keep={6} />
                        </Link>
                      </td>
                      <td className={x.status === 'ok' ? 'ok' : 'bad'}>{x.status}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="pager">
              <button type="button" disabled={before === null} onClick={() => navigate(href(base, group))}>
                {t('newer')}
              </button>
              <button
                type="button"
                data-testid="older"
                disabled={next === undefined}
                onClick={() =>
                  next && navigate(`${href(base, group)}&before=${next.before}&bi=${next.beforeIndex}`)
                }
              >
                {t('older')}
              </button>
            </div>
          </>
        )}
      </Show>
    </Section>
  );
}
