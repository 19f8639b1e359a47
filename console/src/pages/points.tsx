/**
 * Points programmes (read-only): the programmes of the group, and for the chosen one its
 * definition, its balanced books (totals), members, journal and redeemable items — the points
 * module's queries, prefilled with the programme.
 */
import { useState } from 'react';
import { client } from '../api.js';
import type { PageProps } from '../app.js';
import { Section, Show, useLoad } from '../components.js';
import { useI18n } from '../i18n.js';
import { QueryForm } from '../query-form.js';

const VIEWS = ['program', 'totals', 'members', 'journal', 'items'] as const;

export function PointsPage({ group }: PageProps) {
  const { t } = useI18n();
  const [v, reload] = useLoad(async () => {
    const mods = await client.modules(group);
    const points = mods.modules.find((x) => x.name === 'points');
    if (points === undefined) return undefined;
    const programs = await client.query<unknown>(group, 'points', 'programs');
    return { points, programs: Array.isArray(programs) ? programs : [] };
  }, [group]);
  const [chosen, setChosen] = useState<string | undefined>();
  return (
    <div className="page">
      <Show v={v} onRetry={reload}>
        {(x) => {
          if (x === undefined || x.programs.length === 0) return <p className="muted">{t('noPrograms')}</p>;
          const ids = x.programs.map((p) => String((p as { id?: unknown }).id ?? p));
          const id = chosen ?? ids[0] ?? '';
          return (
            <>
              <Section title={t('programs')} testId="programs">
                <div className="chips">
                  {ids.map((p) => (
                    <button
                      key={p}
                      type="button"
                      className={`chip ${p === id ? 'active' : ''}`}
                      onClick={() => setChosen(p)}
                    >
                      {p}
                    </button>
                  ))}
                </div>
              </Section>
              {VIEWS.map((name) => {
                const def = x.points.queries.find((q) => q.name === name);
                if (def === undefined) return null;
                const label = {
                  program: t('program'),
                  totals: t('totals'),
                  members: t('members'),
                  journal: t('journal'),
                  items: t('items'),
                }[name];
                return (
                  <Section key={`${id}-${name}`} title={label}>
                    <QueryForm
                      group={group}
                      module="points"
                      query={name}
                      args={def.args}
                      initial={{ program: id }}
                    />
                  </Section>
                );
              })}
            </>
          );
        }}
      </Show>
    </div>
  );
}
