// Published results: a coordinator publishes a wave's aggregate results at a stable public address
// (/p/<wave>, API /api/public/results/<wave>). What is public is built from the per-question tables
// (tally.service.ts, read from the kept cube) under the disclosure rule at the public k — separate
// from and never below the wave's minimum — and holds no microdata: no municipality, no free text,
// no response. The snapshot is kept with the cube version it was built from and rebuilt on the
// first read after an answer changed it; a read in between is one lookup by `_id` plus the stamp.
import { createHash } from 'node:crypto';
import { NotFoundError } from '../http/errors';
import { prepareAudit, prepareDeletionAudit } from '../audit/outbox';
import { CubeStampModel } from '../analytics/cube.model';
import { waveCatalogue } from '../analytics/catalogue';
import { getMinCell } from '../analytics/coding.service';
import { disclosureLegend, SMALL_BASE } from '../analytics/disclosure';
import { NO_FILTERS } from '../analytics/filters';
import { questionTally, type Cell, type Row } from '../analytics/tally.service';
import { trendSeries, type Measure, type Trends } from '../trends/trends.service';
import { getWave } from '../waves/waves.service';
import type { Localized } from '../reference/reference.service';
import type { Option } from '../analytics/variables';
import { PublicationModel } from './publication.model';

export const PUBLIC_K_DEFAULT = 5;
/** Roles whose questions are never published as tables (identifying or already the breakdown). */
const NOT_PUBLISHED_ROLES = new Set(['municipality', 'region']);

export type Publication = {
  wave: string;
  published: boolean;
  k: number | null;
  publishedAt: string | null;
  publishedBy: string | null;
  dataAsOf: string | null;
  path: string;
};

export type PublicRow = {
  code: string;
  names: Localized;
  answered: number;
  cells: Record<string, Cell>;
  smallBase: boolean;
};
export type PublicQuestion = {
  name: string;
  title: Localized;
  kind: string;
  options: Option[];
  total: PublicRow;
  regions: PublicRow[];
};
export type PublicResults = {
  wave: { code: string; title: Localized; questionnaire: { key: string; version: number } };
  dataAsOf: string;
  k: number;
  smallBase: number;
  legend: Localized;
  respondents: number;
  questions: PublicQuestion[];
  series: { code: string; title: Localized }[];
};

type PublicationDoc = {
  _id: string;
  k: number;
  publishedAt: Date;
  publishedBy: string;
  questionnaireKey: string;
  snapshot?: { stamp: string; builtAt: Date; json: string } | null;
};

const view = (wave: string, d: PublicationDoc | null): Publication => ({
  wave,
  published: !!d,
  k: d?.k ?? null,
  publishedAt: d?.publishedAt.toISOString() ?? null,
  publishedBy: d?.publishedBy ?? null,
  dataAsOf: d?.snapshot?.builtAt.toISOString() ?? null,
  path: `/p/${encodeURIComponent(wave)}`,
});

export async function getPublication(wave: string): Promise<Publication> {
  await getWave(wave);
  return view(wave, await PublicationModel.findById(wave).lean<PublicationDoc>());
}

/** Publishes (or re-publishes with another k) a wave's results; audited. */
export async function publishWave(wave: string, k: number, actor: string): Promise<Publication> {
  const { questionnaire } = await waveCatalogue(wave);
  const now = new Date();
  const audit = await prepareAudit(PublicationModel, wave, {
    at: now,
    actor,
    action: 'results.publish',
    target: wave,
    details: { k },
  });
  const doc = await PublicationModel.findOneAndUpdate(
    { _id: wave },
    {
      $set: {
        k,
        publishedAt: now,
        publishedBy: actor,
        questionnaireKey: questionnaire.key,
        snapshot: null,
        ...audit.set,
      },
    },
    { upsert: true, new: true },
  ).lean<PublicationDoc>();
  memo.delete(wave);
  await audit.flush();
  await publicResults(wave); // build the snapshot now, so the first visitor is served from it
  return view(wave, (await PublicationModel.findById(wave).lean<PublicationDoc>()) ?? doc);
}

/** Removes the public results; audited. */
export async function unpublishWave(wave: string, actor: string): Promise<Publication> {
  await getWave(wave);
  const audit = await prepareDeletionAudit(PublicationModel, wave, {
    at: new Date(),
    actor,
    action: 'results.unpublish',
    target: wave,
    details: {},
  });
  const res = await PublicationModel.deleteOne({ _id: wave });
  memo.delete(wave);
  await (res.deletedCount ? audit.flush() : audit.cancel());
  return view(wave, null);
}

async function published(wave: string): Promise<PublicationDoc> {
  const doc = await PublicationModel.findById(wave).lean<PublicationDoc>();
  if (!doc) throw new NotFoundError('publication', wave);
  return doc;
}

