// Invitations and reminders by e-mail, over real SMTP: the app's campaigns (jobs run by the job
// runner, as in the server) send to the local mail catcher started here on a free port, which can
// also answer like a troubled server (451 for the first N messages, 550 for chosen recipients).
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { startJobRunner, type JobRunner } from '../../server/src/jobs/jobs.runner';
import type { CaughtMail } from '../../server/src/mail/catcher';
import type { Mailer } from '../../server/src/mail/mailer';
import { MailSendModel } from '../../server/src/mail/mail.model';
import { JobModel } from '../../server/src/jobs/job.model';
import { AuditModel } from '../../server/src/audit/audit.model';
import { InvitationModel } from '../../server/src/invitations/invitation.model';
import { useTestDatabase, storeKind } from '../helpers/db';
import { agentAs, type TestAgent } from '../helpers/auth';
import { registerMiniQuestionnaire } from '../helpers/fixtures';
import { createInvitationWave, csv } from '../helpers/invitations';
import { catcherMailer, useMailCatcher } from '../helpers/mail';

const PUBLIC_URL = 'https://survey.example.org';
const RETRY_BASE_MS = 40;
const runners: JobRunner[] = [];
afterAll(async () => {
  for (const r of runners) await r.stop();
});
const MAILER = { retries: 3, retryBaseMs: RETRY_BASE_MS };
const smtp = useMailCatcher(MAILER);
useTestDatabase({ demo: false });

let app: ReturnType<typeof createApp>;
let coordinator: TestAgent;
let questionnaireId: string;

const newMailer = (ratePerMin?: number): Mailer => catcherMailer(smtp.catcher, { ...MAILER, ratePerMin });
function startRunner(m: Mailer = smtp.mailer): JobRunner {
  const r = startJobRunner({
    pollMs: 50,
    retentionMs: 3_600_000,
    mailer: m,
    publicUrl: PUBLIC_URL,
    instanceId: `i-${randomUUID().slice(0, 6)}`,
  });
  runners.push(r);
  return r;
}

beforeAll(async () => {
  app = createApp({
    store: { kind: storeKind() },
    publicUrl: PUBLIC_URL,
    mail: { transport: 'catcher', mailer: smtp.mailer, mailbox: smtp.catcher },
  });
  coordinator = await agentAs(app, ['coordinator']);
  questionnaireId = await registerMiniQuestionnaire();
});

let runner: JobRunner;
beforeEach(async () => {
  smtp.catcher.setFaults({});
  await smtp.catcher.clear();
  runner = startRunner();
});
afterEach(async () => {
  await runner.stop();
});

/** n municipalities of Vologda oblast (and one Ukrainian hromada with `ua`), addresses m<i>@example.org. */
function list(n: number, extra: string[] = []): string {
  const rows = Array.from(
    { length: n },
    (_x, i) => `m${i};Муниципалитет ${i};RU-VLG;municipal_okrug;1000;m${i}@example.org;`,
  );
  return ['id;name;region;type;population;email;language', ...rows, ...extra].join('\n');
}

async function waveWith(content: string): Promise<string> {
  const wave = await createInvitationWave(coordinator, questionnaireId);
  const imp = await coordinator.post(`/api/waves/${wave}/invitations/import`).send({ format: 'csv', content });
  expect(imp.status).toBe(201);
  return wave;
}

type Job = {
  id: string;
  state: string;
  result: Record<string, number> | null;
  rowsDone: number;
  rowsTotal: number | null;
};

async function campaign(wave: string, body: Record<string, unknown>): Promise<Job> {
  const res = await coordinator.post(`/api/waves/${wave}/mail/campaigns`).send(body);
  expect(res.status).toBe(202);
  return res.body as Job;
}

async function until(wave: string, id: string, ok: (j: Job) => boolean, ms = 20_000): Promise<Job> {
  const end = Date.now() + ms;
  for (;;) {
    const res = await coordinator.get(`/api/waves/${wave}/mail/campaigns`);
    const job = (res.body.items as Job[]).find((j) => j.id === id)!;
    if (ok(job)) return job;
    if (Date.now() > end) throw new Error(`campaign ${id} still ${job.state} (${job.rowsDone}/${job.rowsTotal})`);
    await new Promise((r) => setTimeout(r, 40));
  }
}
const done = (wave: string, id: string) => until(wave, id, (j) => ['done', 'failed', 'cancelled'].includes(j.state));

