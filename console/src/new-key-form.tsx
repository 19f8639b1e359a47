/**
 * A new key made in the page: the SDK's `createKeystore` generates the key pair (Web Crypto
 * randomness) and encrypts it under the password typed here into a keystore file, which the
 * browser downloads (a Blob, never a request). The password and the key stay in this page's
 * memory; "act as this account" hands the key to the wallet without asking for the password again.
 */
import { type FormEvent, useState } from 'react';
import { createKeystore, type Keystore, type UnlockedKey } from '../../src/sdk/index.js';
import { client, type ErrorInfo, errorInfo } from './api.js';
import { ErrorBox } from './components.js';
import { useI18n } from './i18n.js';
import { useWallet } from './wallet.js';

function download(ks: Keystore): void {
  const blob = new Blob([`${JSON.stringify(ks, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameOf(ks);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const fileNameOf = (ks: Keystore) => `${ks.address}.json`;

export function NewKeyForm() {
  const { t } = useI18n();
  const wallet = useWallet();
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const [made, setMade] = useState<{ keystore: Keystore; key: UnlockedKey } | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (pw !== pw2) {
      setError({ code: 'CONSOLE_BAD_INPUT', message: t('newKeyMismatch'), hint: '' });
      return;
    }
    setBusy(true);
    try {
      const suite = (await client.suite()).id;
      const out = await createKeystore(suite, pw);
      setPw('');
      setPw2('');
      setMade(out);
      download(out.keystore);
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="query-form" onSubmit={submit} data-testid="new-key-form" autoComplete="off">
      <p>{t('newKeyIntro')}</p>
      <div className="form-row">
        <label htmlFor="new-key-password">{t('newKeyPassword')}</label>
        <input
          id="new-key-password"
          type="password"
          autoComplete="new-password"
          data-testid="new-key-password"
          value={pw}
          onChange={(e) => setPw(e.target.value)}
        />
      </div>
      <div className="form-row">
        <label htmlFor="new-key-password2">{t('newKeyPassword2')}</label>
        <input
          id="new-key-password2"
          type="password"
          autoComplete="new-password"
          data-testid="new-key-password2"
          value={pw2}
          onChange={(e) => setPw2(e.target.value)}
        />
      </div>
      <button type="submit" disabled={busy || pw === ''} data-testid="new-key-button">
        {t('newKeyButton')}
      </button>
      {busy && (
        <p className="muted" role="status">
          {t('newKeyCreating')}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {made && (
        <div className="result" data-testid="new-key-done">
          <p>
            {t('newKeyDone')} <code data-testid="new-key-address">{made.key.address}</code>
          </p>
          <button type="button" onClick={() => download(made.keystore)}>
            {t('newKeyDownload')}
          </button>{' '}
          <button
            type="button"
            data-testid="new-key-use"
            onClick={() => wallet.adopt(made.key, fileNameOf(made.keystore))}
          >
            {t('newKeyUse')}
          </button>
        </div>
      )}
    </form>
  );
}
