// The mail use cases own their audit record: saving a wave's mail settings, a test mail, starting,
// pausing and cancelling a campaign are recorded with the change, so a failed audit write never
// turns a change that happened into a 500 (or a test mail that went out into an error), and the
// record arrives once later. Real store over the wire and a real SMTP catcher; faults injected
// into one store call.
import { createApp } from '../../server/src/app';
import { AuditOutboxModel } from '../../server/src/audit/audit.model';
import { useTestDatabase, storeKind } from '../helpers/db';
import { agentAs, type TestAgent } from '../helpers/auth';
import { registerMiniQuestionnaire } from '../helpers/fixtures';
import { auditLogDown, expectRecordedOnceLater } from '../helpers/audit-outbox';
import { useMailCatcher } from '../helpers/mail';
import { createInvitationWave, THREE_MUNICIPALITIES } from '../helpers/invitations';

const smtp = useMailCatcher({ retries: 1, retryBaseMs: 10 });
useTestDatabase({ demo: false });

let app: ReturnType<typeof createApp>;
let coordinator: TestAgent;
let wave: string;

beforeAll(async () => {
  // No job runner: a started campaign stays queued, so it can be paused and cancelled here.
  app = createApp({
    store: { kind: storeKind() },
    mail: { transport: 'catcher', mailer: smtp.mailer, mailbox: smtp.catcher },
  });
  coordinator = await agentAs(app, ['coordinator']);
  const questionnaireId = await registerMiniQuestionnaire();
  wave = await createInvitationWave(coordinator, questionnaireId);
  const imp = await coordinator
    .post(`/api/waves/${wave}/invitations/import`)
    .send({ format: 'csv', content: THREE_MUNICIPALITIES });
  expect(imp.status).toBe(201);
});
afterEach(() => jest.restoreAllMocks());

describe('when the audit log cannot be written, the mail change still answers 2xx and is recorded once later', () => {
  it('settings', async () => {
    const settings = (await coordinator.get(`/api/waves/${wave}/mail/settings`)).body;
    auditLogDown();
    const res = await coordinator
      .put(`/api/waves/${wave}/mail/settings`)
      .send({ templates: settings.templates, contact: settings.contact, dailyCap: 7 });
    expect(res.status).toBe(200);
    expect(res.body.dailyCap).toBe(7);
    const rec = await expectRecordedOnceLater({ action: 'mail.settings', target: wave });
    expect(rec.details).toEqual({ dailyCap: 7 });
  });

  it('a test mail', async () => {
    await smtp.catcher.clear();
    auditLogDown();
    const res = await coordinator.post(`/api/waves/${wave}/mail/test`).send({ kind: 'invitation' });
    expect(res.status).toBe(200);
    expect(await smtp.catcher.list()).toHaveLength(1);
    await expectRecordedOnceLater({ action: 'mail.test', target: wave });
  });

  it('a campaign started, paused and cancelled', async () => {
    auditLogDown();
    const started = await coordinator.post(`/api/waves/${wave}/mail/campaigns`).send({ kind: 'invitation' });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const rec = await expectRecordedOnceLater({ action: 'mail.campaign', target: wave });
    expect(rec.details).toMatchObject({ jobId: id, mail: 'invitation', scope: 'all' });

    auditLogDown();
    const paused = await coordinator.post(`/api/waves/${wave}/mail/campaigns/${id}`).send({ action: 'pause' });
    expect(paused.status).toBe(200);
    expect(paused.body.state).toBe('paused');
    await expectRecordedOnceLater({ action: 'mail.campaign.pause', target: wave });

    auditLogDown();
    const cancelled = await coordinator.post(`/api/waves/${wave}/mail/campaigns/${id}`).send({ action: 'cancel' });
    expect(cancelled.status).toBe(200);
    await expectRecordedOnceLater({ action: 'mail.campaign.cancel', target: wave });
  });
});

describe('with the audit log up', () => {
  it('a refused action records nothing; nothing waits in the outbox', async () => {
    const started = await coordinator.post(`/api/waves/${wave}/mail/campaigns`).send({ kind: 'invitation' });
    const id = started.body.id as string;
    expect((await coordinator.post(`/api/waves/${wave}/mail/campaigns/${id}`).send({ action: 'resume' })).status).toBe(
      409,
    );
    expect(await AuditOutboxModel.countDocuments({})).toBe(0);
  });
});
