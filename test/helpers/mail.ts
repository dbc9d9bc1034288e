// The SMTP of the mail tests: the local mail catcher (server/src/mail/catcher.ts) on a free port,
// and mailers of the app sending to it.
import { startMailCatcher, type MailCatcher } from '../../server/src/mail/catcher';
import { createMailer, type Mailer } from '../../server/src/mail/mailer';

export type CatcherMailerOptions = { retries: number; retryBaseMs: number; ratePerMin?: number; from?: string };

/** A mailer sending to `catcher` (by default as `Survey <survey@example.org>`, 60 000 mails a minute). */
export function catcherMailer(catcher: MailCatcher, options: CatcherMailerOptions): Mailer {
  const { from = 'Survey <survey@example.org>', ratePerMin = 60_000, retries, retryBaseMs } = options;
  return createMailer({ smtp: { url: catcher.url }, from, ratePerMin, retries, retryBaseMs });
}

/**
 * A mail catcher and a mailer sending to it (catcherMailer with `options`), started in a beforeAll
 * registered here and closed in an afterAll: read `catcher` and `mailer` from the returned object
 * in later hooks and in the tests.
 */
export function useMailCatcher(options: CatcherMailerOptions): { catcher: MailCatcher; mailer: Mailer } {
  const mail = {} as { catcher: MailCatcher; mailer: Mailer };
  beforeAll(async () => {
    mail.catcher = await startMailCatcher();
    mail.mailer = catcherMailer(mail.catcher, options);
  });
  afterAll(async () => {
    mail.mailer?.close();
    await mail.catcher?.close();
  });
  return mail;
}
