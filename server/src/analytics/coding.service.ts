// "Other (specify)" answers coded by researchers, the extra codes they create, and the wave's
// small-cell threshold. Coding is back-coding: a coded answer counts under its code instead of
// "other" (once per respondent, even if the respondent had also ticked that code); its text is kept.
import { BadRequestError, NotFoundError } from '../http/errors';
import { prepareAudit } from '../audit/outbox';
import { ResponseModel } from '../responses/response.model';
import type { Localized } from '../reference/reference.service';
import { AnalysisSettingsModel, CustomCodeModel, OtherCodingModel } from './coding.model';
import { waveCatalogue } from './catalogue';
import { findVariable, type Option, type Variable } from './variables';
import { CUBE_SOURCE_FIELDS, type CellDims, type CubeSource } from './cube.service';

export const DEFAULT_MIN_CELL = 3;

export type Coding = {
  responseId: string;
  variable: string;
  region: string;
  chosen: string[];
  code: string;
  /** The response's cell of the cube (codings made before the cube have none: looked up on read). */
  cell?: CellDims;
};
/** responseId → variable → code */
export type CodingIndex = { list: Coding[]; byResponse: Map<string, Map<string, string>> };

export async function loadCodings(wave: string): Promise<CodingIndex> {
  const docs = await OtherCodingModel.find(
    { wave },
    {
      responseId: 1,
      variable: 1,
      region: 1,
      chosen: 1,
      code: 1,
      municipalityType: 1,
      sizeClass: 1,
      respondentRole: 1,
      status: 1,
    },
  ).lean<(Coding & Partial<Omit<CellDims, 'region'>>)[]>();
  const list: Coding[] = docs.map((d) => ({
    responseId: d.responseId,
    variable: d.variable,
    region: d.region,
    chosen: d.chosen,
    code: d.code,
    ...(d.status !== undefined
      ? {
          cell: {
            region: d.region,
            municipalityType: d.municipalityType ?? '',
            sizeClass: d.sizeClass ?? '',
            respondentRole: d.respondentRole ?? '',
            status: d.status,
          },
        }
      : {}),
  }));
  const byResponse = new Map<string, Map<string, string>>();
  for (const c of list) {
    const m = byResponse.get(c.responseId) ?? new Map<string, string>();
    m.set(c.variable, c.code);
    byResponse.set(c.responseId, m);
  }
  return { list, byResponse };
}

/** The values a respondent counts under once an "other" answer is coded. */
export function recoded(values: string[], code: string | undefined): string[] {
  if (!code || !values.includes('other')) return values;
  const out = values.filter((v) => v !== 'other');
  if (!out.includes(code)) out.push(code);
  return out;
}

export async function customCodes(wave: string): Promise<Map<string, Option[]>> {
  const docs = await CustomCodeModel.find({ wave }, { variable: 1, code: 1, labels: 1 }).lean<
    { variable: string; code: string; labels?: Partial<Localized> }[]
  >();
  const out = new Map<string, Option[]>();
  for (const d of docs) {
    const l = d.labels ?? {};
    const any = l.ru || l.en || l.uk || d.code;
    const list = out.get(d.variable) ?? [];
    list.push({ value: d.code, labels: { ru: l.ru || any, en: l.en || any, uk: l.uk || any } });
    out.set(d.variable, list);
  }
  return out;
}

/** The options of a variable in a wave: the questionnaire's, then the researchers' own codes. */
export function optionsWithCustom(v: Variable, custom: Map<string, Option[]>): Option[] {
  const extra = (custom.get(v.name) ?? []).filter((c) => !v.options.some((o) => o.value === c.value));
  return [...v.options, ...extra];
}

function otherVariable(variables: Variable[], name: string): Variable {
  const v = findVariable(variables, name);
  if (!v || !v.hasOther || (v.kind !== 'single' && v.kind !== 'multi'))
    throw new BadRequestError(`"${name}" is not a question with an "other (specify)" answer.`, [
      { name: 'params.variable', reason: 'not a choice question with "other"' },
    ]);
  return v;
}

