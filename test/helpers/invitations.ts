// Invitation-wave set-up through the coordinator API, as the UI does it.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { TestAgent } from './auth';
import { asText } from './app';

export const CSV_HEAD = 'id;name;region;type;population;email';

export function csv(rows: string[]): string {
  return [CSV_HEAD, ...rows].join('\n');
}

export const THREE_MUNICIPALITIES = csv([
  'tot;Тотемский муниципальный округ;RU-VLG;municipal_okrug;18500;tot@example.org',
  'vyt;Вытегорский муниципальный район;RU-VLG;municipal_district;22000;vyt@example.org',
  'kir;Кирилловский муниципальный округ;RU-VLG;municipal_okrug;14000;kir@example.org',
]);

/**
 * Creates (and by default opens) a wave on `questionnaireId` through the API, invitation-only unless
 * `over` says otherwise (`over.code` names it); returns its code.
 */
export async function createInvitationWave(
  coordinator: TestAgent,
  questionnaireId: string,
  over: Record<string, unknown> = {},
  open = true,
): Promise<string> {
  const code = typeof over.code === 'string' ? over.code : `inv-${randomUUID().slice(0, 8)}`;
  const res = await coordinator.post('/api/waves').send({
    title: { ru: 'Волна по приглашениям', uk: '', en: 'Invitation wave' },
    questionnaireId,
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU', 'UA'], regions: [] },
    access: 'invitation',
    anonymous: false,
    ...over,
    code,
  });
  if (res.status !== 201) throw new Error(`create wave: ${res.status} ${JSON.stringify(res.body)}`);
  if (open) {
    const o = await coordinator.post(`/api/waves/${code}/lifecycle`).send({ action: 'open' });
    if (o.status !== 200) throw new Error(`open wave: ${o.status} ${JSON.stringify(o.body)}`);
  }
  return code;
}

export type LinkRow = { id: string; name: string; region: string; email: string; link: string; token: string };

export function parseLinksCsv(text: string): LinkRow[] {
  const rows = parse(text.replace(/^\uFEFF/, ''), { delimiter: ';', columns: true }) as Record<string, string>[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    region: r.region,
    email: r.email,
    link: r.link,
    token: r.link.split('/i/')[1],
  }));
}

/** Imports the CSV and issues links for the new invitations; returns the links by municipality id. */
export async function importAndIssue(
  coordinator: TestAgent,
  wave: string,
  content = THREE_MUNICIPALITIES,
): Promise<Map<string, LinkRow>> {
  const imp = await coordinator.post(`/api/waves/${wave}/invitations/import`).send({ format: 'csv', content });
  if (imp.status !== 201) throw new Error(`import: ${imp.status} ${JSON.stringify(imp.body)}`);
  const links = await asText(
    coordinator.post(`/api/waves/${wave}/invitations/links`).send({ format: 'csv', scope: 'unissued' }),
  );
  if (links.status !== 200) throw new Error(`links: ${links.status}`);
  return new Map(parseLinksCsv(links.body as string).map((r) => [r.id, r]));
}
