// Mail texts: the default invitation and reminder in ru/uk/en, and rendering a template for one
// municipality into a subject, a plain-text part and an HTML part. A template is plain text with
// placeholders; the HTML part is made from it (every value escaped), so a coordinator's text can
// never inject markup, and the opt-out footer is added to every mail whatever the template says.
import type { MailLanguage } from '../invitations/invitations.service';

export const MAIL_KINDS = ['invitation', 'reminder'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];
export const MAIL_LANGUAGES = ['ru', 'uk', 'en'] as const;

export type MailTemplate = { subject: string; body: string };
export type MailTemplates = Record<MailKind, Record<MailLanguage, MailTemplate>>;

export const PLACEHOLDERS = ['municipality', 'region', 'link', 'closes', 'contact'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type MailVars = Record<Placeholder, string>;

/** The end of every default mail: the personal link, the closing date and the contact. */
const linkLines = (link: string, closes: string, contact: string): string[] => [
  '',
  `${link}: {{link}}`,
  '',
  `${closes}: {{closes}}`,
  '',
  `${contact}: {{contact}}`,
];
const LINK_LINES: Record<MailLanguage, string[]> = {
  ru: linkLines('Ваша персональная ссылка', 'Срок ответа', 'Вопросы о опросе'),
  uk: linkLines('Ваше персональне посилання', 'Термін відповіді', 'Питання щодо опитування'),
  en: linkLines('Your personal link', 'Please answer by', 'Questions about the survey'),
};

export const DEFAULT_TEMPLATES: MailTemplates = {
  invitation: {
    ru: {
      subject: 'Опрос о межмуниципальном сотрудничестве: {{municipality}}',
      body: [
        'Уважаемые коллеги из администрации «{{municipality}}» ({{region}})!',
        '',
        'Приглашаем вас принять участие в ежегодном опросе о препятствиях межмуниципальному сотрудничеству. Ответы займут около 15 минут; можно прерваться и вернуться позже по той же ссылке.',
        ...LINK_LINES.ru,
      ].join('\n'),
    },
    uk: {
      subject: 'Опитування про міжмуніципальне співробітництво: {{municipality}}',
      body: [
        'Шановні колеги з «{{municipality}}» ({{region}})!',
        '',
        'Запрошуємо вас взяти участь у щорічному опитуванні про перешкоди міжмуніципальному співробітництву. Відповіді займуть близько 15 хвилин; можна перерватися й повернутися пізніше за тим самим посиланням.',
        ...LINK_LINES.uk,
      ].join('\n'),
    },
    en: {
      subject: 'Survey on inter-municipal cooperation: {{municipality}}',
      body: [
        'Dear colleagues of {{municipality}} ({{region}}),',
        '',
        'You are invited to take part in the yearly survey of the obstacles to inter-municipal cooperation. It takes about 15 minutes; you can stop and come back later with the same link.',
        ...LINK_LINES.en,
      ].join('\n'),
    },
  },
  reminder: {
    ru: {
      subject: 'Напоминание: опрос о межмуниципальном сотрудничестве ждёт ответа «{{municipality}}»',
      body: [
        'Уважаемые коллеги из администрации «{{municipality}}»!',
        '',
        'Напоминаем, что ответ вашего муниципалитета пока не получен. Ссылка ниже заменяет прежнюю; уже сохранённые ответы не потеряются.',
        ...LINK_LINES.ru,
      ].join('\n'),
    },
    uk: {
      subject: 'Нагадування: опитування про міжмуніципальне співробітництво чекає на відповідь «{{municipality}}»',
      body: [
        'Шановні колеги з «{{municipality}}»!',
        '',
        'Нагадуємо, що відповіді вашої громади ще не отримано. Посилання нижче замінює попереднє; уже збережені відповіді не загубляться.',
        ...LINK_LINES.uk,
      ].join('\n'),
    },
    en: {
      subject: 'Reminder: the survey on inter-municipal cooperation awaits the answer of {{municipality}}',
      body: [
        'Dear colleagues of {{municipality}},',
        '',
        'We have not yet received the answer of your municipality. The link below replaces the earlier one; answers saved so far are kept.',
        ...LINK_LINES.en,
      ].join('\n'),
    },
  },
};

const FOOTER: Record<MailLanguage, { text: string; noClosing: string; noContact: string }> = {
  ru: {
    text: 'Не хотите получать напоминания об этом опросе? Отписаться:',
    noClosing: 'без срока',
    noContact: 'ответьте на это письмо',
  },
  uk: {
    text: 'Не бажаєте отримувати нагадування про це опитування? Відписатися:',
    noClosing: 'без терміну',
    noContact: 'дайте відповідь на цей лист',
  },
  en: {
    text: 'Do not want reminders about this survey? Opt out:',
    noClosing: 'no closing date',
    noContact: 'reply to this mail',
  },
};

/** The language of a municipality's mails: its own, or its country's (RU → ru, UA → uk, others en). */
export function languageFor(regionCode: string, own: MailLanguage | null | undefined): MailLanguage {
  if (own) return own;
  const country = regionCode.split('-')[0];
  return country === 'RU' ? 'ru' : country === 'UA' ? 'uk' : 'en';
}

export function closingText(closesAt: Date | null, lang: MailLanguage): string {
  if (!closesAt) return FOOTER[lang].noClosing;
  const locale = { ru: 'ru-RU', uk: 'uk-UA', en: 'en-GB' }[lang];
  return closesAt.toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export const contactText = (contact: string, lang: MailLanguage) => contact.trim() || FOOTER[lang].noContact;

const PLACEHOLDER = /\{\{\s*(municipality|region|link|closes|contact)\s*\}\}/g;
/** Control characters (CR/LF among them) never reach a header: replaced by a space. */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function fill(
  text: string,
  vars: MailVars,
  value: (k: Placeholder, v: string) => string,
  literal: (s: string) => string,
) {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    out += literal(text.slice(last, m.index));
    const key = m[1] as Placeholder;
    out += value(key, vars[key]);
    last = m.index + m[0].length;
  }
  return out + literal(text.slice(last));
}

export type RenderedMail = { subject: string; text: string; html: string };

export function renderMail(t: MailTemplate, vars: MailVars, lang: MailLanguage, optOutUrl: string): RenderedMail {
  const subject = oneLine(
    fill(
      t.subject,
      vars,
      (_k, v) => oneLine(v),
      (s) => s,
    ),
  ).slice(0, 250);
  const footer = FOOTER[lang].text;
  const text = `${fill(
    t.body,
    vars,
    (_k, v) => v,
    (s) => s,
  ).trim()}\n\n--\n${footer} ${optOutUrl}\n`;
  const link = (href: string) => `<a href="${escapeHtml(href)}">${escapeHtml(href)}</a>`;
  const bodyHtml = fill(
    t.body,
    vars,
    (k, v) => (k === 'link' ? link(v) : escapeHtml(v)),
    (s) => escapeHtml(s),
  )
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const html = [
    '<!doctype html>',
    `<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #1a1a1a; max-width: 640px">',
    bodyHtml,
    `<hr><p style="font-size: 13px; color: #555">${escapeHtml(footer)} ${link(optOutUrl)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
