// Publishing and unpublishing a wave's results and setting its minimum k are recorded with the
// change (unpublishing once the publication is gone), so a failed audit write never turns a change
// that happened into a 500, and the record arrives once later. Real store over the wire; faults
// injected into one store call.
import request from 'supertest';
import { AuditModel, AuditOutboxModel } from '../../server/src/audit/audit.model';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { auditLogDown, expectRecordedOnceLater, useContractApp } from '../helpers/audit-outbox';
import { randomUUID } from 'node:crypto';

const { app, agent: coordinator } = useContractApp(['coordinator']);
let wave: string;

beforeAll(async () => {
  wave = await createFixtureWave();
  for (let i = 0; i < 3; i++) {
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: answers() });
    expect(res.status).toBe(201);
  }
});

describe('when the audit log cannot be written, the change still answers 200 and is recorded once later', () => {
  it('the minimum k', async () => {
    auditLogDown();
    const res = await coordinator.put(`/api/waves/${wave}/analysis-settings`).send({ minCell: 4 });
    expect(res.status).toBe(200);
    expect(res.body.minCell).toBe(4);
    const rec = await expectRecordedOnceLater({ action: 'wave.min_cell', target: wave });
    expect(rec.details).toMatchObject({ to: 4 });
  });

  it('publish', async () => {
    auditLogDown();
    const res = await coordinator.put(`/api/waves/${wave}/publication`).send({ k: 5 });
    expect(res.status).toBe(200);
    expect(res.body.published).toBe(true);
    const rec = await expectRecordedOnceLater({ action: 'results.publish', target: wave });
    expect(rec.details).toEqual({ k: 5 });
  });

  it('unpublish', async () => {
    auditLogDown();
    const res = await coordinator.delete(`/api/waves/${wave}/publication`);
    expect(res.status).toBe(200);
    expect(res.body.published).toBe(false);
    await expectRecordedOnceLater({ action: 'results.unpublish', target: wave });
  });
});

describe('with the audit log up', () => {
  it('unpublishing what is not published records nothing; nothing waits in the outbox', async () => {
    expect((await coordinator.delete(`/api/waves/${wave}/publication`)).status).toBe(200);
    expect(await AuditModel.countDocuments({ action: 'results.unpublish', target: wave })).toBe(1);
    expect(await AuditOutboxModel.countDocuments({})).toBe(0);
  });
});
