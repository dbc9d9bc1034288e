// The conformance oracle: what SurveyJS's own client (survey-core, as the browser runs it) does
// with a questionnaire and a set of answers. Independent of the server's answer check: it only
// drives survey-core's public API.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Helpers, Model, Serializer, type ItemValue, type Question } from 'survey-core';
import type { TestAgent } from './auth';

if (!Serializer.findProperty('question', 'lsgRole')) {
  Serializer.addProperty('question', { name: 'lsgRole', visible: false });
}

export type Step = 'next' | 'complete' | { set: Record<string, unknown> };
export type Session = { name: string; expect: 'complete' | 'incomplete'; steps: Step[] };
export type AnswerSet = { name: string; expect: 'complete' | 'incomplete'; answers: Record<string, unknown> };
export type Case = {
  file: string;
  title: string;
  definition: Record<string, unknown>;
  sessions: Session[];
  answerSets: AnswerSet[];
};

export const CORPUS_DIR = path.join(__dirname, '..', 'conformance');

export function loadCorpus(): Case[] {
  return fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8')) as Omit<Case, 'file'>),
    }));
}

/**
 * Uploads the case's questionnaire as `coordinator` (key `<prefix>-<file>`) and opens a public wave
 * on it in Russia, marked as having no regional breakdown (the corpus has no region question).
 * Returns the wave's code and the upload's answer (the questionnaire's id, roles and warnings).
 */
export async function openCorpusWave(
  coordinator: TestAgent,
  c: Case,
  prefix: string,
): Promise<{ code: string; upload: Record<string, unknown> }> {
  const key = `${prefix}-${c.file.replace(/\.json$/, '').replace(/[^a-z0-9-]/g, '-')}`;
  const up = await coordinator.post('/api/questionnaires').send({ key, definition: JSON.stringify(c.definition) });
  if (up.status !== 201) throw new Error(`${c.file}: upload ${up.status} ${JSON.stringify(up.body)}`);
  const code = `${prefix}-${randomUUID().slice(0, 8)}`;
  const created = await coordinator.post('/api/waves').send({
    code,
    title: { ru: c.title.slice(0, 200), uk: '', en: '' },
    questionnaireId: up.body.id,
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU'], regions: [] },
    access: 'public',
    anonymous: false,
    noRegionalBreakdown: true,
  });
  if (created.status !== 201) throw new Error(`${c.file}: wave ${created.status} ${JSON.stringify(created.body)}`);
  const opened = await coordinator.post(`/api/waves/${code}/lifecycle`).send({ action: 'open' });
  if (opened.status !== 200) throw new Error(`${c.file}: open ${opened.status} ${JSON.stringify(opened.body)}`);
  return { code, upload: up.body as Record<string, unknown> };
}

/**
 * Runs a respondent's session as the browser would: answers set on the questions (so triggers
 * and calculated values run), "next" and "complete" as the buttons do. Returns whether survey-core
 * completed and the data it would send (`survey.data` at completion, or when the respondent stopped).
 */
export function runSession(definition: object, steps: Step[]): { completed: boolean; data: Record<string, unknown> } {
  const model = new Model(definition);
  let sent: Record<string, unknown> | null = null;
  model.onComplete.add((sender) => {
    sent = JSON.parse(JSON.stringify(sender.data)) as Record<string, unknown>;
  });
  for (const step of steps) {
    if (step === 'next') {
      if (!model.nextPage()) break;
    } else if (step === 'complete') {
      model.tryComplete();
    } else {
      for (const [name, value] of Object.entries(step.set)) {
        if (name.endsWith('-Comment')) {
          // The "other" text box or the comment area of the question, as typed by the respondent.
          const base = model.getQuestionByName(name.slice(0, -'-Comment'.length)) as unknown as Record<string, unknown>;
          if (base?.showOtherItem) base.otherValue = value;
          else if (base) base.comment = value;
          continue;
        }
        const q = model.getQuestionByName(name) ?? model.getQuestionByValueName(name);
        if (q) q.value = value;
        else model.setValue(name, value);
      }
    }
  }
  const completed = model.state === 'completed';
  return { completed, data: sent ?? (JSON.parse(JSON.stringify(model.data)) as Record<string, unknown>) };
}

/** Could a respondent have entered this value in this question (a displayed choice, loosely)? */
function enterable(q: Question, value: unknown): boolean {
  const type = q.getType();
  const p = q as unknown as Record<string, unknown>;
  const hasOther = Boolean(p.showOtherItem);
  if (type === 'radiogroup' || type === 'dropdown') {
    return Boolean((p.selectedItem as ItemValue | null) ?? (hasOther && p.isOtherSelected));
  }
  if (type === 'checkbox' || type === 'tagbox') {
    const selected = (p.selectedChoices as ItemValue[] | undefined) ?? [];
    return Array.isArray(value) && selected.length === value.length;
  }
  if (type === 'text' || type === 'comment') {
    // The input does not take more characters than maxLength.
    const max = Number(p.maxLength ?? 0);
    return !(max > 0 && String(value).length > max);
  }
  if (type === 'rating') {
    // Only the displayed rate items can be clicked.
    const items = (p.visibleRateValues as ItemValue[] | undefined) ?? [];
    return items.some((i) => Helpers.isTwoValueEquals(i.value, value));
  }
  if (type === 'matrix') {
    // One radio button per row and column.
    const columns = (p.visibleColumns as ItemValue[] | undefined) ?? [];
    const rows = ((p.visibleRows as { name: unknown }[] | undefined) ?? []).map((r) => r.name);
    return Object.entries(value as Record<string, unknown>).every(
      ([row, v]) =>
        rows.some((r) => Helpers.isTwoValueEquals(r, row)) && columns.some((c) => Helpers.isTwoValueEquals(c.value, v)),
    );
  }
  return true;
}

/**
 * survey-core's verdict on a set of answers: loaded into the model, could the respondent go
 * through every visible page and complete? The set must also be one a respondent can enter:
 * every key held by a question (or its comment), a calculated value kept in the results or a
 * trigger's target, and every choice value one the question displays.
 */
export function surveyCoreVerdict(definition: object, answers: Record<string, unknown>): boolean {
  const model = new Model(definition);
  const extras = new Set<string>();
  for (const c of model.calculatedValues) if (c.includeIntoResult) extras.add(c.name);
  for (const t of model.triggers as unknown as { setToName?: string }[]) if (t.setToName) extras.add(t.setToName);
  for (const key of Object.keys(answers)) {
    const base = key.endsWith('-Comment') ? key.slice(0, -'-Comment'.length) : key;
    if (!model.getQuestionByValueName(base) && !extras.has(key)) return false;
  }
  model.data = answers;
  for (const q of model.getAllQuestions(true) as Question[]) {
    if (q.isVisibleInSurvey && !q.isEmpty() && !enterable(q, q.value)) return false;
  }
  while (!model.isLastPage) if (!model.nextPage()) return false;
  model.tryComplete();
  return model.state === 'completed';
}
