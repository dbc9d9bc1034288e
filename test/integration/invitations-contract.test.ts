// The invitation use cases own their audit record: importing a list, issuing links, revoking and
// re-issuing one are each one service call whose record is written with the change, so a failed
// audit write never turns a change that happened into a 500, and the record arrives once later.
// A cut-short import is recorded as interrupted, and its retry finishes it. Real store over the
// wire; faults injected into one store call.
import { AuditModel, AuditOutboxModel } from '../../server/src/audit/audit.model';
import { sweepOutbox, OUTBOX_GRACE_MS } from '../../server/src/audit/outbox';
import { InvitationModel } from '../../server/src/invitations/invitation.model';
import { registerMiniQuestionnaire } from '../helpers/fixtures';
import {
  auditLogDown,
  expectRecordedOnce,
  expectRecordedOnceLater,
  invitationWritesFailOnSecond,
  useContractApp,
} from '../helpers/audit-outbox';
import { createInvitationWave, importAndIssue, THREE_MUNICIPALITIES } from '../helpers/invitations';

const { agent: coordinator } = useContractApp(['coordinator']);
let questionnaireId: string;

beforeAll(async () => {
  questionnaireId = await registerMiniQuestionnaire();
});

const newWave = () => createInvitationWave(coordinator, questionnaireId);
/** A wave with THREE_MUNICIPALITIES imported and their links issued. */
async function issuedWave(): Promise<string> {
  const wave = await createInvitationWave(coordinator, questionnaireId);
  await importAndIssue(coordinator, wave);
  return wave;
}
const importList = (wave: string, content = THREE_MUNICIPALITIES) =>
  coordinator.post(`/api/waves/${wave}/invitations/import`).send({ format: 'csv', content });

describe('when the audit log cannot be written, the invitation change still answers 2xx and is recorded once later', () => {
  it('import', async () => {
    const wave = await newWave();
    auditLogDown();
    const res = await importList(wave);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ total: 3, created: 3 });
    const rec = await expectRecordedOnceLater({ action: 'invitations.import', target: wave });
    expect(rec.actor).toBe(coordinator.email);
    expect(rec.details).toEqual({ format: 'csv', total: 3, created: 3, updated: 0, unchanged: 0 });
  });

  it('issuing links', async () => {
    const wave = await newWave();
    expect((await importList(wave)).status).toBe(201);
    auditLogDown();
    const res = await coordinator
      .post(`/api/waves/${wave}/invitations/links`)
      .send({ format: 'csv', scope: 'unissued' });
    expect(res.status).toBe(200);
    expect(res.headers['x-links-issued']).toBe('3');
    const rec = await expectRecordedOnceLater({ action: 'invitations.export', target: wave });
    expect(rec.details).toEqual({ scope: 'unissued', issued: 3, format: 'csv' });
  });

  it('revoke', async () => {
    const wave = await issuedWave();
    auditLogDown();
    const res = await coordinator.post(`/api/waves/${wave}/invitations/tot/revoke`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('revoked');
    // The record waits in the invitation itself, written by the same update as the revocation.
    const kept = await InvitationModel.findById(`${wave}|tot`, { auditOutbox: 1 }).lean<{
      auditOutbox?: Record<string, { action: string }>;
    }>();
    expect(Object.values(kept?.auditOutbox ?? {}).map((e) => e.action)).toEqual(['invitations.revoke']);
    const rec = await expectRecordedOnceLater({ action: 'invitations.revoke', target: wave });
    expect(rec.details).toEqual({ municipality: 'tot' });
    const after = await InvitationModel.findById(`${wave}|tot`, { auditOutbox: 1 }).lean<{
      auditOutbox?: Record<string, object>;
    }>();
    expect(Object.keys(after?.auditOutbox ?? {})).toEqual([]);
  });

  it('re-issue', async () => {
    const wave = await issuedWave();
    auditLogDown();
    const res = await coordinator.post(`/api/waves/${wave}/invitations/vyt/reissue`);
    expect(res.status).toBe(200);
    expect(res.body.link).toMatch(/\/i\//);
    const rec = await expectRecordedOnceLater({ action: 'invitations.reissue', target: wave });
    expect(rec.details).toEqual({ municipality: 'vyt' });
  });
});

describe('with the audit log up, each change is recorded once at once; no change, no record', () => {
  it('import, links, revoke (twice), re-issue', async () => {
    const wave = await issuedWave();
    expect((await coordinator.post(`/api/waves/${wave}/invitations/kir/revoke`)).status).toBe(200);
    expect((await coordinator.post(`/api/waves/${wave}/invitations/kir/revoke`)).status).toBe(200);
    expect((await coordinator.post(`/api/waves/${wave}/invitations/kir/reissue`)).status).toBe(200);
    for (const action of ['invitations.import', 'invitations.export', 'invitations.revoke', 'invitations.reissue'])
      await expectRecordedOnce({ action, target: wave });
    // The same list again changes nothing and is recorded as such.
    const again = await importList(wave);
    expect(again.body).toMatchObject({ created: 0, unchanged: 3 });
    expect(await AuditModel.countDocuments({ action: 'invitations.import', target: wave })).toBe(2);
    // Nothing is left waiting in the outbox.
    expect(await AuditOutboxModel.countDocuments({})).toBe(0);
  });
});

describe('an import cut short', () => {
  it('is recorded as interrupted; its retry finishes the list and is recorded with its own counts', async () => {
    const wave = await newWave();
    invitationWritesFailOnSecond();
    expect((await importList(wave)).status).toBe(500);
    jest.restoreAllMocks();
    expect(await InvitationModel.countDocuments({ waveCode: wave })).toBe(1);
    const cut = await expectRecordedOnce({ action: 'invitations.import', target: wave });
    expect(cut.details).toEqual({ format: 'csv', interrupted: true });

    const retry = await importList(wave);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ total: 3, created: 2, unchanged: 1 });
    expect(await InvitationModel.countDocuments({ waveCode: wave })).toBe(3);
    const records = await AuditModel.find({ action: 'invitations.import', target: wave }).lean<
      { details: Record<string, unknown> }[]
    >();
    expect(records.map((r) => r.details)).toEqual(
      expect.arrayContaining([{ format: 'csv', total: 3, created: 2, updated: 0, unchanged: 1 }]),
    );
    expect(records).toHaveLength(2);
  });

  it('a crash before the end (the entry still pending) is recorded as interrupted by the sweep after the grace time', async () => {
    const wave = await newWave();
    // The process dies inside the import: its outbox entry stays pending.
    jest.spyOn(AuditOutboxModel, 'updateOne').mockImplementation((() => {
      throw new Error('the process died here');
    }) as never);
    expect((await importList(wave)).status).toBe(201);
    jest.restoreAllMocks();
    expect(await AuditModel.countDocuments({ action: 'invitations.import', target: wave })).toBe(0);
    expect(await sweepOutbox()).toBe(0); // not yet: it may still be running
    expect(await sweepOutbox(new Date(Date.now() + OUTBOX_GRACE_MS + 1000))).toBeGreaterThanOrEqual(1);
    const rec = await expectRecordedOnce({ action: 'invitations.import', target: wave });
    expect(rec.details).toMatchObject({ format: 'csv', interrupted: true });
  });
});
