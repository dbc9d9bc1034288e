// /p/:code — a wave's published results, for anyone (no account): the aggregates only, at the
// public k. A question picker; the heat map of its answers by region, the tile map of one answer,
// the question's table, and its trend across the published waves of the same questionnaire.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { Localized } from '../../api/api';
import { getPublicResults, getPublicTrends, type PublicCell, type PublicQuestion } from '../../api/monitor';
import { ErrorNotice } from '../../components/ErrorNotice';
import { LabelledSelect } from '../../components/LabelledSelect';
import { RequestError } from '../../components/RequestStatus';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatDateTime, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { AnswerSelect, SMALL_BASE_MARK, useLocale } from '../analysis/common';
import { fmtNumber, fmtShare, SUPPRESSED } from '../analysis/numbers';
import { TileMap, type TileValue } from '../analysis/TileMap';
import { countryOf, type Country } from '../analysis/tile-grid';
import { TrendsView } from './TrendsPage';

/** Light to dark blue by share; text colour for contrast. */
function heat(c: PublicCell | undefined): React.CSSProperties {
  if (!c || c.suppressed || c.share === null) return {};
  const t = c.share;
  const rgb = [232, 240, 250].map((l, i) => Math.round(l + ([11, 46, 92][i] - l) * t));
  // Black or white, whichever contrasts more with the background (WCAG relative luminance).
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const white = 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05;
  return { background: `rgb(${rgb.join(',')})`, color: white ? '#ffffff' : '#000000' };
}

const cellText = (c: PublicCell | undefined, lng: 'ru' | 'uk' | 'en') =>
  !c ? '—' : c.suppressed || c.share === null ? SUPPRESSED : fmtShare(c.share, lng);

export default function PublicResultsPage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const lng = useLocale();
  const data = useRequest((signal) => getPublicResults(code, signal), code);
  const [questionName, setQuestion] = useState('');
  const [optionCode, setOption] = useState('');

  if (data.status === 'loading') return <Loading label={t('results.loading')} />;
  if (data.status === 'error')
    return (
      <section className="page">
        <h1>{t('monitor.public.kicker')}</h1>
        <RequestError request={data} title={t('monitor.public.notFound')} />
      </section>
    );
  const r = data.data;
  const question: PublicQuestion | undefined = r.questions.find((q) => q.name === questionName) ?? r.questions[0];
  const option = question?.options.find((o) => o.value === optionCode) ?? question?.options[0];
  const title = pick(r.wave.title, lng) || r.wave.code;
  return (
    <section className="page page--wide analysis" data-testid="public-results">
      <p className="kicker">{t('monitor.public.kicker')}</p>
      <PageHeading title={title}>{title}</PageHeading>
      <p className="lead" data-testid="data-as-of">
        {t('monitor.public.asOf', { at: formatDateTime(r.dataAsOf, lng) })} ·{' '}
        {t('monitor.public.respondents', { n: r.respondents })}
      </p>
      <p className="table-note">{t('monitor.public.rule', { k: r.k })}</p>
      {question && (
        <div className="card analysis-pickers">
          <LabelledSelect
            label={t('monitor.public.question')}
            value={question.name}
            onChange={(name) => {
              setQuestion(name);
              setOption('');
            }}
            testId="public-question"
            width="wide"
          >
            {r.questions.map((q) => (
              <option key={q.name} value={q.name}>
                {pick(q.title, lng) || q.name}
              </option>
            ))}
          </LabelledSelect>
          <AnswerSelect
            label={t('monitor.public.answer')}
            value={option?.value ?? ''}
            options={question.options}
            onChange={(v) => setOption(v)}
            testId="public-option"
          />
        </div>
      )}
      {question && <HeatTable q={question} smallBase={r.smallBase} legend={r.legend} />}
      {question && option && (
        <Tiles
          q={question}
          option={option.value}
          optionLabel={pick(option.labels, lng)}
          file={`${r.wave.code}-${question.name}`}
          smallBase={r.smallBase}
        />
      )}
      {question && option && (
        <PublicTrend code={r.wave.code} question={question.name} value={option.value} hasSeries={r.series.length > 1} />
      )}
    </section>
  );
}

