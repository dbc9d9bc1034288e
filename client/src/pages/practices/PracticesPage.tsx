// /practices — the public knowledge base: published practices, filters and full-text search.
// The filters live in the address, so a filtered list can be bookmarked and shared.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { browsePractices, type BrowseFilters, type Vocabulary } from '../../api/practices';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { useSession } from '../../lib/session';
import { Chips, namer, usePracticeLocale, useVocabulary, years } from './common';

const KEYS = ['q', 'obstacle', 'field', 'country', 'region', 'municipalityType', 'sizeClass'] as const;
const PAGE = 20;

export default function PracticesPage() {
  const { t } = useTranslation();
  const lng = usePracticeLocale();
  const [params, setParams] = useSearchParams();
  const vocab = useVocabulary();
  const filters: BrowseFilters = {};
  for (const k of KEYS) filters[k] = params.get(k) ?? undefined;
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const list = useRequest((signal) => browsePractices({ ...filters, offset }, signal), params.toString());
  const v = vocab.status === 'ok' ? vocab.data : undefined;
  const name = namer(v, lng);
  const { state } = useSession();
  const signedIn = state.status === 'signed-in';

  const setFilter = (k: (typeof KEYS)[number], value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(k, value);
    else next.delete(k);
    if (k === 'country') next.delete('region');
    next.delete('offset');
    setParams(next);
  };

  return (
    <section className="page page--wide">
      <PageHeading title={t('practices.title')}>{t('practices.title')}</PageHeading>
      <p className="lead">{t('practices.intro')}</p>
      {signedIn && (
        <p>
          <Link to="/practices/coverage">{t('practices.coverage.link')}</Link>
        </p>
      )}
      <Filters vocab={v} params={params} onChange={setFilter} />
      {list.status === 'loading' && <Loading label={t('app.loading')} />}
      {list.status === 'error' && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.status === 'ok' && (
        <>
          <p role="status" data-testid="practices-total">
            {t('practices.found', { count: list.data.total })}
          </p>
          {list.data.items.length === 0 ? (
            <p className="notice">{t('practices.none')}</p>
          ) : (
            <ul className="practice-list" data-testid="practice-list">
              {list.data.items.map((p) => (
                <li key={p.id} className="card practice-card">
                  <h2>
                    <Link to={`/practices/${encodeURIComponent(p.id)}`}>{p.title}</Link>
                  </h2>
                  <p className="practice-card__meta">
                    {[
                      p.regions.map(name.region).join(', ') ||
                        (p.country ? t(`practices.country.${p.country as 'RU' | 'UA'}`) : ''),
                      years(p.yearFrom, p.yearTo),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                  <Chips kind="field" items={p.fields.map(name.field)} />
                  <Chips kind="obstacle" items={p.obstacles.map(name.obstacle)} />
                </li>
              ))}
            </ul>
          )}
          {list.data.total > PAGE && (
            <nav className="practice-pager" aria-label={t('practices.pages')}>
              <button
                type="button"
                className="button button--small"
                disabled={offset === 0}
                onClick={() => setParams((p) => (p.set('offset', String(Math.max(0, offset - PAGE))), p))}
              >
                {t('practices.prev')}
              </button>
              <span>
                {offset + 1}–{Math.min(offset + PAGE, list.data.total)} / {list.data.total}
              </span>
              <button
                type="button"
                className="button button--small"
                disabled={offset + PAGE >= list.data.total}
                onClick={() => setParams((p) => (p.set('offset', String(offset + PAGE)), p))}
              >
                {t('practices.next')}
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}

function Filters({
  vocab,
  params,
  onChange,
}: {
  vocab: Vocabulary | undefined;
  params: URLSearchParams;
  onChange: (k: (typeof KEYS)[number], value: string) => void;
}) {
  const { t } = useTranslation();
  const lng = usePracticeLocale();
  const [q, setQ] = useState(params.get('q') ?? '');
  const country = params.get('country') ?? '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange('q', q.trim());
  };
  const select = (k: (typeof KEYS)[number], label: string, options: { code: string; name: string }[]) => (
    <label className="field">
      <span className="field__label">{label}</span>
      <select value={params.get(k) ?? ''} onChange={(e) => onChange(k, e.target.value)} data-testid={`filter-${k}`}>
        <option value="">{t('practices.any')}</option>
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form className="practice-filters" role="search" onSubmit={submit} aria-label={t('practices.filters')}>
      <div className="practice-filters__search field">
        <label className="field__label" htmlFor="practice-q">
          {t('practices.search')}
        </label>
        <div className="practice-actions" style={{ margin: 0 }}>
          <input
            id="practice-q"
            type="search"
            value={q}
            maxLength={200}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('practices.searchHint')}
            style={{ flex: 1 }}
          />
          <button type="submit" className="button button--primary">
            {t('practices.find')}
          </button>
        </div>
      </div>
      {select(
        'obstacle',
        t('practices.f.obstacle'),
        (vocab?.obstacles ?? []).map((o) => ({ code: o.code, name: pick(o.labels, lng) })),
      )}
      {select(
        'field',
        t('practices.f.field'),
        (vocab?.fields ?? []).map((o) => ({ code: o.code, name: pick(o.names, lng) })),
      )}
      {select('country', t('practices.f.country'), [
        { code: 'RU', name: t('practices.country.RU') },
        { code: 'UA', name: t('practices.country.UA') },
      ])}
      {select(
        'region',
        t('practices.f.region'),
        (vocab?.regions ?? [])
          .filter((r) => !country || r.country === country)
          .map((o) => ({ code: o.code, name: pick(o.names, lng) }))
          .sort((a, b) => a.name.localeCompare(b.name, lng)),
      )}
      {select(
        'municipalityType',
        t('practices.f.municipalityType'),
        (vocab?.municipalityTypes ?? [])
          .filter((m) => !country || !m.country || m.country === country)
          .map((o) => ({ code: o.code, name: pick(o.names, lng) })),
      )}
      {select(
        'sizeClass',
        t('practices.f.sizeClass'),
        (vocab?.sizeClasses ?? []).map((o) => ({ code: o.code, name: pick(o.names, lng) })),
      )}
    </form>
  );
}
