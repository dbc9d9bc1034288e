// Invitations, import: the municipalities of a CSV or XLSX list added to a wave, and a wave's
// list copied to its clone.
import { ConflictError, ValidationError } from '../http/errors';
import { getWave, type Wave } from '../waves/waves.service';
import { audited } from '../audit/outbox';
import { InvitationModel } from './invitation.model';
import { parseCsv, parseXlsx, type MunicipalityRow, type ParsedImport } from './invitation-import';
import { invitationId, newInvitation, type InvitationDoc } from './invitations.service';

export type ImportInput = { format: 'csv' | 'xlsx'; content: string };
export type ImportResult = { total: number; created: number; updated: number; unchanged: number };

/** Parses and checks every row; throws 422 listing every bad row; writes nothing unless all are valid. */
export async function parseImport(wave: Wave, input: ImportInput): Promise<MunicipalityRow[]> {
  let parsed: ParsedImport;
  if (input.format === 'csv') parsed = parseCsv(input.content, wave.scope);
  else {
    const data = Buffer.from(input.content, 'base64');
    parsed = await parseXlsx(data, wave.scope);
  }
  if (parsed.problems.length) {
    const lines = new Set(parsed.problems.map((p) => p.name.split('.')[0]));
    throw new ValidationError(
      `${lines.size} line(s) of the list have problems; nothing was imported.`,
      parsed.problems,
      'invalid_invitations',
    );
  }
  return parsed.rows;
}

/**
 * Adds the municipalities of a list to a wave. Idempotent: each row is an upsert by the stable
 * `<wave>|<municipality id>`, so replaying the same file (after a crash half-way, say) completes
 * it without duplicates. A known municipality keeps its status and link; its contact details are
 * updated. Moving a known municipality to another region is refused (revoke it and import it
 * under a new id), so the board counts never shift under a respondent. Audited as one change
 * (`invitations.import` with the counts; one cut short is recorded as interrupted).
 */
export async function importInvitations(
  waveCode: string,
  input: ImportInput,
  actor: string,
  now = new Date(),
): Promise<ImportResult> {
  const wave = await getWave(waveCode);
  if (wave.status !== 'draft' && wave.status !== 'open') {
    throw new ConflictError(
      'wave_not_editable',
      `The wave "${wave.code}" is ${wave.status}: municipalities can be added to draft and open waves only.`,
      { waveStatus: wave.status },
    );
  }
  const rows = await parseImport(wave, input);
  const existing = new Map(
    (
      await InvitationModel.find({ waveCode }, { municipality: 1, email: 1, language: 1 }).lean<
        Pick<InvitationDoc, '_id' | 'municipality' | 'email' | 'language'>[]
      >()
    ).map((d) => [d._id, d]),
  );
  const moved = rows.filter((r) => {
    const e = existing.get(invitationId(waveCode, r.id));
    return e && e.municipality.regionCode !== r.regionCode;
  });
  if (moved.length) {
    throw new ValidationError(
      'Some municipalities are already invited in another region; nothing was imported.',
      moved.map((r) => ({
        name: `line ${r.line}.regionCode`,
        reason: `municipality "${r.id}" is already invited in ${existing.get(invitationId(waveCode, r.id))!.municipality.regionCode}`,
        code: 'region_changed',
        value: r.regionCode,
        allowed: [existing.get(invitationId(waveCode, r.id))!.municipality.regionCode],
      })),
      'invalid_invitations',
    );
  }
  return audited(
    { at: now, actor, action: 'invitations.import', target: waveCode, details: { format: input.format } },
    async () => {
      const result: ImportResult = { total: rows.length, created: 0, updated: 0, unchanged: 0 };
      for (const r of rows) {
        const _id = invitationId(waveCode, r.id);
        const municipality = {
          id: r.id,
          name: r.name,
          regionCode: r.regionCode,
          type: r.type,
          population: r.population,
        };
        const before = existing.get(_id);
        if (before) {
          const same =
            before.email === r.email &&
            (before.language ?? null) === r.language &&
            JSON.stringify({ ...before.municipality }) === JSON.stringify(municipality);
          if (same) {
            result.unchanged++;
            continue;
          }
          await InvitationModel.updateOne({ _id }, { $set: { municipality, email: r.email, language: r.language } });
          result.updated++;
          continue;
        }
        const res = await InvitationModel.updateOne(
          { _id },
          {
            $setOnInsert: newInvitation(waveCode, municipality, r.email, r.language, now),
          },
          { upsert: true },
        );
        if (res.upsertedCount === 1) result.created++;
        else result.unchanged++;
      }
      return result;
    },
    (result) => ({ ...result }),
  );
}

/** Copies a wave's invitation list (municipalities and contacts, no links, no progress) to another wave. */
export async function copyInvitations(fromWave: string, toWave: string, now = new Date()): Promise<number> {
  const docs = await InvitationModel.find({ waveCode: fromWave }, { municipality: 1, email: 1, language: 1 }).lean<
    Pick<InvitationDoc, '_id' | 'municipality' | 'email' | 'language'>[]
  >();
  let copied = 0;
  for (const d of docs) {
    const res = await InvitationModel.updateOne(
      { _id: invitationId(toWave, d.municipality.id) },
      {
        $setOnInsert: newInvitation(toWave, d.municipality, d.email, d.language ?? null, now),
      },
      { upsert: true },
    );
    if (res.upsertedCount === 1) copied++;
  }
  return copied;
}
