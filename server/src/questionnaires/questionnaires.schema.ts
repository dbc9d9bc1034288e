import { z } from 'zod';
import { LocalizedText as Localized } from '../http/shared-schemas';

/** A questionnaire's key (versions are `key@n`). */
export const QUESTIONNAIRE_KEY = /^[a-z0-9][a-z0-9_-]{0,60}$/;

export const QuestionnaireKeyParams = z
  .object({ key: z.string().regex(QUESTIONNAIRE_KEY, 'a key: lower-case letters, digits, _ and -') })
  .strict();

export const QuestionnaireVersionParams = z
  .object({
    key: z.string().regex(QUESTIONNAIRE_KEY, 'a key: lower-case letters, digits, _ and -'),
    version: z.coerce.number().int().min(1).max(100_000),
  })
  .strict();

/** The questionnaire as JSON text: a syntax error can then be reported by line and column. */
export const UploadQuestionnaireBody = z
  .object({
    key: z.string().regex(QUESTIONNAIRE_KEY, 'a key: lower-case letters, digits, _ and - (up to 61)'),
    definition: z.string().min(1, 'the questionnaire is empty').max(2_000_000, 'at most 2 MB'),
  })
  .strict();
export type UploadQuestionnaireBody = z.infer<typeof UploadQuestionnaireBody>;

export const DiffQuery = z
  .object({
    from: z.coerce.number().int().min(1),
    to: z.coerce.number().int().min(1),
  })
  .strict();

const roleName = z.string().min(1).max(64).nullable().optional();
/** The roles of questions: role → question value name (null or absent: no question has it). */
export const Roles = z
  .object({
    country: roleName,
    region: roleName,
    municipality: roleName,
    municipalityType: roleName,
    sizeClass: roleName,
    respondentRole: roleName,
    obstacles: roleName,
    obstacleSeverity: roleName,
  })
  .strict();

export const SetRolesBody = z.object({ roles: Roles }).strict();
export type SetRolesBody = z.infer<typeof SetRolesBody>;

const StoredRoles = z.record(z.string(), z.string());

export const QuestionSummary = z.object({ name: z.string(), type: z.string(), page: z.string(), title: Localized });

export const QuestionnaireSummary = z.object({
  id: z.string(),
  key: z.string(),
  version: z.number().int(),
  title: Localized,
  source: z.enum(['file', 'upload']),
  createdAt: z.string(),
  questionCount: z.number().int(),
  locales: z.array(z.string()),
  usedBy: z.array(z.string()),
  roles: StoredRoles,
  rolesLocked: z.boolean(),
  warnings: z.array(z.string()),
});

export const QuestionnaireDetail = QuestionnaireSummary.extend({
  definition: z.record(z.string(), z.unknown()),
  questions: z.array(QuestionSummary),
});

export const UploadResult = z.object({
  id: z.string(),
  key: z.string(),
  version: z.number().int(),
  created: z.boolean(),
  /** Texts whose markup was outside the allow-list: stored with that markup removed. */
  sanitized: z.array(z.object({ name: z.string(), reason: z.string(), code: z.string().optional() })),
  /** The roles detected from the file's `lsgRole` properties (or kept from the identical version). */
  roles: StoredRoles,
  /** Plain-word warnings, e.g. no region question. */
  warnings: z.array(z.string()),
});

export const DiffResult = z.object({
  key: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  added: z.array(QuestionSummary),
  removed: z.array(QuestionSummary),
  changed: z.array(QuestionSummary),
  unchanged: z.array(z.string()),
});

/** The editor's draft: checked as an upload would be, nothing stored; `answers` for "try it". */
export const CheckDraftBody = z
  .object({
    definition: z.string().min(1, 'the questionnaire is empty').max(2_000_000, 'at most 2 MB'),
    answers: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type CheckDraftBody = z.infer<typeof CheckDraftBody>;

const Problem = z.object({ name: z.string(), reason: z.string(), code: z.string().optional() });
const PerLocale = z.object({ ru: z.number().int(), uk: z.number().int(), en: z.number().int() });

export const DraftCheckResult = z.object({
  problems: z.array(Problem),
  translations: z.object({
    locales: z.array(z.enum(['ru', 'uk', 'en'])),
    missing: PerLocale,
    keys: z.array(z.string()),
  }),
  answerProblems: z.array(Problem).nullable(),
});

/** The draft compared with the version it started from (`from`). */
export const DiffDraftBody = z
  .object({
    from: z.number().int().min(1).max(100_000),
    definition: z.string().min(1).max(2_000_000, 'at most 2 MB'),
  })
  .strict();

export const DraftDiffResult = DiffResult.omit({ to: true });
