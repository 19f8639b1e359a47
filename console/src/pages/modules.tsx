/**
 * Every module the group runs, from GET /v1/groups/{group}/modules: its methods (argument schema
 * as a field table, default roles) and its queries, each with a form that runs it. Modules added
 * later appear here without new console code.
 */
import { client } from '../api.js';
import type { PageProps } from '../app.js';
import { Section, Show, useLoad } from '../components.js';
import { type Translate, useI18n } from '../i18n.js';
import { QueryForm } from '../query-form.js';
import { href, Link } from '../router.js';
import { fieldsOf } from '../schema.js';
import { MethodForm } from '../signed-form.js';

function FieldTable({ schema, t }: { schema: unknown; t: Translate }) {
  const fields = fieldsOf(schema);
  if (fields.length === 0) return <p className="muted">{t('noArgs')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t('field')}</th>
            <th>{t('type')}</th>
            <th>{t('required')}</th>
            <th>{t('description')}</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={f.name}>
              <td>
                <code>{f.name}</code>
              </td>
              <td>
                <code>{f.type}</code>
              </td>
              <td>{f.required ? t('yes') : t('no')}</td>
              <td>
                {f.description}
                {f.pattern && <code className="muted"> {f.pattern}</code>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ModulesPage({ group, rest }: PageProps) {
  const { t } = useI18n();
  const [mods, reload] = useLoad(() => client.modules(group), [group]);
  const only = rest[0];
  return (
    <div className="page">
      <p>{t('modulesIntro')}</p>
      <Show v={mods} onRetry={reload}>
        {(m) => (
          <>
            <div className="chips">
              {m.modules.map((x) => (
                <Link
                  key={x.name}
                  to={href(`/modules/${x.name}`, group)}
                  className={`chip ${x.name === only ? 'active' : ''}`}
                  testId={`module-${x.name}`}
                >
                  {x.name}
                </Link>
              ))}
            </div>
            {m.modules
              .filter((x) => only === undefined || x.name === only)
              .map((x) => (
                <Section key={x.name} title={x.name} testId={`module-card-${x.name}`}>
                  <p>{x.summary}</p>
                  <h3>
                    {t('queriesTitle')} ({x.queries.length})
                  </h3>
                  {x.queries.map((q) => (
                    <details key={q.name} className="op" data-testid={`query-${x.name}.${q.name}`}>
                      <summary>
                        <code>{q.name}</code> <span className="muted">{q.summary}</span>
                      </summary>
                      <QueryForm group={group} module={x.name} query={q.name} args={q.args} />
                    </details>
                  ))}
                  <h3>
                    {t('methodsTitle')} ({x.methods.length})
                  </h3>
                  {x.methods.map((me) => (
                    <details key={me.name} className="op" data-testid={`method-card-${x.name}.${me.name}`}>
                      <summary>
                        <code>{me.name}</code> <span className="muted">{me.summary}</span>
                      </summary>
                      <p>
                        {t('defaultRoles')}: {me.roles.map((r) => (r === '*' ? t('anyone') : r)).join(', ')}
                      </p>
                      <FieldTable schema={me.args} t={t} />
                      <MethodForm group={group} module={x.name} method={me.name} args={me.args} />
                    </details>
                  ))}
                </Section>
              ))}
          </>
        )}
      </Show>
    </div>
  );
}
