// Free-text answers of a wave (text and comment questions, and the text of "other (specify)"),
// with search. Searching is done while streaming, case-insensitively, in any language.
import type { Localized } from '../reference/reference.service';
import { ResponseModel } from '../responses/response.model';
import { waveCatalogue } from './catalogue';
import { loadCodings } from './coding.service';
import { responseQuery, type Filters } from './filters';
import { abortable } from '../db/abortable';
import { longCursorOptions, longRead, yielder } from '../db/long-reads';
import { currentSignal } from '../http/request-context';

export type TextAnswer = {
  responseId: string;
  region: string;
  municipality: string;
  variable: string;
  kind: 'text' | 'other';
  text: string;
  /** For "other" answers: the code a researcher gave it. */
  code: string | null;
};

export type TextAnswers = {
  questions: { name: string; title: Localized; kind: 'text' | 'other' }[];
  total: number;
  items: TextAnswer[];
};

export async function textAnswers(
  waveCode: string,
  opts: { question?: string; q?: string; uncoded?: boolean; filters: Filters; limit: number; offset: number },
): Promise<TextAnswers> {
  const { wave, variables } = await waveCatalogue(waveCode);
  const questions = [
    ...variables
      .filter((v) => v.kind === 'text')
      .map((v) => ({ name: v.name, title: v.title, kind: 'text' as const, key: v.question })),
    ...variables
      .filter((v) => v.hasOther && (v.kind === 'single' || v.kind === 'multi'))
      .map((v) => ({ name: v.name, title: v.title, kind: 'other' as const, key: `${v.question}-Comment` })),
  ].filter((q) => !opts.question || q.name === opts.question);
  const codings = await loadCodings(wave.code);
  const needle = opts.q?.trim().toLocaleLowerCase();
  const items: TextAnswer[] = [];
  let total = 0;
  // A long read: on the long-read pool (db/long-reads.ts), stopped with its request.
  const cursor = longRead(ResponseModel)
    .find(responseQuery(wave.code, opts.filters), {
      regionCode: 1,
      municipality: 1,
      answers: 1,
    })
    .sort({ submittedAt: 1, _id: 1 })
    .lean<{ _id: string; regionCode: string; municipality: string; answers: Record<string, unknown> }>()
    .cursor(longCursorOptions(currentSignal()));
  const pause = yielder();
  for await (const r of abortable(cursor)) {
    await pause();
    for (const q of questions) {
      const raw = r.answers?.[q.key];
      if (typeof raw !== 'string' || !raw.trim()) continue;
      if (needle && !raw.toLocaleLowerCase().includes(needle) && !r.municipality?.toLocaleLowerCase().includes(needle))
        continue;
      const code = q.kind === 'other' ? (codings.byResponse.get(r._id)?.get(q.name) ?? null) : null;
      if (opts.uncoded && (q.kind !== 'other' || code)) continue;
      total++;
      if (total > opts.offset && items.length < opts.limit) {
        items.push({
          responseId: r._id,
          region: r.regionCode,
          municipality: r.municipality ?? '',
          variable: q.name,
          kind: q.kind,
          text: raw,
          code,
        });
      }
    }
  }
  return { questions: questions.map(({ name, title, kind }) => ({ name, title, kind })), total, items };
}
