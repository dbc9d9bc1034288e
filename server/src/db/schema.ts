// The shape every model of the app shares: documents keyed by a string `_id` that the app chooses
// (a wave code, `<wave>|<municipality>`, a sha256, ...), no mongoose `__v` (concurrency is handled
// by conditional single-document updates, see docs/architecture.md), and the declared indexes
// next to the fields (built at start-up by ensureIndexes in bootstrap.ts; autoIndex is off).
import type { Collection, Document } from 'mongodb';
import { Schema, type IndexDefinition, type Model, type SchemaDefinition } from 'mongoose';

export type KeyedSchemaOptions = {
  /** false: keep empty objects (`{}` defaults, maps emptied by an update) as they are. */
  minimize?: false;
  /** The declared indexes, in this order (each one `schema.index(spec)`). */
  indexes?: IndexDefinition[];
};

/** A schema of documents keyed by a required string `_id`, followed by `fields`. */
export function keyedSchema<const D extends SchemaDefinition>(fields: D, options: KeyedSchemaOptions = {}) {
  const { indexes = [], ...schemaOptions } = options;
  const schema = new Schema(
    { _id: { type: String, required: true } as const, ...fields },
    { versionKey: false, ...schemaOptions },
  );
  for (const spec of indexes) schema.index(spec);
  return schema;
}

/**
 * The driver's collection of a keyed model, for the hot writes of a submission (the response, the
 * rate limit, the kept counts): no casting or copying by mongoose, no schema defaults — the caller
 * writes every field the document needs. Same connection, write concern and error shapes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any keyed model
export function keyed<T extends Document = Document>(model: Model<any>): Collection<T & { _id: string }> {
  return model.collection as unknown as Collection<T & { _id: string }>;
}

/** A required field of the given type (`String`, `Date`, `Number`, ...). */
export const required = <T>(type: T) => ({ type, required: true }) as const;

/**
 * A document's change log: records appended with $push in the same single-document update that
 * makes the change (so the change and its record cannot diverge). Every record says when, by whom
 * and what (`action`), and carries the `details` fields of its kind.
 */
export function changeLog<const D extends SchemaDefinition>(details: D) {
  return {
    type: [{ _id: false, at: required(Date), by: required(String), action: required(String), ...details }],
    default: [],
  } as const;
}

/**
 * The index of a date by which a periodic sweep deletes old documents (`deleteMany` of those at
 * or before now). A plain ascending index, not a TTL index: the embedded store has none.
 */
export const sweptBy = (field: string): IndexDefinition => ({ [field]: 1 });

/** A text in the three languages of the app (any of them may be missing). */
export const localizedText = () => ({ ru: String, en: String, uk: String });
