// The local mail catcher: a real SMTP server (the smtp-server package) on 127.0.0.1 that keeps
// every message it is handed instead of delivering it. `npm start` runs one when no SMTP server
// is configured, so a coordinator trying the tool sees exactly the mails that would go out (the
// inbox page /dev/mail reads them); the tests send to one over real SMTP.
//
// Messages are kept as raw .eml files in a folder (under DATA_DIR for `npm start`, so every
// worker process and a restart see them) or in memory. For tests, `faults` makes it answer like
// a troubled server: 451 (try later) to the first N messages, 550 (rejected) to chosen recipients.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export type CaughtMail = {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  /** A few headers worth showing (List-Unsubscribe, Content-Language). */
  headers: Record<string, string>;
};

/** Reads the caught messages, newest first. */
export type Mailbox = { list: () => Promise<CaughtMail[]>; clear: () => Promise<void> };

export type CatcherFaults = {
  /** Answer 451 to this many messages from now on (a transient failure). */
  transient?: number;
  /** Answer 550 at RCPT TO for these addresses (a permanent failure). */
  reject?: string[];
};

type Raw = { id: string; receivedAt: Date; envelopeTo: string[]; raw: Buffer };

class SmtpError extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

async function parse(m: Raw): Promise<CaughtMail> {
  const p = await simpleParser(m.raw, { skipImageLinks: true, skipTextToHtml: true });
  const headers: Record<string, string> = {};
  for (const h of ['list-unsubscribe', 'content-language']) {
    const line = p.headerLines.find((l) => l.key === h);
    if (line) headers[h] = line.line.slice(line.line.indexOf(':') + 1).trim();
  }
  const from = p.from?.text ?? '';
  return {
    id: m.id,
    receivedAt: m.receivedAt.toISOString(),
    from,
    to: m.envelopeTo,
    subject: p.subject ?? '',
    text: p.text ?? '',
    html: typeof p.html === 'string' ? p.html : null,
    headers,
  };
}

/** Reads the .eml files of a folder (a catcher in another process writes them). */
export function folderMailbox(dir: string): Mailbox {
  return {
    list: async () => {
      let names: string[];
      try {
        names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith('.eml'));
      } catch {
        return [];
      }
      names.sort().reverse();
      const out: CaughtMail[] = [];
      for (const name of names.slice(0, 500)) {
        const raw = await fs.promises.readFile(path.join(dir, name));
        // The envelope recipients are the first line, written by the catcher.
        const cut = raw.indexOf('\n');
        const meta = JSON.parse(raw.subarray(0, cut).toString('utf8')) as { to: string[]; at: string };
        out.push(
          await parse({
            id: name.replace(/\.eml$/, ''),
            receivedAt: new Date(meta.at),
            envelopeTo: meta.to,
            raw: raw.subarray(cut + 1),
          }),
        );
      }
      return out;
    },
    clear: async () => {
      const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
      await Promise.all(names.filter((n) => n.endsWith('.eml')).map((n) => fs.promises.rm(path.join(dir, n))));
    },
  };
}

export type MailCatcher = Mailbox & {
  port: number;
  /** smtp://127.0.0.1:<port> — what the app sends to. */
  url: string;
  setFaults: (f: CatcherFaults) => void;
  /** Messages handed over so far (accepted ones), including cleared ones. */
  accepted: () => number;
  close: () => Promise<void>;
};

export async function startMailCatcher(opts: { port?: number; dir?: string } = {}): Promise<MailCatcher> {
  const memory: Raw[] = [];
  let faults: CatcherFaults = {};
  let acceptedCount = 0;
  if (opts.dir) await fs.promises.mkdir(opts.dir, { recursive: true });

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'lsg-barometer local mail catcher',
    size: 10 * 1024 * 1024,
    onAuth: (_auth, _session, cb) => cb(null, { user: 'local' }),
    onRcptTo: (address, _session, cb) => {
      if (faults.reject?.includes(address.address.toLowerCase())) {
        return cb(new SmtpError('5.1.1 Mailbox does not exist', 550));
      }
      cb();
    },
    onData: (stream, session, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (faults.transient && faults.transient > 0) {
          faults.transient--;
          return cb(new SmtpError('4.3.0 Try again later', 451));
        }
        const m: Raw = {
          id: `${Date.now().toString().padStart(15, '0')}-${randomUUID().slice(0, 8)}`,
          receivedAt: new Date(),
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        };
        acceptedCount++;
        if (!opts.dir) {
          memory.push(m);
          return cb();
        }
        const meta = JSON.stringify({ to: m.envelopeTo, at: m.receivedAt.toISOString() });
        fs.promises
          .writeFile(path.join(opts.dir, `${m.id}.eml`), Buffer.concat([Buffer.from(`${meta}\n`), m.raw]))
          .then(
            () => cb(),
            () => cb(new SmtpError('4.3.0 Could not store the message', 451)),
          );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  const box: Mailbox = opts.dir
    ? folderMailbox(opts.dir)
    : {
        list: async () => Promise.all([...memory].reverse().map(parse)),
        clear: async () => {
          memory.length = 0;
        },
      };
  return {
    ...box,
    port,
    url: `smtp://127.0.0.1:${port}`,
    setFaults: (f) => {
      faults = { ...f, reject: f.reject?.map((a) => a.toLowerCase()) };
    },
    accepted: () => acceptedCount,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
