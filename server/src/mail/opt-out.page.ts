// The opt-out link of every mail: /o/<token>. GET shows a one-button page (so a mail scanner
// that follows links opts nobody out); POST records the opt-out. Served by the app itself, in
// the municipality's mail language; the token never appears in logs (http/redact.ts).
import type { Request, Response, Router } from 'express';
import express from 'express';
import { logger } from '../logger';
import type { InvitationDoc, MailLanguage } from '../invitations/invitations.service';
import { optOut, optOutTarget } from './mail.service';
import { languageFor } from './templates';

const TOKEN = /^[A-Za-z0-9_-]{22}$/;

const TEXT: Record<MailLanguage, Record<'title' | 'ask' | 'button' | 'done' | 'already' | 'invalid', string>> = {
  ru: {
    title: 'Отказ от напоминаний',
    ask: 'Больше не присылать «{name}» письма об этом опросе?',
    button: 'Не присылать',
    done: 'Готово: «{name}» больше не получит писем об этом опросе. Ссылка на анкету по-прежнему работает.',
    already: '«{name}» уже отказался от писем об этом опросе.',
    invalid: 'Эта ссылка недействительна.',
  },
  uk: {
    title: 'Відмова від нагадувань',
    ask: 'Більше не надсилати «{name}» листи про це опитування?',
    button: 'Не надсилати',
    done: 'Готово: «{name}» більше не отримає листів про це опитування. Посилання на анкету й далі працює.',
    already: '«{name}» уже відмовилася від листів про це опитування.',
    invalid: 'Це посилання недійсне.',
  },
  en: {
    title: 'Opt out of reminders',
    ask: 'Stop sending {name} mails about this survey?',
    button: 'Stop the mails',
    done: 'Done: {name} will get no more mails about this survey. The questionnaire link still works.',
    already: '{name} has already opted out of mails about this survey.',
    invalid: 'This link is not valid.',
  },
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(res: Response, status: number, lang: MailLanguage, body: string) {
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  res
    .type('html')
    .send(
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(TEXT[lang].title)}</title></head>` +
        `<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a"><main><h1>${escapeHtml(TEXT[lang].title)}</h1>${body}</main></body></html>`,
    );
}

const langOf = (inv: InvitationDoc) => languageFor(inv.municipality.regionCode, inv.language);
const fill = (s: string, name: string) => escapeHtml(s).replace('{name}', escapeHtml(name));

export function optOutPages(): Router {
  const router = express.Router();
  router.get('/o/:token', async (req: Request, res: Response, next) => {
    try {
      const token = String(req.params.token);
      const target = TOKEN.test(token) ? await optOutTarget(token) : null;
      if (!target) return page(res, 404, 'ru', `<p>${TEXT.ru.invalid}</p><p lang="en">${TEXT.en.invalid}</p>`);
      const lang = langOf(target.invitation);
      const name = target.invitation.municipality.name;
      if (target.invitation.optedOutAt) return page(res, 200, lang, `<p>${fill(TEXT[lang].already, name)}</p>`);
      page(
        res,
        200,
        lang,
        `<p>${fill(TEXT[lang].ask, name)}</p><form method="post"><button type="submit" style="font-size: 1rem; padding: .5rem 1rem">${escapeHtml(TEXT[lang].button)}</button></form>`,
      );
    } catch (err) {
      next(err);
    }
  });
  router.post('/o/:token', async (req: Request, res: Response, next) => {
    try {
      const token = String(req.params.token);
      const target = TOKEN.test(token) ? await optOut(token) : null;
      if (!target) return page(res, 404, 'ru', `<p>${TEXT.ru.invalid}</p><p lang="en">${TEXT.en.invalid}</p>`);
      logger.info({ wave: target.wave.code, municipality: target.invitation.municipality.id }, 'opted out of mails');
      page(
        res,
        200,
        langOf(target.invitation),
        `<p>${fill(TEXT[langOf(target.invitation)].done, target.invitation.municipality.name)}</p>`,
      );
    } catch (err) {
      next(err);
    }
  });
  return router;
}
