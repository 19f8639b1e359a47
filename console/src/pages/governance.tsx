/**
 * Organisations and governance: who runs the group (organisations, their admins and nodes), the
 * committee with weights and the pass threshold (a percentage of the total active weight), the
 * chain parameters, the permission table (method → roles) and every proposal with its votes.
 * All from the governance module's queries.
 */
import { client } from '../api.js';
import type { PageProps } from '../app.js';
import { Hex, Json, Section, Show, useLoad } from '../components.js';
import { useI18n } from '../i18n.js';
import { href, Link } from '../router.js';

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
  const [proposals] = useLoad(() => client.query<Proposal[]>(group, 'governance', 'proposals'), [group]);
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