const byRecipient = (mails: CaughtMail[]) => {
  const m = new Map<string, number>();
  for (const mail of mails) for (const to of mail.to) m.set(to, (m.get(to) ?? 0) + 1);
  return m;
};
const board = async (wave: string) => (await coordinator.get(`/api/waves/${wave}/invitations/board`)).body;
const tokenIn = (text: string, path: 'i' | 'o') =>
  new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/${path}/([A-Za-z0-9_-]{22})`).exec(text)?.[1];

describe('sending invitations', () => {
  it('sends each municipality one mail in its language, with a working personal link and an opt-out link; sending again sends nothing', async () => {
    const wave = await waveWith(
      list(2, [
        'ua1;Тестова громада;UA-32;hromada_urban;5000;ua1@example.org;',
        'en1;Test okrug;RU-VLG;municipal_okrug;1000;en1@example.org;en',
      ]),
    );
    const job = await done(wave, (await campaign(wave, { kind: 'invitation' })).id);
    expect(job.state).toBe('done');
    expect(job.result).toMatchObject({ targets: 4, sent: 4, failed: 0 });
    const mails = await smtp.catcher.list();
    expect([...byRecipient(mails).entries()].sort()).toEqual(
      ['en1@example.org', 'm0@example.org', 'm1@example.org', 'ua1@example.org'].map((a) => [a, 1]),
    );
    const mail = (to: string) => mails.find((m) => m.to.includes(to))!;
    expect(mail('m0@example.org').subject).toContain('Муниципалитет 0');
    expect(mail('m0@example.org').headers['content-language']).toBe('ru');
    expect(mail('ua1@example.org').headers['content-language']).toBe('uk');
    expect(mail('ua1@example.org').text).toContain('Ваше персональне посилання');
    expect(mail('en1@example.org').text).toContain('Your personal link');
    expect(mail('m0@example.org').from).toContain('survey@example.org');
    for (const m of mails) {
      const token = tokenIn(m.text, 'i')!;
      expect(m.html).toContain(`${PUBLIC_URL}/i/${token}`);
      expect((await request(app).get(`/api/invitations/${token}`)).status).toBe(200);
      const optOut = tokenIn(m.text, 'o')!;
      expect(m.headers['list-unsubscribe']).toContain(`/o/${optOut}`);
      // The token is in the mail and nowhere in the database's jobs, claims or audit log.
      const stored = JSON.stringify([
        await JobModel.find({ waveCode: wave }).lean(),
        await MailSendModel.find({ waveCode: wave }).lean(),
        await AuditModel.find({ target: wave }).lean(),
      ]);
      expect(stored).not.toContain(token);
    }
    const b = await board(wave);
    expect(b.totals).toMatchObject({ mailed: 4, reminders: 0, mailFailed: 0 });
    expect(
      b.invitations.every(
        (i: { invitedAt: string | null; lastMail: { status: string } }) => i.invitedAt && i.lastMail.status === 'sent',
      ),
    ).toBe(true);
    expect(await AuditModel.countDocuments({ action: 'mail.campaign', target: wave })).toBe(1);

    const again = await done(wave, (await campaign(wave, { kind: 'invitation' })).id);
    expect(again.result).toMatchObject({ targets: 0, sent: 0 });
    expect(await smtp.catcher.list()).toHaveLength(4);
  });

  it('when two "send invitations" campaigns run at once on two instances, each municipality still gets one invitation', async () => {
    const second = startRunner(newMailer());
    const wave = await waveWith(list(6));
    const [a, b] = await Promise.all([campaign(wave, { kind: 'invitation' }), campaign(wave, { kind: 'invitation' })]);
    await done(wave, a.id);
    await done(wave, b.id);
    await second.stop();
    const counts = byRecipient(await smtp.catcher.list());
    expect(counts.size).toBe(6);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('exactly once across a restart', () => {
  it('when the app stops mid-campaign and starts again, the campaign resumes and nobody gets a second mail', async () => {
    await runner.stop();
    const slow = newMailer(300); // one mail every 200 ms
    runner = startRunner(slow);
    const wave = await waveWith(list(6));
    const job = await campaign(wave, { kind: 'invitation' });
    const base = smtp.catcher.accepted();
    const end = Date.now() + 15_000;
    while (smtp.catcher.accepted() - base < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const before = (await smtp.catcher.list()).length;
    await runner.stop(); // the instance goes away: the job is handed back to the queue
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(6);
    runner = startRunner(newMailer(300));
    const finished = await done(wave, job.id);
    expect(finished.state).toBe('done');
    const counts = byRecipient(await smtp.catcher.list());
    expect(counts.size).toBe(6);
    expect([...counts.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    slow.close();
  });

  it('when an instance died between claiming a mail and confirming it, that mail is not sent again and the board says "uncertain"', async () => {
    const wave = await waveWith(list(3));
    // What a crash after the claim leaves: the claim, nothing else.
    await MailSendModel.create({
      _id: `${wave}|m1|invitation|first`,
      waveCode: wave,
      municipalityId: 'm1',
      kind: 'invitation',
      campaignId: 'earlier',
      state: 'claimed',
      claimedAt: new Date(),
    });
    const job = await done(wave, (await campaign(wave, { kind: 'invitation' })).id);
    expect(job.result).toMatchObject({ sent: 2, uncertain: 1 });
    expect([...byRecipient(await smtp.catcher.list()).keys()].sort()).toEqual(['m0@example.org', 'm2@example.org']);
    const m1 = (await board(wave)).invitations.find((i: { id: string }) => i.id === 'm1');
    expect(m1.lastMail).toMatchObject({ status: 'uncertain' });
    // The coordinator may send to it explicitly (a selection has its own key).
    await done(wave, (await campaign(wave, { kind: 'invitation', ids: ['m1'] })).id);
    expect(byRecipient(await smtp.catcher.list()).get('m1@example.org')).toBe(1);
  });
});

describe('failures', () => {
  it('when the server answers 451 to the first two mails, they are retried with back-off and all arrive once', async () => {
    const wave = await waveWith(list(3));
    smtp.catcher.setFaults({ transient: 2 });
    const t0 = Date.now();
    const job = await done(wave, (await campaign(wave, { kind: 'invitation' })).id);
    expect(job.result).toMatchObject({ sent: 3, failed: 0 });
    // Two waits of the back-off: base, then 2 × base.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(RETRY_BASE_MS * 3);
    expect([...byRecipient(await smtp.catcher.list()).values()]).toEqual([1, 1, 1]);
    const first = await MailSendModel.findById(`${wave}|m0|invitation|first`).lean<{
      attempts: number;
      state: string;
    }>();
    expect(first).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('when the server rejects an address for good (550), that municipality is recorded as failed with the reason and the others are sent', async () => {
    const wave = await waveWith(list(3));
    smtp.catcher.setFaults({ reject: ['m1@example.org'] });
    const job = await done(wave, (await campaign(wave, { kind: 'invitation' })).id);
    expect(job.result).toMatchObject({ sent: 2, failed: 1 });
    const b = await board(wave);
    const m1 = b.invitations.find((i: { id: string }) => i.id === 'm1');
    expect(m1.lastMail).toMatchObject({ status: 'failed', kind: 'invitation' });
    expect(m1.lastMail.error).toMatch(/550|does not exist/);
    expect(m1.invitedAt).toBeNull();
    expect(b.regions[0]).toMatchObject({ code: 'RU-VLG', mailed: 2, mailFailed: 1 });
    const exported = await coordinator.get(`/api/waves/${wave}/invitations/board/export?format=csv`).buffer(true);
    expect(exported.status).toBe(200);
    expect(exported.text).toMatch(/m1;Муниципалитет 1;RU-VLG;.*;failed;.*550/);
  });
});

describe('reminders', () => {
  async function invited(n: number) {
    const wave = await waveWith(list(n));
    await done(wave, (await campaign(wave, { kind: 'invitation' })).id);
    const mails = await smtp.catcher.list();
    await smtp.catcher.clear();
    const token = (to: string, kind: 'i' | 'o') => tokenIn(mails.find((m) => m.to.includes(to))!.text, kind)!;
    return { wave, token };
  }

  it('reach only those who have not answered; a completed municipality gets none; the board counts them', async () => {
    const { wave, token } = await invited(3);
    const sub = await request(app)
      .post(`/api/invitations/${token('m0@example.org', 'i')}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: { obstacles: ['funding'] } });
    expect(sub.status).toBe(201);
    const job = await done(wave, (await campaign(wave, { kind: 'reminder' })).id);
    expect(job.result).toMatchObject({ targets: 2, sent: 2 });
    const mails = await smtp.catcher.list();
    expect([...byRecipient(mails).keys()].sort()).toEqual(['m1@example.org', 'm2@example.org']);
    expect(mails[0]!.subject).toMatch(/^Напоминание/);
    // The reminder's link works (it replaced the invitation's).
    expect((await request(app).get(`/api/invitations/${tokenIn(mails[0]!.text, 'i')}`)).status).toBe(200);
    const b = await board(wave);
    expect(b.totals).toMatchObject({ mailed: 3, reminders: 2, completed: 1 });
    // "Days since the last mail": nobody was mailed a day ago, so a 1-day reminder reaches no one.
    const none = await done(wave, (await campaign(wave, { kind: 'reminder', minDaysSinceLastMail: 1 })).id);
    expect(none.result).toMatchObject({ targets: 0 });
  });

  it('stop for a municipality that opted out (GET asks, POST records), which the board shows', async () => {
    const { wave, token } = await invited(2);
    const optOut = token('m1@example.org', 'o');
    const page = await request(app).get(`/o/${optOut}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post">');
    expect(
      (await InvitationModel.findById(`${wave}|m1`).lean<{ optedOutAt?: Date | null }>())!.optedOutAt ?? null,
    ).toBeNull();
    const post = await request(app).post(`/o/${optOut}`);
    expect(post.status).toBe(200);
    expect(post.text).toContain('Муниципалитет 1');
    expect((await request(app).get('/o/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    const job = await done(wave, (await campaign(wave, { kind: 'reminder' })).id);
    expect(job.result).toMatchObject({ targets: 1, sent: 1 });
    expect([...byRecipient(await smtp.catcher.list()).keys()]).toEqual(['m0@example.org']);
    const b = await board(wave);
    expect(b.totals.optedOut).toBe(1);
    expect(b.invitations.find((i: { id: string }) => i.id === 'm1').optedOutAt).not.toBeNull();
  });
});

describe('respect and safety', () => {
  it('the daily cap per wave holds: the rest is left for another day', async () => {
    const wave = await waveWith(list(3));
    const settings = (await coordinator.get(`/api/waves/${wave}/mail/settings`)).body;
    const put = await coordinator
      .put(`/api/waves/${wave}/mail/settings`)
      .send({ templates: settings.templates, contact: 'coord@example.org', dailyCap: 2 });
    expect(put.status).toBe(200);
    const job = await done(wave, (await campaign(wave, { kind: 'invitation' })).id);
    expect(job.result).toMatchObject({ sent: 2, capped: 1 });
    const again = await done(wave, (await campaign(wave, { kind: 'invitation' })).id);
    expect(again.result).toMatchObject({ sent: 0, capped: 1 });
    expect(await smtp.catcher.list()).toHaveLength(2);
    expect((await coordinator.get(`/api/waves/${wave}/mail/settings`)).body.sentToday).toBe(2);
  });

  it('line breaks are refused in subjects, the contact and municipality names (no header injection)', async () => {
    const wave = await waveWith(list(1));
    const settings = (await coordinator.get(`/api/waves/${wave}/mail/settings`)).body;
    const bad = structuredClone(settings.templates);
    bad.invitation.ru.subject = 'Опрос\r\nBcc: victim@example.org';
    const put = await coordinator
      .put(`/api/waves/${wave}/mail/settings`)
      .send({ templates: bad, contact: '', dailyCap: 10 });
    expect(put.status).toBe(400);
    expect(JSON.stringify(put.body.invalid_params)).toContain('templates.invitation.ru.subject');
    const contact = await coordinator
      .put(`/api/waves/${wave}/mail/settings`)
      .send({ templates: settings.templates, contact: 'a\nBcc: x@example.org', dailyCap: 10 });
    expect(contact.status).toBe(400);
    const preview = await coordinator
      .post(`/api/waves/${wave}/mail/preview`)
      .send({ kind: 'invitation', template: { subject: 'x\nBcc: y@example.org', body: 'b' } });
    expect(preview.status).toBe(400);
    const imp = await coordinator.post(`/api/waves/${wave}/invitations/import`).send({
      format: 'csv',
      content: csv(['x1;"Имя\r\nBcc: victim@example.org";RU-VLG;municipal_okrug;1000;x1@example.org']),
    });
    expect(imp.status).toBe(422);
    expect(imp.body.invalid_params[0]).toMatchObject({ code: 'control_characters' });
  });

  it('the preview renders a template for a real invitation with a stand-in link; a test mail goes to the coordinator only', async () => {
    const wave = await waveWith(list(1));
    const p = await coordinator.post(`/api/waves/${wave}/mail/preview`).send({
      kind: 'invitation',
      language: 'en',
      template: { subject: 'Hi {{municipality}} <b>', body: 'Go: {{link}}\n<script>x</script>' },
    });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ to: 'm0@example.org', language: 'en', subject: 'Hi Муниципалитет 0 <b>' });
    expect(p.body.html).toContain('&lt;script&gt;');
    expect(p.body.html).not.toContain('<script>');
    expect(p.body.text).toContain(`${PUBLIC_URL}/i/••••••••`);
    const t = await coordinator.post(`/api/waves/${wave}/mail/test`).send({ kind: 'reminder' });
    expect(t.status).toBe(200);
    const mails = await smtp.catcher.list();
    expect(mails.map((m) => m.to)).toEqual([[coordinator.email]]);
    expect(mails[0]!.subject).toMatch(/^\[TEST\] Напоминание/);
    expect((await board(wave)).invitations[0].lastMail).toBeNull();
  });
});
