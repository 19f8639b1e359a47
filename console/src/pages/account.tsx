/**
 * My account: open an encrypted keystore file (chosen from the computer; read here, never
 * uploaded) with its password, then act as that account on the other pages. Shows the address,
 * the suite and the account's roles in the group (the governance module's `roles` query). Or make
 * a new key and its keystore file in the page (../new-key-form.tsx).
 */
import { type FormEvent, useState } from 'react';
import { client, type ErrorInfo, errorInfo } from '../api.js';
import type { PageProps } from '../app.js';
import { ErrorBox, Fields, Section, Show, useLoad } from '../components.js';
import { useI18n } from '../i18n.js';
import { NewKeyForm } from '../new-key-form.js';
import { href, Link } from '../router.js';
import { useWallet } from '../wallet.js';

export function AccountPage({ group }: PageProps) {
  const { t } = useI18n();
  const wallet = useWallet();
  return (
    <div className="page">
      <Section title={t('navAccount')} testId="account">
        <p>{t('accountIntro')}</p>
        {wallet.key === undefined ? <UnlockForm /> : <Unlocked group={group} />}
      </Section>
      {wallet.key === undefined && (
        <Section title={t('newKeyTitle')} testId="new-key">
          <NewKeyForm />
        </Section>
      )}
    </div>
  );
}

function UnlockForm() {
  const { t } = useI18n();
  const wallet = useWallet();
  const [file, setFile] = useState<{ name: string; text: string } | undefined>();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (file === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      await wallet.unlock(file.name, file.text, password);
      setPassword('');
    } catch (err) {
      setError(errorInfo(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="query-form" onSubmit={submit} data-testid="unlock-form" autoComplete="off">
      <div className="form-row">
        <label htmlFor="keystore-file">{t('keystoreFile')}</label>
        <input
          id="keystore-file"
          type="file"
          accept=".json,application/json"
          data-testid="keystore-file"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            setFile(f === undefined ? undefined : { name: f.name, text: await f.text() });
          }}
        />
      </div>
      <div className="form-row">
        <label htmlFor="keystore-password">{t('password')}</label>
        <input
          id="keystore-password"
          type="password"
          autoComplete="current-password"
          data-testid="keystore-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <button type="submit" disabled={busy || file === undefined} data-testid="unlock">
        {t('unlock')}
      </button>
      {busy && (
        <p className="muted" role="status">
          {t('unlocking')}
        </p>
      )}
      {error && <ErrorBox error={error} />}
    </form>
  );
}

function Unlocked({ group }: { group: string }) {
  const { t } = useI18n();
  const wallet = useWallet();
  const key = wallet.key;
  const address = key?.address ?? '';
  const [roles] = useLoad(
    () => client.query<{ roles: string[] }>(group, 'governance', 'roles', { account: address }),
    [group, address],
  );
  if (key === undefined) return null;
  return (
    <>
      <Fields
        rows={[
          [
            t('signedInAs'),
            <Link key="a" to={href(`/explorer/account/${key.address}`, group)}>
              <code data-testid="account-address">{key.address}</code>
            </Link>,
          ],
          [t('suite'), key.suite],
          [t('keystoreChosen'), key.fileName],
          [
            t('accountRoles'),
            <Show key="r" v={roles}>
              {(r) => (
                <span data-testid="account-roles">
                  {r.roles.length === 0 ? t('noRoles') : r.roles.join(', ')}
                </span>
              )}
            </Show>,
          ],
        ]}
      />
      <button type="button" data-testid="lock" onClick={() => wallet.lock()}>
        {t('lock')}
      </button>
    </>
  );
}
