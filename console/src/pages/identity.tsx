/**
 * Identities and credentials: resolve a did:gongzhi DID (its document, key history and a QR code
 * of the DID), the registry of recognised issuers by category, and credential status lists —
 * the identity module's queries, with forms built from their schemas; issuing a credential as the
 * unlocked account (./issue-form.tsx) and verifying a presentation.
 */
import type { JsonValue } from '../../../src/sdk/index.js';
import { client } from '../api.js';
import type { PageProps } from '../app.js';
import { Json, Section, Show, useLoad } from '../components.js';
import { useI18n } from '../i18n.js';
import { IssueCredentialForm } from '../issue-form.js';
import { PresentationForm } from '../presentation-form.js';
import { Qr } from '../qr.js';
import { QueryForm } from '../query-form.js';

function DidResult({ result }: { result: JsonValue }) {
  const { t } = useI18n();
  const r = result as { didDocument?: { id?: string }; keyHistory?: unknown };
  const id = r.didDocument?.id;
  return (
    <div className="did">
      {id !== undefined && <Qr text={id} label={`${t('qr')}: ${id}`} />}
      <h4>{t('didDocument')}</h4>
      <Json value={r.didDocument} />
      <h4>{t('keyHistory')}</h4>
      <Json value={r.keyHistory} />
    </div>
  );
}

export function IdentityPage({ group }: PageProps) {
  const { t } = useI18n();
  const [mods, reload] = useLoad(() => client.modules(group), [group]);
  return (
    <div className="page">
      <Show v={mods} onRetry={reload}>
        {(m) => {
          const identity = m.modules.find((x) => x.name === 'identity');
          if (identity === undefined) return <p className="muted">{t('empty')}</p>;
          const q = (name: string) => identity.queries.find((x) => x.name === name)?.args;
          return (
            <>
              <Section title={t('resolveDid')} testId="resolve-did">
                <QueryForm
                  group={group}
                  module="identity"
                  query="resolve"
                  args={q('resolve')}
                  render={(r) => <DidResult result={r} />}
                />
              </Section>
              <Section title={t('issuers')} testId="issuers">
                <QueryForm group={group} module="identity" query="issuers" args={q('issuers')} />
              </Section>
              <Section title={t('issueTitle')} testId="issue">
                <p>{t('issueIntro')}</p>
                <IssueCredentialForm group={group} />
              </Section>
              <Section title={t('verifyPresentationTitle')} testId="presentation">
                <PresentationForm group={group} />
              </Section>
              <Section title={t('statusList')} testId="status-list">
                <QueryForm group={group} module="identity" query="statusList" args={q('statusList')} />
              </Section>
            </>
          );
        }}
      </Show>
    </div>
  );
}
