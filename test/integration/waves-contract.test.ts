// The wave's API document carries the rules the page needs (what may change, which status changes
// are allowed), and the wave use cases own their steps: a clone cut short is finished by its
// retry, and the audit record is written with the change, so a failed audit write never turns a
// change that happened into a 500. Real store over the wire; faults injected into one store call.
import { randomUUID } from 'node:crypto';
import { AuditModel } from '../../server/src/audit/audit.model';
import { flushAllOutboxes } from '../../server/src/audit/outbox';
import { InvitationModel } from '../../server/src/invitations/invitation.model';
import { WaveModel } from '../../server/src/waves/wave.model';
import { WaveAdmin } from '../../server/src/waves/waves.schema';
import { registerMiniQuestionnaire } from '../helpers/fixtures';
import { invitationWritesFailOnSecond, useContractApp } from '../helpers/audit-outbox';
import { createInvitationWave, THREE_MUNICIPALITIES } from '../helpers/invitations';

const { agent: coordinator } = useContractApp(['coordinator']);
let v1: string;

beforeAll(async () => {
  v1 = await registerMiniQuestionnaire();
});

const act = (wave: string, action: string) => coordinator.post(`/api/waves/${wave}/lifecycle`).send({ action });
const admin = async (wave: string) => {
  const res = await coordinator.get(`/api/waves/${wave}/admin`);
  expect(res.status).toBe(200);
  // The answer is exactly what the API document declares (no member more or less).
  return WaveAdmin.strict().parse(res.body);
};

/** A wave in the given state (through the API). */
async function waveIn(status: 'draft' | 'open' | 'closed' | 'archived'): Promise<string> {
  const code = await createInvitationWave(coordinator, v1, {}, false);
  if (status !== 'draft') expect((await act(code, 'open')).status).toBe(200);
  if (status === 'closed' || status === 'archived') expect((await act(code, 'close')).status).toBe(200);
  if (status === 'archived') expect((await act(code, 'archive')).status).toBe(200);
  return code;
}

/** A changed value for each field a PATCH may carry. */
const CHANGE: Record<string, unknown> = {
  title: { ru: 'Другое название', uk: '', en: '' },
  questionnaireId: 'imc-barriers@1',
  opensAt: '2020-01-01T00:00:00Z',
  closesAt: '2099-06-01T00:00:00Z',
  scope: { countries: ['RU'], regions: ['RU-VLG'] },
  access: 'public',
  anonymous: true,
  noRegionalBreakdown: true,
};

describe('the rules come with the wave', () => {
  it.each([
    [
      'draft',
      ['title', 'questionnaireId', 'opensAt', 'closesAt', 'scope', 'access', 'anonymous', 'noRegionalBreakdown'],
      ['open', 'archive'],
    ],
    ['open', ['title', 'closesAt'], ['close']],
    ['closed', ['title'], ['reopen', 'archive']],
    ['archived', [], []],
  ] as const)('a %s wave lists %j as editable and allows %j', async (status, editable, transitions) => {
    const wave = await admin(await waveIn(status));
    expect(wave.status).toBe(status);
    expect([...wave.editableFields].sort()).toEqual([...editable].sort());
    expect(wave.allowedTransitions).toEqual(transitions);
  });

  it.each(['draft', 'open', 'closed', 'archived'] as const)(
    'a %s wave: the server accepts a change of exactly the fields it lists as editable',
    async (status) => {
      for (const field of Object.keys(CHANGE)) {
        const code = await waveIn(status);
        const { editableFields } = await admin(code);
        const res = await coordinator.patch(`/api/waves/${code}`).send({ [field]: CHANGE[field] });
        if ((editableFields as string[]).includes(field)) expect([field, res.status]).toEqual([field, 200]);
        else expect([field, res.status, res.body.code]).toEqual([field, 409, 'wave_locked']);
      }
    },
  );

  it.each(['draft', 'open', 'closed', 'archived'] as const)(
    'a %s wave: the server allows exactly the lifecycle actions it lists',
    async (status) => {
      for (const action of ['open', 'close', 'reopen', 'archive']) {
        const code = await waveIn(status);
        const { allowedTransitions } = await admin(code);
        const res = await act(code, action);
        if ((allowedTransitions as string[]).includes(action)) expect([action, res.status]).toEqual([action, 200]);
        else expect([action, res.status, res.body.code]).toEqual([action, 409, 'invalid_transition']);
      }
    },
  );
});

