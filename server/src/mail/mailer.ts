// Sending one message through SMTP (nodemailer), and telling a failure worth retrying (4xx, a
// broken connection) from a final one (5xx: bad address, rejected). nodemailer builds the
// headers: names and subjects are encoded by it (and refused with CR/LF before they get here).
import nodemailer from 'nodemailer';
import type { Config } from '../config';

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  language: string;
  /** The opt-out address, also offered as List-Unsubscribe. */
  unsubscribeUrl?: string;
};

export type Mailer = {
  from: string;
  /** At most this many messages a minute (one campaign paces itself). */
  ratePerMin: number;
  /** Attempts after a transient failure, with back-off retryBaseMs × 2^n. */
  retries: number;
  retryBaseMs: number;
  send: (m: OutgoingMail) => Promise<void>;
  close: () => void;
};

export type MailerOptions = {
  smtp: NonNullable<Config['mail']['smtp']>;
  from: string;
  ratePerMin: number;
  retries: number;
  retryBaseMs: number;
};

export function createMailer(opts: MailerOptions): Mailer {
  const common = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000, logger: false };
  const transport =
    'url' in opts.smtp
      ? nodemailer.createTransport({ ...common, url: opts.smtp.url })
      : nodemailer.createTransport({
          ...common,
          host: opts.smtp.host,
          port: opts.smtp.port,
          secure: opts.smtp.secure,
          ...(opts.smtp.user ? { auth: { user: opts.smtp.user, pass: opts.smtp.password ?? '' } } : {}),
        });
  return {
    from: opts.from,
    ratePerMin: opts.ratePerMin,
    retries: opts.retries,
    retryBaseMs: opts.retryBaseMs,
    send: async (m) => {
      await transport.sendMail({
        from: opts.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: { 'Content-Language': m.language },
        ...(m.unsubscribeUrl ? { list: { unsubscribe: m.unsubscribeUrl } } : {}),
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    close: () => transport.close(),
  };
}

/** A failure the SMTP server says is final (5xx), or null when trying again may help. */
export function permanentReason(err: unknown): string | null {
  const e = err as { responseCode?: number; response?: string; code?: string };
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) {
    return (e.response ?? `${e.responseCode}`).replace(/[\r\n]+/g, ' ').slice(0, 300);
  }
  return null;
}

/** A short reason for a failure that may pass (kept on the board when the retries run out). */
export function transientReason(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  if (e.response) return e.response.replace(/[\r\n]+/g, ' ').slice(0, 300);
  return `${e.code ?? 'error'}: ${(e.message ?? '').replace(/[\r\n]+/g, ' ')}`.slice(0, 300);
}