function HeatTable({ q, smallBase, legend }: { q: PublicQuestion; smallBase: number; legend: Localized }) {
  const { t } = useTranslation();
  const lng = useLocale();
  const id = useId();
  const row = (r: PublicQuestion['total'], label: string, testId: string) => (
    <tr key={r.code} data-testid={testId}>
      <th scope="row">
        {label}
        {r.smallBase && r.answered > 0 && <span className="small-base-mark">{SMALL_BASE_MARK}</span>}
      </th>
      <td className="num">{fmtNumber(r.answered, lng)}</td>
      {q.options.map((o) => (
        <td key={o.value} className="num heat" style={heat(r.cells[o.value])}>
          {cellText(r.cells[o.value], lng)}
        </td>
      ))}
    </tr>
  );
  return (
    <section className="card table-card public-heat" aria-labelledby={id} data-testid="public-heat">
      <h2 id={id}>{t('monitor.public.heat')}</h2>
      <p>{pick(q.title, lng)}</p>
      <div className="table-scroll" role="region" aria-labelledby={id} tabIndex={0}>
        <table className="results-table heat-table" data-testid="public-table">
          <thead>
            <tr>
              <th scope="col">{t('results.region')}</th>
              <th scope="col" className="num">
                {t('monitor.public.answered')}
              </th>
              {q.options.map((o) => (
                <th scope="col" className="num" key={o.value}>
                  {pick(o.labels, lng) || o.value}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{q.regions.map((r) => row(r, pick(r.names, lng) || r.code, `public-row-${r.code}`))}</tbody>
          <tfoot>{row(q.total, t('monitor.trends.overall'), 'public-row-all')}</tfoot>
        </table>
      </div>
      <p className="table-note">
        {pick(legend, lng)} {SMALL_BASE_MARK} — {t('monitor.trends.smallBasePoint', { n: smallBase })}
      </p>
    </section>
  );
}

function Tiles({
  q,
  option,
  optionLabel,
  file,
  smallBase,
}: {
  q: PublicQuestion;
  option: string;
  optionLabel: string;
  file: string;
  smallBase: number;
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  const values: Record<string, TileValue> = {};
  const names: Record<string, Localized> = {};
  for (const r of q.regions) {
    names[r.code] = r.names;
    const c = r.cells[option];
    if (c?.suppressed) values[r.code] = { value: null, suppressed: true, text: SUPPRESSED, base: r.answered };
    else if (c && c.share !== null && r.answered > 0)
      values[r.code] = { value: c.share, text: `${fmtNumber(c.share * 100, lng, 0)}%`, base: r.answered };
  }
  const present = new Set(q.regions.map((r) => countryOf(r.code)));
  const countries = (['RU', 'UA'] as Country[]).filter((c) => present.has(c));
  return (
    <section className="card" data-testid="public-tiles">
      <h2>{t('monitor.public.tiles')}</h2>
      {countries.map((c) => (
        <TileMap
          key={c}
          country={c}
          title={`${t(`tileMap.country.${c}`)} — ${pick(q.title, lng)}: ${optionLabel}, %`}
          values={values}
          names={names}
          min={0}
          max={1}
          format={(x) => `${fmtNumber(x * 100, lng, 0)}%`}
          file={`${file}-${c}`}
          testId={`public-tile-${c}`}
          smallBase={smallBase}
        />
      ))}
    </section>
  );
}

function PublicTrend({
  code,
  question,
  value,
  hasSeries,
}: {
  code: string;
  question: string;
  value: string;
  hasSeries: boolean;
}) {
  const { t } = useTranslation();
  const trends = useRequest(
    (signal) => (hasSeries ? getPublicTrends(code, question, value, undefined, signal) : Promise.resolve(null)),
    `${code}|${question}|${value}|${hasSeries}`,
  );
  return (
    <section className="card" data-testid="public-trends">
      <h2>{t('monitor.public.trends')}</h2>
      {!hasSeries && <p>{t('monitor.public.noTrends')}</p>}
      {trends.status === 'loading' && <Loading label={t('results.loading')} />}
      {trends.status === 'error' && <ErrorNotice error={trends.error} title={null} />}
      {trends.status === 'ok' && trends.data && <TrendsView data={trends.data} showMatching={false} />}
    </section>
  );
}
