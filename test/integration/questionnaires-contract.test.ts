// The questionnaire use cases own their audit record: an upload (or the editor's save, which is an
// upload) and a change of roles are recorded in the same write as the change, so a failed audit
// write never turns a change that happened into a 500, and the record arrives once later. An
// upload repeated (a retry) changes nothing and records nothing. Real store over the wire; faults
// injected into one store call.
import { AuditModel, AuditOutboxModel } from '../../server/src/audit/audit.model';
import { auditLogDown, expectRecordedOnceLater, useContractApp } from '../helpers/audit-outbox';

const { agent: coordinator } = useContractApp(['coordinator']);

const definition = (title: string) =>
  JSON.stringify({
    title,
    elements: [
      { type: 'dropdown', name: 'region', choices: ['RU-VLG', 'RU-MOS'] },
      { type: 'radiogroup', name: 'funding', choices: ['yes', 'no'] },
    ],
  });
const upload = (key: string, title: string) =>
  coordinator.post('/api/questionnaires').send({ key, definition: definition(title) });

describe('when the audit log cannot be written, the questionnaire change still answers 2xx and is recorded once later', () => {
  it('upload', async () => {
    auditLogDown();
    const res = await upload('contract-upload', 'First');
    expect(res.status).toBe(201);
    const rec = await expectRecordedOnceLater({ action: 'questionnaire.upload', target: res.body.id as string });
    expect(rec.actor).toBe(coordinator.email);
    // The retry of the same upload finds the version: 200, nothing stored or recorded again.
    const again = await upload('contract-upload', 'First');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);
    expect(await AuditModel.countDocuments({ action: 'questionnaire.upload', target: res.body.id as string })).toBe(1);
  });

  it('roles', async () => {
    const up = await upload('contract-roles', 'Roles');
    expect(up.status).toBe(201);
    auditLogDown();
    const res = await coordinator
      .put(`/api/questionnaires/contract-roles/versions/${up.body.version}/roles`)
      .send({ roles: { region: 'region' } });
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual({ region: 'region' });
    await expectRecordedOnceLater({ action: 'questionnaire.roles', target: up.body.id as string });
  });
});

describe('with the audit log up', () => {
  it('a new version is recorded once; nothing waits in the outbox', async () => {
    const res = await upload('contract-up', 'Up');
    expect(res.status).toBe(201);
    expect(await AuditModel.countDocuments({ action: 'questionnaire.upload', target: res.body.id as string })).toBe(1);
    expect(await AuditOutboxModel.countDocuments({})).toBe(0);
  });
});