export async function addCustomCode(
  wave: string,
  variable: string,
  code: string,
  labels: Localized,
): Promise<{ code: string; labels: Localized }> {
  const { variables } = await waveCatalogue(wave);
  const v = otherVariable(variables, variable);
  if (v.options.some((o) => o.value === code))
    throw new BadRequestError(`"${code}" is already a choice of "${variable}".`, [
      { name: 'body.code', reason: 'already one of the choices' },
    ]);
  await CustomCodeModel.updateOne(
    { _id: `${wave}|${variable}|${code}` },
    { $set: { wave, variable, code, labels }, $setOnInsert: { createdAt: new Date() } },
    { upsert: true },
  );
  return { code, labels };
}

/** Codes (or re-codes) one "other" answer. The code must be a choice of the variable or a custom code. */
export async function codeOtherAnswer(
  wave: string,
  responseId: string,
  variable: string,
  code: string,
  codedBy: string,
): Promise<Coding> {
  const { variables } = await waveCatalogue(wave);
  const v = otherVariable(variables, variable);
  const custom = await customCodes(wave);
  const allowed = optionsWithCustom(v, custom).filter((o) => o.value !== 'other' && o.value !== 'none');
  if (!allowed.some((o) => o.value === code))
    throw new BadRequestError(`"${code}" is not a code of "${variable}"; add it as a new code first.`, [
      { name: 'body.code', reason: 'unknown code' },
    ]);
  const r = await ResponseModel.findById(responseId, CUBE_SOURCE_FIELDS).lean<CubeSource>();
  if (!r || r.waveCode !== wave) throw new NotFoundError('response', responseId);
  const chosen = v.values(r.answers ?? {}) ?? [];
  if (!chosen.includes('other'))
    throw new BadRequestError('This response did not choose "other" for that question.', [
      { name: 'params.responseId', reason: 'no "other" answer' },
    ]);
  await OtherCodingModel.updateOne(
    { _id: `${wave}|${responseId}|${variable}` },
    {
      $setOnInsert: { wave, responseId, variable, region: r.regionCode, chosen },
      // The cell of the cube this coding adjusts ($set: also fills codings made before the cube).
      $set: {
        code,
        codedBy,
        codedAt: new Date(),
        municipalityType: r.municipalityType ?? '',
        sizeClass: r.sizeClass ?? '',
        respondentRole: r.respondentRole ?? '',
        status: r.status ?? 'complete',
      },
    },
    { upsert: true },
  );
  return { responseId, variable, region: r.regionCode, chosen, code };
}

export async function uncodeOtherAnswer(wave: string, responseId: string, variable: string): Promise<void> {
  await OtherCodingModel.deleteOne({ _id: `${wave}|${responseId}|${variable}` });
}

export async function getMinCell(wave: string): Promise<number> {
  const doc = await AnalysisSettingsModel.findById(wave, { minCell: 1 }).lean<{ minCell: number }>();
  return doc?.minCell ?? DEFAULT_MIN_CELL;
}

/**
 * Sets the wave's minimum k; returns it and the one it replaces. Set by a user (`actor`), the
 * change carries its audit record (`wave.min_cell`); without one (test fixtures, tools) it is not
 * recorded.
 */
export async function setMinCell(
  wave: string,
  minCell: number,
  actor?: string,
  now = new Date(),
): Promise<{ minCell: number; previous: number }> {
  await waveCatalogue(wave); // 404 for an unknown wave
  const previous = await getMinCell(wave);
  const audit = actor
    ? await prepareAudit(AnalysisSettingsModel, wave, {
        at: now,
        actor,
        action: 'wave.min_cell',
        target: wave,
        details: { from: previous, to: minCell },
      })
    : undefined;
  await AnalysisSettingsModel.updateOne(
    { _id: wave },
    { $set: { minCell, updatedAt: now, ...audit?.set } },
    { upsert: true },
  );
  await audit?.flush();
  return { minCell, previous };
}
