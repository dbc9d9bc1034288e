// E-mail campaigns run by two real app processes (`server/src/index.ts`, each with its own job
// runner, mailer and logger) on the same store, sending through SMTP to the mail catcher started
// here. Each process writes its logs to stdout at the most verbose level, and the test keeps them:
// - two "send invitations" campaigns started at once, one on each instance, send one mail per municipality;
// - a whole campaign (invitations, a rejected address, an answer, an opt-out, a reminder) leaves
//   the invitation and opt-out tokens in the mails and nowhere in the logs.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../server/src/mail/catcher';
import { useTestDatabase } from '../helpers/db';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { agentAs, type TestAgent } from '../helpers/auth';
import { registerMiniQuestionnaire } from '../helpers/fixtures';
import { createInvitationWave } from '../helpers/invitations';

const { dbName } = useTestDatabase({ demo: false });
const PUBLIC_URL = 'https://survey.example.org';
const SENDERS = ['a@example.org', 'b@example.org'] as const;

let catcher: MailCatcher;
const procs: ServerProcess[] = [];
const agents: TestAgent[] = [];
let questionnaireId: string;

beforeAll(async () => {
  catcher = await startMailCatcher();
  const env = (from: string) => ({
    SMTP_URL: catcher.url,
    MAIL_FROM: `Survey <${from}>`,
    PUBLIC_URL,
    // One mail every 100 ms per instance: a campaign of a dozen lasts long enough for both
    // instances' runners (polling every second) to be at work at the same time.
    MAIL_RATE_PER_MIN: '600',
    MAIL_RETRIES: '2',
    MAIL_RETRY_BASE_MS: '20',
    LOG_LEVEL: 'trace',
  });
  procs.push(...(await Promise.all(SENDERS.map((from) => startServerProcess(dbName, env(from))))));
  for (const p of procs) agents.push(await agentAs(p.url, ['coordinator']));
  questionnaireId = await registerMiniQuestionnaire();
}, 180_000);

afterAll(async () => {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.proc.exitCode !== null) return resolve();
          const force = setTimeout(() => p.proc.kill('SIGKILL'), 10_000);
          p.proc.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          p.proc.kill('SIGTERM');
        }),
    ),
  );
  await catcher?.close();
}, 30_000);

beforeEach(async () => {
  catcher.setFaults({});
  await catcher.clear();
});

function list(n: number): string {
  const rows = Array.from(
    { length: n },
    (_x, i) => `m${i};Муниципалитет ${i};RU-VLG;municipal_okrug;1000;m${i}@example.org;`,
  );
  return ['id;name;region;type;population;email;language', ...rows].join('\n');
}

async function waveWith(n: number): Promise<string> {
  const wave = await createInvitationWave(agents[0]!, questionnaireId);
  const imp = await agents[0]!.post(`/api/waves/${wave}/invitations/import`).send({ format: 'csv', content: list(n) });
  expect(imp.status).toBe(201);
  return wave;
}

type Job = { id: string; state: string; result: Record<string, number> | null };

async function campaign(agent: TestAgent, wave: string, body: Record<string, unknown>): Promise<Job> {
  const res = await agent.post(`/api/waves/${wave}/mail/campaigns`).send(body);
  expect(res.status).toBe(202);
  return res.body as Job;
}