/** The data version of a wave: its cube stamp (bumped by every change of its counts) and the k. */
async function stampOf(wave: string, k: number, minimum: number): Promise<string> {
  // `e` names the stamp document, `g` moves with every change of any kept document of the wave.
  const stamp = await CubeStampModel.findById(wave, { e: 1, g: 1 }).lean<{ e?: string; g?: number }>();
  const text = `${stamp?.e ?? ''}|${stamp?.g ?? 0}`;
  return createHash('sha256').update(`${k}|${minimum}|${text}`).digest('hex').slice(0, 32);
}

const publicRow = (r: Row, smallBase: number): PublicRow => ({
  code: r.code,
  names: r.names,
  answered: r.answered,
  cells: r.cells,
  smallBase: r.answered < smallBase,
});

async function build(wave: string, k: number): Promise<Omit<PublicResults, 'series' | 'dataAsOf'>> {
  const { wave: w, questionnaire, variables } = await waveCatalogue(wave);
  const shown = variables.filter(
    (v) => (v.kind === 'single' || v.kind === 'multi') && !(v.role && NOT_PUBLISHED_ROLES.has(v.role)),
  );
  const questions: PublicQuestion[] = [];
  let respondents = 0;
  for (const v of shown) {
    const t = await questionTally(wave, v.name, 'region', NO_FILTERS, { k, trusted: true });
    respondents = Math.max(respondents, t.total.respondents);
    questions.push({
      name: v.name,
      title: v.title,
      kind: v.kind,
      // Only the questionnaire's own answers: codes researchers added to "other" answers stay internal.
      options: t.options.filter((o) => v.options.some((x) => x.value === o.value)),
      total: publicRow(t.total, SMALL_BASE),
      regions: t.groups.map((g) => publicRow(g, SMALL_BASE)),
    });
  }
  return {
    wave: { code: w.code, title: w.title, questionnaire: { key: questionnaire.key, version: questionnaire.version } },
    k,
    smallBase: SMALL_BASE,
    legend: disclosureLegend(k),
    respondents,
    questions,
  };
}

const memo = new Map<string, { stamp: string; body: Omit<PublicResults, 'series'> }>();

/** The public k of a publication: its own, never below the wave's minimum. */
async function publicK(doc: PublicationDoc): Promise<{ k: number; minimum: number }> {
  const minimum = await getMinCell(doc._id);
  return { k: Math.max(doc.k, minimum), minimum };
}

/** Published waves of a questionnaire, oldest first (by opening date, then code). */
async function seriesOf(key: string): Promise<{ code: string; title: Localized }[]> {
  const docs = await PublicationModel.find({ questionnaireKey: key }, { _id: 1 }).lean<{ _id: string }[]>();
  const waves = await Promise.all(docs.map((d) => getWave(d._id).catch(() => null)));
  return waves
    .filter((w): w is NonNullable<typeof w> => !!w)
    .sort(
      (a, b) =>
        (a.opensAt?.toISOString() ?? a.createdAt?.toISOString() ?? '').localeCompare(
          b.opensAt?.toISOString() ?? b.createdAt?.toISOString() ?? '',
        ) || a.code.localeCompare(b.code),
    )
    .slice(-12)
    .map((w) => ({ code: w.code, title: w.title }));
}

/** The public results of a published wave: from memory or the stored snapshot while the data are unchanged. */
export async function publicResults(wave: string): Promise<PublicResults> {
  const doc = await published(wave);
  const { k, minimum } = await publicK(doc);
  const stamp = await stampOf(wave, k, minimum);
  let body = memo.get(wave)?.stamp === stamp ? memo.get(wave)!.body : undefined;
  if (!body && doc.snapshot?.stamp === stamp && doc.snapshot.json) {
    body = JSON.parse(doc.snapshot.json) as Omit<PublicResults, 'series'>;
  }
  if (!body) {
    const builtAt = new Date();
    body = { ...(await build(wave, k)), dataAsOf: builtAt.toISOString() };
    // Only while still published (an unpublish in between wins).
    await PublicationModel.updateOne(
      { _id: wave },
      { $set: { snapshot: { stamp, builtAt, json: JSON.stringify(body) } } },
    );
  }
  memo.set(wave, { stamp, body });
  return { ...body, series: await seriesOf(doc.questionnaireKey) };
}

/** A question across the published waves of the same questionnaire, at the largest public k among them. */
export async function publicTrends(
  wave: string,
  question: string,
  opts: { value?: string; measure?: Measure },
): Promise<Trends> {
  const doc = await published(wave);
  const series = await seriesOf(doc.questionnaireKey);
  const docs = await Promise.all(series.map((s) => published(s.code)));
  const ks = await Promise.all(docs.map((d) => publicK(d)));
  const k = Math.max(...ks.map((x) => x.k));
  return trendSeries(
    series.map((s) => s.code),
    question,
    { ...opts, filters: NO_FILTERS, k, trusted: true },
  );
}
