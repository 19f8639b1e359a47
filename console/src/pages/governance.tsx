/**
 * Organisations and governance: who runs the group (organisations, their admins and nodes), the
 * committee with weights and the pass threshold (a percentage of the total active weight), the
 * chain parameters, the permission table (method → roles) and every proposal with its votes.
 * All from the governance module's queries.
 */
import { type FormEvent, useState } from 'react';
import type { CborValue } from '../../../src/sdk/index.js';
import { client } from '../api.js';
import type { PageProps } from '../app.js';
import { Hex, Json, Section, Show, useLoad } from '../components.js';
import { useI18n } from '../i18n.js';
import { href, Link } from '../router.js';
import { SendOutcome, UnlockFirst, useSend } from '../signed-form.js';
import { useWallet } from '../wallet.js';

interface Org {
  id: string;
  name: string;
  admins: string[];
  nodes: { id: string; publicKey: string }[];
}
interface Committee {
  members: { account: string; weight: number }[];
  threshold: number;
}
interface Proposal {
  id: number;
  action: { type: string; [k: string]: unknown };
  status: string;
  proposer: string;
  votes: Record<string, boolean>;
  createdAt: number;
  expiresAt: number;
  closedAt?: number;
}

export function GovernancePage({ group }: PageProps) {
  const { t } = useI18n();
  const [orgs, reloadOrgs] = useLoad(() => client.query<Org[]>(group, 'governance', 'orgs'), [group]);
  const [committee, reloadCommittee] = useLoad(
    () => client.query<Committee>(group, 'governance', 'committee'),
    [group],
  );
  const [params] = useLoad(
    () => client.query<Record<string, number>>(group, 'governance', 'params'),
    [group],
  );
  const [perms] = useLoad(
    () => client.query<Record<string, string[]>>(group, 'governance', 'permissions'),
    [group],
  );
  const [proposals, reloadProposals] = useLoad(
    () => client.query<Proposal[]>(group, 'governance', 'proposals'),
    [group],
  );
  const wallet = useWallet();
  const [voteState, sendVote] = useSend();
  const [voted, setVoted] = useState<number | undefined>();
  const vote = (id: number, approve: boolean) => {
    setVoted(id);
    void sendVote(async () => {
      const r = await wallet.send(group, 'governance', 'vote', { id, approve });
      reloadProposals();
      return r;
    });
  };
  const account = (a: string) => (
    <Link to={href(`/explorer/account/${a}`, group)}>
      <Hex value={a} keep={8} />
    </Link>
  );
  return (
    <div className="page">
      <Section title={t('orgs')} testId="orgs">
        <Show v={orgs} onRetry={reloadOrgs}>
          {(list) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('orgId')}</th>
                    <th>{t('orgName')}</th>
                    <th>{t('admins')}</th>
                    <th>{t('nodes')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((o) => (
                    <tr key={o.id}>
                      <td>
                        <code>{o.id}</code>
                      </td>
                      <td>{o.name}</td>
                      <td>
                        {o.admins.map((a) => (
                          <div key={a}>
                            <Hex value={a} keep={6} />
                          </div>
                        ))}
                      </td>
                      <td>
                        {o.nodes.map((n) => (
                          <div key={n.id}>{n.id}</div>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Show>
      </Section>
      <Section title={t('committee')} testId="committee">
        <Show v={committee} onRetry={reloadCommittee}>
          {(c) => {
            const total = c.members.reduce((n, m) => n + m.weight, 0);
            return (
              <>
                <p data-testid="threshold">
                  <strong>{t('threshold')}:</strong> {c.threshold} {t('thresholdUnit')} · {t('weight')}{' '}
                  {total}
                </p>
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th>{t('account')}</th>
                        <th>{t('weight')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.members.map((m) => (
                        <tr key={m.account}>
                          <td>{account(m.account)}</td>
                          <td>{m.weight}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            );
          }}
        </Show>
      </Section>
      <Section title={t('params')} testId="params">
        <Show v={params}>
          {(p) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('paramName')}</th>
                    <th>{t('paramValue')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(p).map(([k, v]) => (
                    <tr key={k}>
                      <td>
                        <code>{k}</code>
                      </td>
                      <td>{String(v)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Show>
      </Section>
      <Section title={t('permissions')} testId="permissions">
        <Show v={perms}>
          {(p) => (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('method')}</th>
                    <th>{t('roles')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(p).map(([m, roles]) => (
                    <tr key={m}>
                      <td>
                        <code>{m}</code>
                      </td>
                      <td>{roles.map((r) => (r === '*' ? t('anyone') : r)).join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Show>
      </Section>
      <Section title={t('proposeTitle')} testId="propose">
        <ProposeForm group={group} onProposed={reloadProposals} />
      </Section>
      <Section title={t('proposals')} testId="proposals">
        <Show v={proposals}>
          {(list) =>
            list.length === 0 ? (
              <p className="muted">{t('empty')}</p>
            ) : (
              [...list]
                .sort((a, b) => b.id - a.id)
                .map((p) => {
                  const votes = Object.entries(p.votes);
                  const yes = votes.filter(([, v]) => v).length;
                  return (
                    <div key={p.id} className="proposal">
                      <h3>
                        {t('proposal')} #{p.id} · <span className="chip">{p.status}</span>
                      </h3>
                      <p>
                        {t('proposer')}: {account(p.proposer)} · {t('createdAt')} {p.createdAt} ·{' '}
                        {p.closedAt === undefined
                          ? `${t('expiresAt')} ${p.expiresAt}`
                          : `${t('closedAt')} ${p.closedAt}`}
                      </p>
                      <p>
                        {t('votes')}: {yes} {t('approve')} / {votes.length - yes} {t('reject')}
                      </p>
                      <div className="vote" data-testid={`vote-${p.id}`}>
                        {p.status === 'open' && <VoteButtons id={p.id} onVote={vote} />}
                        {voted === p.id && <SendOutcome state={voteState} group={group} />}
                      </div>
                      <details>
                        <summary>
                          {t('action')}: {p.action.type}
                        </summary>
                        <Json value={p.action} />
                        <ul>
                          {votes.map(([a, v]) => (
                            <li key={a}>
                              {account(a)} {v ? t('approve') : t('reject')}
                            </li>
                          ))}
                        </ul>
                      </details>
                    </div>
                  );
                })
            )
          }
        </Show>
      </Section>
    </div>
  );
}

/**
 * Approve or reject an open proposal as the unlocked account (a committee member). The outcome
 * lives in the page (`state`), not here: the proposal list reloads after a vote.
 */
function VoteButtons({ id, onVote }: { id: number; onVote: (id: number, approve: boolean) => void }) {
  const { t } = useI18n();
  const wallet = useWallet();
  if (wallet.key === undefined) return null;
  return (
    <>
      <button type="button" data-testid="vote-approve" onClick={() => onVote(id, true)}>
        {t('voteApprove')}
      </button>{' '}
      <button type="button" data-testid="vote-reject" onClick={() => onVote(id, false)}>
        {t('voteReject')}
      </button>
    </>
  );
}

const EXAMPLE_ACTION = '{"type": "setParam", "name": "maxBlockTxs", "value": 2000}';

/** A proposal's action as JSON (the governance module's action schema), signed and sent. */
function ProposeForm({ group, onProposed }: { group: string; onProposed: () => void }) {
  const { t } = useI18n();
  const wallet = useWallet();
  const [text, setText] = useState(EXAMPLE_ACTION);
  const [state, send] = useSend();
  if (wallet.key === undefined) return <UnlockFirst group={group} />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(async () => {
      let action: CborValue;
      try {
        action = JSON.parse(text) as CborValue;
      } catch {
        throw new Error(`action: ${t('badJson')}`);
      }
      const r = await wallet.send(group, 'governance', 'propose', { action });
      onProposed();
      return r;
    });
  };
  return (
    <form className="query-form" onSubmit={submit} data-testid="propose-form">
      <label htmlFor="propose-action">{t('proposeIntro')}</label>
      <textarea id="propose-action" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" data-testid="propose-button" disabled={state !== undefined && 'busy' in state}>
        {t('signAndSend')}
      </button>
      <SendOutcome state={state} group={group} />
    </form>
  );
}