async function done(wave: string, id: string, ms = 60_000): Promise<Job> {
  const end = Date.now() + ms;
  for (;;) {
    const res = await agents[0]!.get(`/api/waves/${wave}/mail/campaigns`);
    const job = (res.body.items as Job[]).find((j) => j.id === id)!;
    if (['done', 'failed', 'cancelled'].includes(job.state)) return job;
    if (Date.now() > end) throw new Error(`campaign ${id} still ${job.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const recipients = (mails: CaughtMail[]) => {
  const m = new Map<string, number>();
  for (const mail of mails) for (const to of mail.to) m.set(to, (m.get(to) ?? 0) + 1);
  return m;
};

/** Every invitation (`/i/`) and opt-out (`/o/`) token a mail carries, in its text, HTML or headers. */
function tokensOf(mail: CaughtMail, kind: 'i' | 'o'): string[] {
  const re = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/${kind}/([A-Za-z0-9_-]{22})`, 'g');
  const all = [mail.text, mail.html, JSON.stringify(mail.headers)].join('\n');
  return [...new Set([...all.matchAll(re)].map((m) => m[1]!))];
}
const one = (mails: CaughtMail[], to: string) => mails.find((m) => m.to.includes(to))!;

describe('two app processes on one store', () => {
  it('two "send invitations" campaigns started at once, one on each instance, send each municipality exactly one mail', async () => {
    const N = 12;
    const wave = await waveWith(N);
    const [a, b] = await Promise.all([
      campaign(agents[0]!, wave, { kind: 'invitation' }),
      campaign(agents[1]!, wave, { kind: 'invitation' }),
    ]);
    const [ja, jb] = [await done(wave, a.id), await done(wave, b.id)];
    expect([ja.state, jb.state]).toEqual(['done', 'done']);
    const mails = await catcher.list();
    const counts = recipients(mails);
    expect(counts.size).toBe(N);
    expect([...counts.values()]).toEqual(Array(N).fill(1));
    expect(mails).toHaveLength(N);
    // Both instances did send (each has its own sender): the two campaigns really overlapped.
    for (const from of SENDERS) expect(mails.some((m) => m.from.includes(from))).toBe(true);
    // Between them the two campaigns sent N mails, no more.
    expect((ja.result?.sent ?? 0) + (jb.result?.sent ?? 0)).toBe(N);
  }, 120_000);

  it('a whole campaign — invitations, a rejected address, an answer, an opt-out, a reminder — leaves its tokens in the mails and nowhere in the logs', async () => {
    const wave = await waveWith(5);
    catcher.setFaults({ reject: ['m4@example.org'] });
    const inv = await done(wave, (await campaign(agents[0]!, wave, { kind: 'invitation' })).id);
    expect(inv.result).toMatchObject({ targets: 5, sent: 4, failed: 1 });
    const invitations = await catcher.list();
    expect([...recipients(invitations).keys()].sort()).toEqual(['m0', 'm1', 'm2', 'm3'].map((m) => `${m}@example.org`));

    // m0 opens its link on one instance and answers on the other.
    const answer = tokensOf(one(invitations, 'm0@example.org'), 'i')[0]!;
    // (The page is the built client's shell: 404 where the client is not built; logged either way.)
    expect([200, 404]).toContain((await request(procs[0]!.url).get(`/i/${answer}`)).status);
    expect((await request(procs[1]!.url).get(`/api/invitations/${answer}`)).status).toBe(200);
    const sub = await request(procs[1]!.url)
      .post(`/api/invitations/${answer}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: { obstacles: ['funding'] } });
    expect(sub.status).toBe(201);
    // m1 opts out: the page asks (GET), the form records (POST).
    const optOut = tokensOf(one(invitations, 'm1@example.org'), 'o')[0]!;
    expect((await request(procs[0]!.url).get(`/o/${optOut}`)).status).toBe(200);
    expect((await request(procs[1]!.url).post(`/o/${optOut}`)).status).toBe(200);
    // A reminder, from the other instance: only m2 and m3 (m0 answered, m1 opted out, m4 was never invited).
    const rem = await done(wave, (await campaign(agents[1]!, wave, { kind: 'reminder' })).id);
    expect(rem.state).toBe('done');
    const mails = await catcher.list();
    const reminders = mails.filter((m) => !invitations.some((i) => i.id === m.id));
    expect(reminders.map((m) => m.to[0]).sort()).toEqual(['m2@example.org', 'm3@example.org']);

    const tokens = mails.flatMap((m) => [...tokensOf(m, 'i'), ...tokensOf(m, 'o')]);
    // Each mail has its invitation link and its opt-out link; reminders carry new invitation links.
    expect(mails.every((m) => tokensOf(m, 'i').length === 1 && tokensOf(m, 'o').length === 1)).toBe(true);
    expect(new Set(tokens.filter((t) => mails.some((m) => tokensOf(m, 'i').includes(t)))).size).toBe(6);

    await new Promise((r) => setTimeout(r, 300)); // let both processes' loggers flush
    const logs = procs.map((p) => p.output.join('\n'));
    // The logs were captured, from both instances, and show the token-carrying requests redacted.
    for (const log of logs) expect(log).toMatch(/"url":"\/(i|o|api\/invitations)\/:token/);
    const all = logs.join('\n');
    expect(all).toContain('opted out of mails');
    for (const t of tokens) {
      expect(all).not.toContain(t);
      expect(mails.some((m) => m.text.includes(t) && (m.html ?? '').includes(t))).toBe(true);
    }
  }, 120_000);
});