describe('cloning is one resumable call', () => {
  async function sourceWithInvitations(): Promise<string> {
    const source = await createInvitationWave(coordinator, v1, {}, false);
    const imp = await coordinator
      .post(`/api/waves/${source}/invitations/import`)
      .send({ format: 'csv', content: THREE_MUNICIPALITIES });
    expect(imp.status).toBe(201);
    return source;
  }
  const cloneBody = (code: string) => ({
    code,
    title: { ru: 'Следующий год', uk: '', en: 'Next year' },
    opensAt: null,
    closesAt: null,
  });

  it('when the copy of the invitations fails half-way, then the retry finishes the clone, audited once', async () => {
    const source = await sourceWithInvitations();
    const next = `clone-${randomUUID().slice(0, 8)}`;
    // The store answers the first invitation upsert and fails on the second.
    invitationWritesFailOnSecond();
    const failed = await coordinator.post(`/api/waves/${source}/clone`).send(cloneBody(next));
    expect(failed.status).toBe(500);
    jest.restoreAllMocks();

    // Cut short: a draft with one of three invitations, marked as pending, not audited.
    expect(await InvitationModel.countDocuments({ waveCode: next })).toBe(1);
    expect((await WaveModel.findById(next, { pendingClone: 1 }).lean<{ pendingClone: string }>())?.pendingClone).toBe(
      source,
    );
    expect(await AuditModel.countDocuments({ action: 'wave.clone', target: next })).toBe(0);

    const retry = await coordinator.post(`/api/waves/${source}/clone`).send(cloneBody(next));
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ code: next, status: 'draft', clonedFrom: source, invitationsCopied: 3 });
    expect(await InvitationModel.countDocuments({ waveCode: next })).toBe(3);
    expect((await WaveModel.findById(next, { pendingClone: 1 }).lean<{ pendingClone: string }>())?.pendingClone).toBe(
      null,
    );
    const audit = await AuditModel.find({ action: 'wave.clone', target: next }).lean<{ details: object }[]>();
    expect(audit.map((a) => a.details)).toEqual([{ from: source, invitationsCopied: 3 }]);

    // Repeating a finished clone answers the same wave and records nothing more.
    const again = await coordinator.post(`/api/waves/${source}/clone`).send(cloneBody(next));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ code: next, invitationsCopied: 3 });
    expect(await AuditModel.countDocuments({ action: 'wave.clone', target: next })).toBe(1);
  });

  it('a code taken by a wave that is not a clone of this source is still refused with 409', async () => {
    const source = await sourceWithInvitations();
    const other = await createInvitationWave(coordinator, v1, {}, false);
    const res = await coordinator.post(`/api/waves/${source}/clone`).send(cloneBody(other));
    expect(res.status).toBe(409);
    expect(await InvitationModel.countDocuments({ waveCode: other })).toBe(0);
  });
});

describe('the audit record is written with the change', () => {
  it('when the audit log cannot be written, then the change still answers 200 and its record arrives later, once', async () => {
    const code = await waveIn('draft');
    jest.spyOn(AuditModel, 'updateOne').mockImplementation((() => {
      throw new Error('the audit collection is unavailable');
    }) as never);
    const res = await act(code, 'open');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('open');
    jest.restoreAllMocks();

    expect(await AuditModel.countDocuments({ action: 'wave.open', target: code })).toBe(0);
    const kept = await WaveModel.findById(code, { auditOutbox: 1 }).lean<{ auditOutbox: Record<string, object> }>();
    expect(Object.values(kept?.auditOutbox ?? {})).toEqual([
      expect.objectContaining({ action: 'wave.open', target: code, details: { from: 'draft', to: 'open' } }),
    ]);

    // The start-up sweep (or the wave's next change) moves it; a second sweep moves nothing twice.
    expect(await flushAllOutboxes(WaveModel)).toBeGreaterThanOrEqual(1);
    await flushAllOutboxes(WaveModel);
    expect(await AuditModel.countDocuments({ action: 'wave.open', target: code })).toBe(1);
    const after = await WaveModel.findById(code, { auditOutbox: 1 }).lean<{ auditOutbox?: Record<string, object> }>();
    expect(Object.keys(after?.auditOutbox ?? {})).toEqual([]);
  });

  it('every wave change leaves exactly one audit record and an empty outbox', async () => {
    const code = await waveIn('draft');
    expect(
      (await coordinator.patch(`/api/waves/${code}`).send({ title: { ru: 'Новое', uk: '', en: '' } })).status,
    ).toBe(200);
    await act(code, 'open');
    await act(code, 'close');
    const actions = (await AuditModel.find({ target: code }).sort({ at: 1 }).lean<{ action: string }[]>()).map(
      (a) => a.action,
    );
    expect(actions).toEqual(['wave.create', 'wave.update', 'wave.open', 'wave.close']);
    const doc = await WaveModel.findById(code, { auditOutbox: 1 }).lean<{ auditOutbox?: Record<string, object> }>();
    expect(Object.keys(doc?.auditOutbox ?? {})).toEqual([]);
  });
});
