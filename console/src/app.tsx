/**
 * The console's frame: header (group, language), navigation and the page of the current path.
 * Pages get the chosen group; the group list comes from GET /v1/groups.
 */
import { type ComponentType, lazy, Suspense } from 'react';
import { client } from './api.js';
import { Show, useLoad } from './components.js';
import { I18nProvider, type MessageKey, useI18n } from './i18n.js';
import { OverviewPage } from './pages/overview.js';
import { href, Link, RouterProvider, useRouter } from './router.js';
import { useWallet, WalletProvider } from './wallet.js';

export interface PageProps {
  readonly group: string;
  /** Path segments after the page's own, e.g. ['tx', '<hash>'] on /explorer/tx/<hash>. */
  readonly rest: readonly string[];
}

/**
 * A page loaded when it is first opened, as its own file: a first visit (the overview at `/`)
 * downloads only the frame and the overview, not the signing forms, the QR code writer, the
 * credential issuer and the keystore code behind the other pages.
 */
function later(load: () => Promise<ComponentType<PageProps>>): ComponentType<PageProps> {
  return lazy(async () => ({ default: await load() }));
}

const PAGES: readonly { path: string; label: MessageKey; page: ComponentType<PageProps> }[] = [
  { path: '', label: 'navOverview', page: OverviewPage },
  {
    path: 'explorer',
    label: 'navExplorer',
    page: later(async () => (await import('./pages/explorer.js')).ExplorerPage),
  },
  {
    path: 'governance',
    label: 'navGovernance',
    page: later(async () => (await import('./pages/governance.js')).GovernancePage),
  },
  {
    path: 'evidence',
    label: 'navEvidence',
    page: later(async () => (await import('./pages/evidence.js')).EvidencePage),
  },
  {
    path: 'identity',
    label: 'navIdentity',
    page: later(async () => (await import('./pages/identity.js')).IdentityPage),
  },
  {
    path: 'points',
    label: 'navPoints',
    page: later(async () => (await import('./pages/points.js')).PointsPage),
  },
  {
    path: 'modules',
    label: 'navModules',
    page: later(async () => (await import('./pages/modules.js')).ModulesPage),
  },
  {
    path: 'operator',
    label: 'navOperator',
    page: later(async () => (await import('./pages/operator.js')).OperatorPage),
  },
  {
    path: 'account',
    label: 'navAccount',
    page: later(async () => (await import('./pages/account.js')).AccountPage),
  },
];

function Frame() {
  const { t, lang, setLang } = useI18n();
  const wallet = useWallet();
  const { loc, navigate } = useRouter();
  const [groups, reload] = useLoad(() => client.groups(), []);
  const section = loc.parts[0] ?? '';
  const entry = PAGES.find((p) => p.path === section) ?? PAGES[0];
  return (
    <div className="app">
      <header className="top">
        <Link to="/" className="brand">
          {t('appName')}
        </Link>
        <div className="top-controls">
          {groups.state === 'ok' && groups.value.length > 0 && (
            <label className="group-select">
              <span>{t('group')}</span>
              <select
                data-testid="group-select"
                value={pickGroup(
                  loc.params.get('g'),
                  groups.value.map((g) => g.id),
                )}
                onChange={(e) => navigate(href(`/${loc.parts.slice(0, 1).join('/')}`, e.target.value))}
              >
                {groups.value.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.id}
                  </option>
                ))}
              </select>
            </label>
          )}
          <Link
            to={href('/account', loc.params.get('g') ?? undefined)}
            className={`account-chip ${wallet.key ? 'unlocked' : ''}`}
            testId="account-chip"
          >
            {wallet.key ? `${t('signedInAs')}: ${wallet.key.address.slice(0, 8)}…` : t('notSignedIn')}
          </Link>
          <button
            type="button"
            className="lang"
            data-testid="lang-switch"
            lang={lang === 'zh-CN' ? 'en' : 'zh-CN'}
            title={t('language')}
            onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
          >
            {t('switchLang')}
          </button>
        </div>
      </header>
      <nav className="nav" aria-label="pages">
        {PAGES.map((p) => (
          <Link
            key={p.path}
            to={href(
              `/${p.path}`,
              groups.state === 'ok' ? currentGroup(loc.params, groups.value) : undefined,
            )}
            className={p === entry ? 'active' : ''}
            testId={`nav-${p.path || 'overview'}`}
          >
            {t(p.label)}
          </Link>
        ))}
      </nav>
      <main className="content">
        <Show v={groups} onRetry={reload}>
          {(gs) => {
            const group = currentGroup(loc.params, gs);
            const Page = entry?.page ?? OverviewPage;
            return (
              <Suspense fallback={<p className="muted">{t('loading')}</p>}>
                <Page key={`${section}:${group}`} group={group} rest={loc.parts.slice(1)} />
              </Suspense>
            );
          }}
        </Show>
      </main>
      <footer className="foot muted">{t('footer')}</footer>
    </div>
  );
}

function pickGroup(wanted: string | null, ids: readonly string[]): string {
  return wanted !== null && ids.includes(wanted) ? wanted : (ids[0] ?? '');
}

function currentGroup(params: URLSearchParams, gs: readonly { id: string }[]): string {
  return pickGroup(
    params.get('g'),
    gs.map((g) => g.id),
  );
}

export function App() {
  return (
    <I18nProvider>
      <RouterProvider>
        <WalletProvider>
          <Frame />
        </WalletProvider>
      </RouterProvider>
    </I18nProvider>
  );
}
