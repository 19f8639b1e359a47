/**
 * Signed actions: a form for any module method, built from its argument schema, that signs the
 * call with the unlocked account (./wallet.tsx) and shows the receipt — committed in which block,
 * or the error code with what to do. Values follow the CLI's convention (`gongzhi tx send
 * --args`): numbers for integer fields, JSON for objects and lists, and text starting with 0x is
 * bytes.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { type CborValue, fromHex, type SubmitResponse } from '../../src/sdk/index.js';
import { type ErrorInfo, errorInfo } from './api.js';
import { ErrorBox, Mark } from './components.js';
import { type Translate, useI18n } from './i18n.js';
import { href, Link } from './router.js';
import { fieldsOf, type SchemaField } from './schema.js';
import { useWallet } from './wallet.js';

/** "0x…" strings become bytes, everywhere in a value (as the CLI reads --args). */
export function withBytes(v: unknown): CborValue {
  if (typeof v === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(v)) return fromHex(v.slice(2).toLowerCase());
  if (Array.isArray(v)) return v.map(withBytes);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, withBytes(x)]),
    );
  }
  return v as CborValue;
}

const structured = (f: SchemaField) =>
  f.choices === undefined &&
  (f.type === 'object' || f.type.endsWith('[]') || f.type.includes('|') || f.type === 'any');

/** The call's arguments from the form's text values; a field that does not parse is CONSOLE_BAD_INPUT. */
export function argsFrom(
  fields: readonly SchemaField[],
  values: Readonly<Record<string, string>>,
  t: Translate,
): { [k: string]: CborValue } {
  const out: { [k: string]: CborValue } = {};
  for (const f of fields) {
    const raw = (values[f.name] ?? '').trim();
    if (raw === '') continue;
    if (f.type === 'integer' || f.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw badInput(f.name, raw, t);
      out[f.name] = n;
    } else if (f.type === 'boolean') {
      out[f.name] = raw === 'true';
    } else if (structured(f)) {
      try {
        out[f.name] = withBytes(JSON.parse(raw));
      } catch {
        throw badInput(f.name, t('badJson'), t);
      }
    } else {
      out[f.name] = withBytes(raw);
    }
  }
  return out;
}

class BadInput extends Error {
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.info = info;
  }
}

function badInput(field: string, message: string, t: Translate): BadInput {
  return new BadInput({ code: 'CONSOLE_BAD_INPUT', message: `${field}: ${message}`, hint: t('bytesHint') });
}

export type SendState =
  | undefined
  | { readonly busy: true }
  | { readonly ok: SubmitResponse }
  | { readonly error: ErrorInfo };

/** Run one signed action and keep its outcome for <SendOutcome>. */
export function useSend(): [SendState, (run: () => Promise<SubmitResponse>) => Promise<void>] {
  const [state, setState] = useState<SendState>();
  const go = async (run: () => Promise<SubmitResponse>) => {
    setState({ busy: true });
    try {
      setState({ ok: await run() });
    } catch (e) {
      setState({ error: e instanceof BadInput ? e.info : errorInfo(e) });
    }
  };
  return [state, go];
}

/** Committed (with the transaction and its block), in progress, or the failure's code and hint. */
export function SendOutcome({ state, group }: { state: SendState; group: string }) {
  const { t } = useI18n();
  if (state === undefined) return null;
  if ('busy' in state)
    return (
      <p className="muted" role="status">
        {t('signing')}
      </p>
    );
  if ('error' in state) return <ErrorBox error={state.error} />;
  const r = state.ok;
  return (
    <p className="ok-line" role="status" data-testid="sent">
      <Mark ok /> {t('sentOk')}:{' '}
      <Link to={href(`/explorer/tx/${r.hash}`, group)}>{r.hash.slice(0, 16)}…</Link>
      {r.height !== undefined && (
        <>
          {' '}
          ({t('sentIn')} <Link to={href(`/explorer/block/${r.height}`, group)}>{r.height}</Link>)
        </>
      )}
    </p>
  );
}

/** Shown instead of a signing form while no keystore is open. */
export function UnlockFirst({ group }: { group: string }) {
  const { t } = useI18n();
  return (
    <p className="muted" data-testid="unlock-first">
      <Link to={href('/account', group)}>{t('unlockFirst')}</Link>
    </p>
  );
}

/** A signing form for `module.method`, one field per argument of its schema. */
export function MethodForm({
  group,
  module,
  method,
  args,
  initial,
  children,
}: {
  group: string;
  module: string;
  method: string;
  args: unknown;
  initial?: Readonly<Record<string, string>>;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const wallet = useWallet();
  const fields = fieldsOf(args);
  const [values, setValues] = useState<Record<string, string>>(() => ({ ...initial }));
  const [state, send] = useSend();
  if (wallet.key === undefined) return <UnlockFirst group={group} />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(async () => wallet.send(group, module, method, argsFrom(fields, values, t)));
  };
  return (
    <form className="query-form" onSubmit={submit} data-testid={`method-${module}.${method}`}>
      <h4>{t('methodFormTitle')}</h4>
      {children}
      {fields.map((f) => {
        const id = `m-${module}-${method}-${f.name}`;
        const set = (v: string) => setValues((old) => ({ ...old, [f.name]: v }));
        const hint = structured(f) ? t('jsonHint') : (f.pattern ?? f.type);
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
                onChange={(e) => set(e.target.value)}
              >
                <option value="">–</option>
                {f.choices.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : structured(f) ? (
              <textarea
                id={id}
                name={f.name}
                rows={4}
                value={values[f.name] ?? ''}
                placeholder={hint}
                onChange={(e) => set(e.target.value)}
              />
            ) : (
              <input
                id={id}
                name={f.name}
                value={values[f.name] ?? ''}
                placeholder={hint}
                onChange={(e) => set(e.target.value)}
              />
            )}
          </div>
        );
      })}
      <button type="submit" disabled={state !== undefined && 'busy' in state} data-testid="sign-send">
        {t('signAndSend')}
      </button>
      <SendOutcome state={state} group={group} />
    </form>
  );
}
