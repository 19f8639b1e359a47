/**
 * A form for one module query, built from its argument schema: a text field per parameter (a
 * select when the schema lists its values), run with the SDK's `client.query`; the result is shown
 * as JSON, a failure as its code and hint.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import type { JsonValue } from '../../src/sdk/index.js';
import { client, type ErrorInfo, errorInfo } from './api.js';
import { ErrorBox, Json } from './components.js';
import { useI18n } from './i18n.js';
import { fieldsOf } from './schema.js';

export function QueryForm({
  group,
  module,
  query,
  args,
  initial,
  render,
  testId,
}: {
  group: string;
  module: string;
  query: string;
  args: unknown;
  initial?: Readonly<Record<string, string>>;
  /** How to show the result (default: JSON). */
  render?: (result: JsonValue) => ReactNode;
  testId?: string;
}) {
  const { t } = useI18n();
  const fields = fieldsOf(args);
  const [values, setValues] = useState<Record<string, string>>(() => ({ ...initial }));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: JsonValue } | { error: ErrorInfo } | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const q: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) if (v !== '') q[k] = v;
    try {
      setResult({ ok: await client.query(group, module, query, q) });
    } catch (err) {
      setResult({ error: errorInfo(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="query-form" onSubmit={submit} data-testid={testId ?? `query-${module}-${query}`}>
      {fields.length === 0 && <p className="muted">{t('noArgs')}</p>}
      {fields.map((f) => {
        const id = `q-${module}-${query}-${f.name}`;
        return (
          <div key={f.name} className="form-row">
            <label htmlFor={id}>
              <code>{f.name}</code>
              {f.required ? ' *' : ''} <span className="muted">{f.description}</span>
            </label>
            {f.choices ? (
              <select
                id={id}
                name={f.name}
                value={values[f.name] ?? ''}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              >
                <option value="">–</option>
                {f.choices.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={f.name}
                value={values[f.name] ?? ''}
                placeholder={f.pattern ?? f.type}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              />
            )}
          </div>
        );
      })}
      <button type="submit" disabled={busy} data-testid="run-query">
        {t('run')}
      </button>
      {result && 'error' in result && <ErrorBox error={result.error} />}
      {result && 'ok' in result && (
        <div className="result" data-testid="query-result">
          <h4>{t('result')}</h4>
          {render ? render(result.ok) : <Json value={result.ok} />}
        </div>
      )}
    </form>
  );
}
