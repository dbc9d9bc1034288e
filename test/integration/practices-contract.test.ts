// The practice use cases own their audit record: create, edit, review, publish, unpublish and
// delete are recorded in the same write as the change (a deletion once the practice is gone), an
// import as one change, so a failed audit write never turns a change that happened into a 500,
// and the record arrives once later. Real store over the wire; faults injected into one store call.
import { AuditModel, AuditOutboxModel } from '../../server/src/audit/audit.model';
import { PracticeModel } from '../../server/src/practices/practice.model';
import { resetSearchMode } from '../../server/src/practices/practices.service';
import { OUTBOX_GRACE_MS, prepareAudit, prepareDeletionAudit, sweepOutbox } from '../../server/src/audit/outbox';
import { auditLogDown, expectRecordedOnce, expectRecordedOnceLater, useContractApp } from '../helpers/audit-outbox';
import { practiceBody, practicesCsv } from '../helpers/practices';

const { agent: editor } = useContractApp(['editor']);

beforeAll(() => resetSearchMode());

async function create(): Promise<string> {
  const res = await editor.post('/api/practices/manage').send({ practice: practiceBody() });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('when the audit log cannot be written, the practice change still answers 2xx and is recorded once later', () => {
  it('create', async () => {
    auditLogDown();
    const res = await editor.post('/api/practices/manage').send({ practice: practiceBody() });
    expect(res.status).toBe(201);
    const rec = await expectRecordedOnceLater({ action: 'practice.create', target: res.body.id as string });
    expect(rec.details).toEqual({ status: 'draft' });
  });

  it('edit, review, publish and unpublish', async () => {
    const id = await create();
    auditLogDown();
    const edited = await editor
      .put(`/api/practices/manage/${id}`)
      .send({ version: 1, practice: practiceBody({ results: 'Затраты снизились вдвое.' }) });
    expect(edited.status).toBe(200);
    const rec = await expectRecordedOnceLater({ action: 'practice.update', target: id });
    expect(rec.details).toEqual({ version: 2, fields: ['results', 'searchText'] });

    auditLogDown();
    const reviewed = await editor
      .put(`/api/practices/manage/${id}`)
      .send({ version: 2, review: { uniqueness: 4, typicalProblem: 5, replicability: 3, note: '' } });
    expect(reviewed.status).toBe(200);
    await expectRecordedOnceLater({ action: 'practice.review', target: id });

    auditLogDown();
    expect((await editor.post(`/api/practices/manage/${id}/publish`).send({ version: 3 })).status).toBe(200);
    expect((await expectRecordedOnceLater({ action: 'practice.publish', target: id })).details).toEqual({ version: 4 });

    auditLogDown();
    expect((await editor.post(`/api/practices/manage/${id}/unpublish`).send({ version: 4 })).status).toBe(200);
    await expectRecordedOnceLater({ action: 'practice.unpublish', target: id });
  });

  it('delete', async () => {
    const id = await create();
    auditLogDown();
    expect((await editor.delete(`/api/practices/manage/${id}`)).status).toBe(204);
    expect(await PracticeModel.countDocuments({ _id: id })).toBe(0);
    await expectRecordedOnceLater({ action: 'practice.delete', target: id });
  });

  it('import', async () => {
    const csv = practicesCsv([
      'Общий автобусный маршрут,ru,RU,RU-VLG,municipal_district,funding;legal,transport_roads,2020,Нет транспорта',
    ]);
    auditLogDown();
    const res = await editor.post('/api/practices/manage/import').send({ format: 'csv', data: csv });
    expect(res.status).toBe(201);
    const rec = await expectRecordedOnceLater({ action: 'practices.import', actor: editor.email });
    expect(rec.details).toEqual({ format: 'csv', imported: 1, status: 'draft' });
  });
});

describe('with the audit log up', () => {
  it('a change is recorded once; saving without a change records nothing; nothing waits in the outbox', async () => {
    const id = await create();
    expect(
      (await editor.put(`/api/practices/manage/${id}`).send({ version: 1, practice: practiceBody() })).status,
    ).toBe(200);
    await expectRecordedOnce({ action: 'practice.create', target: id });
    expect(await AuditModel.countDocuments({ action: 'practice.update', target: id })).toBe(0);
    expect(await AuditOutboxModel.countDocuments({})).toBe(0);
  });

  it('deleting a published practice is refused and records nothing', async () => {
    const id = await create();
    expect((await editor.post(`/api/practices/manage/${id}/publish`).send({ version: 1 })).status).toBe(200);
    expect((await editor.delete(`/api/practices/manage/${id}`)).status).toBe(409);
    expect(await AuditOutboxModel.countDocuments({ docId: id })).toBe(0);
    expect(await AuditModel.countDocuments({ action: 'practice.delete', target: id })).toBe(0);
  });
});

describe('the outbox itself', () => {
  const later = () => new Date(Date.now() + OUTBOX_GRACE_MS + 1000);

  it('an announced change that never came is kept for the grace time, then dropped, never recorded', async () => {
    const step = await prepareAudit(PracticeModel, 'no-such-practice', {
      at: new Date(),
      actor: editor.email,
      action: 'practice.create',
      target: 'no-such-practice',
      details: {},
    });
    expect(await sweepOutbox()).toBe(0);
    expect(await AuditOutboxModel.countDocuments({ _id: step.id })).toBe(1);
    expect(await sweepOutbox(later())).toBe(0);
    expect(await AuditOutboxModel.countDocuments({ _id: step.id })).toBe(0);
    expect(await AuditModel.countDocuments({ _id: step.id })).toBe(0);
  });

  it('a deletion is recorded only once its document is gone', async () => {
    const id = await create();
    await prepareDeletionAudit(PracticeModel, id, {
      at: new Date(),
      actor: editor.email,
      action: 'practice.delete',
      target: id,
      details: {},
    });
    expect(await sweepOutbox()).toBe(0); // the practice is still there
    await PracticeModel.deleteOne({ _id: id });
    expect(await sweepOutbox()).toBe(1);
    expect(await sweepOutbox(later())).toBe(0);
    await expectRecordedOnce({ action: 'practice.delete', target: id });
  });
});
