// The controlled vocabularies of a practice: fields (waste, water, roads…) and forms of
// cooperation, the same codes the barriers questionnaire uses; obstacles, regions, municipality
// types and size classes come from the reference directories.
import fieldsData from './data/fields.json';
import formsData from './data/forms.json';
import {
  findRegion,
  municipalityTypes,
  obstacleCodes,
  sizeClasses,
  type Localized,
} from '../reference/reference.service';

export type Term = { code: string; names: Localized };

export const practiceFields: Term[] = fieldsData as Term[];
export const practiceForms: Term[] = formsData as Term[];

export const FIELD_CODES = practiceFields.map((f) => f.code);
export const FORM_CODES = practiceForms.map((f) => f.code);
export const OBSTACLE_CODES = obstacleCodes.filter((c) => c !== 'other');
export const TYPE_CODES = municipalityTypes.map((t) => t.code);
export const SIZE_CODES = sizeClasses.map((s) => s.code);
export const COUNTRIES = ['RU', 'UA'] as const;
export const LANGUAGES = ['ru', 'uk', 'en'] as const;

export const isRegion = (code: string) => !!findRegion(code);
export const countryOfRegion = (code: string) => findRegion(code)?.country;
