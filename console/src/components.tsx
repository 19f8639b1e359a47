/** Small building blocks shared by the pages. */
import { type DependencyList, type ReactNode, useCallback, useEffect, useState } from 'react';
import { type ErrorInfo, errorInfo, hintOf } from './api.js';
import { useI18n } from './i18n.js';

/** The state of one async load. */
export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly value: T }
  | { readonly state: 'error'; readonly error: ErrorInfo };

/** Run `load` when `deps` change; `reload` runs it again. Stale answers are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): [Loaded<T>, () => void] {
  const [v, setV] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on
  useEffect(() => {
    let live = true;
    setV({ state: 'loading' });
    load().then(
      (value) => live && setV({ state: 'ok', value }),
      (e: unknown) => live && setV({ state: 'error', error: errorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return [v, reload];
}

/** A failure: its stable code, the message and what to do about it. */
export function ErrorBox({ error, onRetry }: { error: ErrorInfo; onRetry?: () => void }) {
  const { t, lang } = useI18n();
  const hint = hintOf(error, lang);
  return (
    <div className="error" role="alert" data-testid="error">
      <div>
        <span className="label">{t('errorCode')}</span> <code data-testid="error-code">{error.code}</code>
      </div>
      <div className="error-message">{error.message}</div>
      {hint !== '' && (
        <div data-testid="error-hint">
          <span className="label">{t('errorHint')}</span> {hint}
        </div>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

/** Render a load: a spinner line, the error, or `children(value)`. */
export function Show<T>({
  v,
  onRetry,
  children,
}: {
  v: Loaded<T>;
  onRetry?: () => void;
  children: (value: T) => ReactNode;
}) {
  const { t } = useI18n();
  if (v.state === 'loading') return <p className="muted">{t('loading')}</p>;
  if (v.state === 'error') return <ErrorBox error={v.error} {...(onRetry ? { onRetry } : {})} />;
  return <>{children(v.value)}</>;
}

/** A long hex string shortened in the middle; the whole value in the title and for copying. */
export function Hex({ value, keep = 10 }: { value: string; keep?: number }) {
  const short = value.length > keep * 2 + 1 ? `${value.slice(0, keep)}…${value.slice(-keep)}` : value;
  return (
    <code className="hex" title={value}>
      {short}
    </code>
  );
}

/** JSON of ledger data, pretty-printed. */
export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

/** A two-column list of labelled values. */
export function Fields({ rows }: { rows: readonly (readonly [string, ReactNode])[] }) {
  return (
    <dl className="fields">
      {rows.map(([k, v]) => (
        <div key={k} className="field-row">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Section({
  title,
  children,
  testId,
}: {
  title: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A ✓ or ✗ mark with an accessible name. */
export function Mark({ ok }: { ok: boolean }) {
  const { t } = useI18n();
  return (
    <span role="img" className={ok ? 'ok' : 'bad'} aria-label={ok ? t('markOk') : t('markFailed')}>
      {ok ? '✓' : '✗'}
    </span>
  );
}
