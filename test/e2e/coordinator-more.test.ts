// More of the coordinator's work in Chromium (Russian): a second questionnaire version and the
// diff between versions; a wave edited through its form in each state of its lifecycle, with the
// journal listing every step; and an official answering the public demo wave with the keyboard only.
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { theOnlyResponse } from '../helpers/fixtures';
import { SHOTS, signIn, until, useBrowserApp, visible } from '../helpers/e2e';
import { createUser } from '../helpers/auth';
import { listWaves } from '../../server/src/waves/waves.service';
import { WaveModel } from '../../server/src/waves/wave.model';

useTestDatabase({ demo: true });

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'mini-barriers.json');
const KEY = 'e2e-more';
const WAVE = 'e2e-edit-2027';
const COORDINATOR = { email: 'coordinator@e2e.local', password: 'coordinator password 1' };
const e2e = useBrowserApp();

beforeAll(async () => {
  await createUser(COORDINATOR.email, COORDINATOR.password, ['coordinator']);
});

const newPage = () =>
  e2e.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU', cspErrors: true, acceptDialogs: true });

async function signedIn(page: Page): Promise<void> {
  await signIn(page, e2e.baseUrl, COORDINATOR);
  await page.getByTestId('admin-link').waitFor();
}

/** The date `days` from today as an `<input type="date">` value (local time). */
function dateInput(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

describe('the questionnaire library compares versions', () => {
  it('a second version edited in the paste box (one question added, one removed) shows in the diff', async () => {
    const { page, errors } = await newPage();
    await signedIn(page);
    await page.goto(`${e2e.baseUrl}/admin/questionnaires`);

    // Version 1 from the file.
    await page.getByLabel('Ключ анкеты').fill(KEY);
    await page.getByLabel('Файл JSON').setInputFiles(FIXTURE);
    const textarea = page.locator('textarea[name="definition"]');
    await until(async () => (await textarea.inputValue()).includes('lsgRole'));
    await page.getByRole('button', { name: 'Проверить и загрузить' }).click();
    await visible(page.getByTestId('upload-done').filter({ hasText: `${KEY}, версия 1` }));

    // Version 2: edited in the paste box — "satisfaction" removed, "staff_count" added.
    const def = JSON.parse(await textarea.inputValue()) as {
      pages: { elements: { name: string; [k: string]: unknown }[] }[];
    };
    const elements = def.pages[0].elements.filter((e) => e.name !== 'satisfaction');
    elements.push({ type: 'text', name: 'staff_count', inputType: 'number', title: { ru: 'Число сотрудников' } });
    def.pages[0].elements = elements;
    await textarea.fill(JSON.stringify(def, null, 2));
    await page.getByRole('button', { name: 'Проверить и загрузить' }).click();
    await visible(page.getByTestId('upload-done').filter({ hasText: `${KEY}, версия 2` }));
    const table = page.getByTestId('library-table');
    await visible(table.locator('tr', { hasText: KEY }).filter({ hasText: /^\s*e2e-more\s*2/ }));

    // Diff 1 → 2: the added and the removed names.
    const diffForm = page.locator('form', { has: page.getByRole('heading', { name: 'Сравнение версий' }) });
    await diffForm.getByLabel('Анкета', { exact: true }).selectOption(KEY);
    await diffForm.getByLabel('Было (версия)').selectOption('1');
    await diffForm.getByLabel('Стало (версия)').selectOption('2');
    await diffForm.getByRole('button', { name: 'Сравнить' }).click();
    await visible(page.getByTestId('diff-result'));
    expect(await page.getByTestId('diff-added').innerText()).toMatch(/staff_count \(text\) Число сотрудников/);
    expect(await page.getByTestId('diff-removed').innerText()).toMatch(/satisfaction \(rating\)/);
    expect(await page.getByTestId('diff-added').locator('li').count()).toBe(1);
    expect(await page.getByTestId('diff-removed').locator('li').count()).toBe(1);
    expect(await page.getByTestId('diff-result').innerText()).toMatch(/Без изменений: 8/);
    await page.getByTestId('diff-result').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'issue3-diff.png') });
    expect(errors).toEqual([]);
  }, 120_000);
});

describe('a wave is edited through its form in each state of its lifecycle', () => {
  it('draft: everything; open: title and closing date only; closed: reopen; archived: nothing', async () => {
    const { page, errors, dialogs } = await newPage();
    await signedIn(page);

    // A draft on version 1.
    await page.goto(`${e2e.baseUrl}/admin/waves/new`);
    await page.getByLabel('Код волны').fill(WAVE);
    await page.getByLabel('Название по-русски').fill('Черновик волны');
    await page.getByLabel('Версия анкеты').selectOption(`${KEY}@1`);
    await page.getByLabel('Открытая ссылка: отвечает любой').check();
    await page.getByRole('button', { name: 'Создать волну' }).click();
    await page.waitForURL(new RegExp(`/admin/waves/${WAVE}$`));
    const status = page.getByTestId('wave-status');
    await visible(status.filter({ hasText: 'Черновик' }));

    // Draft: title and questionnaire version change through the form.
    const edit = page.getByTestId('wave-edit');
    await page.getByRole('button', { name: 'Изменить' }).click();
    await visible(edit);
    expect(await edit.getByLabel('Версия анкеты').isEnabled()).toBe(true);
    expect(await edit.getByLabel('Название по-русски').inputValue()).toBe('Черновик волны');
    // A server refusal first (closing before opening): shown in Russian, nothing typed lost.
    await edit.getByLabel('Название по-русски').fill('Барометр МСУ — весна 2027');
    await edit.getByLabel('Версия анкеты').selectOption(`${KEY}@2`);
    await edit.getByLabel('Дата открытия').fill(dateInput(10));
    await edit.getByLabel('Дата закрытия').fill(dateInput(5));
    await edit.getByRole('button', { name: 'Сохранить изменения' }).click();
    const problems = edit.getByTestId('problems');
    await visible(problems);
    expect(await problems.innerText()).toMatch(
      /Изменения не сохранены[\s\S]*Дата закрытия: дата закрытия должна быть позже даты открытия/,
    );
    expect(await edit.getByLabel('Название по-русски').inputValue()).toBe('Барометр МСУ — весна 2027');
    expect(await edit.getByLabel('Версия анкеты').inputValue()).toBe(`${KEY}@2`);
    await edit.getByLabel('Дата открытия').fill('');
    await edit.getByLabel('Дата закрытия').fill(dateInput(30));
    await edit.getByRole('button', { name: 'Сохранить изменения' }).click();
    // Version 2's new question has only a Russian title: the server refuses it for missing
    // translations, and the form offers to use it anyway (nothing typed lost).
    const allow = edit.getByLabel('Использовать, даже если не хватает переводов');
    await visible(allow);
    expect(await edit.getByLabel('Название по-русски').inputValue()).toBe('Барометр МСУ — весна 2027');
    await allow.check();
    await edit.getByRole('button', { name: 'Сохранить изменения' }).click();
    await visible(page.getByTestId('wave-saved'));
    await visible(page.getByRole('heading', { name: 'Барометр МСУ — весна 2027', level: 1 }));
    let stored = await WaveModel.findById(WAVE).lean();
    expect(stored).toMatchObject({ questionnaireId: `${KEY}@2`, title: { ru: 'Барометр МСУ — весна 2027' } });

    // Open it: confirmed in a dialog.
    await page.getByRole('button', { name: 'Открыть опрос' }).click();
    await visible(status.filter({ hasText: 'Идёт опрос' }));
    expect(dialogs.at(-1)).toBe('Открыть опрос? После этого анкету волны изменить будет нельзя.');

    // Open: the questionnaire cannot change (disabled, with the reason); the closing date can —
    // moved to yesterday, which ends the survey's period.
    await page.getByRole('button', { name: 'Изменить' }).click();
    await visible(edit);
    const locked = edit.getByTestId('wave-edit-locked');
    expect(await locked.innerText()).toMatch(/можно изменить только название и дату закрытия/);
    const qSelect = edit.getByLabel('Версия анкеты');
    expect(await qSelect.isDisabled()).toBe(true);
    expect(await qSelect.getAttribute('aria-describedby')).toBe(await locked.getAttribute('id'));
    expect(await edit.getByLabel('Дата открытия').isDisabled()).toBe(true);
    expect(await edit.getByLabel('Открытая ссылка: отвечает любой').isDisabled()).toBe(true);
    expect(await edit.getByLabel('Название по-русски').isEnabled()).toBe(true);
    expect(await edit.getByLabel('Дата закрытия').isEnabled()).toBe(true);
    await edit.getByLabel('Дата закрытия').fill(dateInput(-1));
    await page.screenshot({ path: path.join(SHOTS, 'issue3-edit.png'), fullPage: true });
    await edit.getByRole('button', { name: 'Сохранить изменения' }).click();
    await visible(page.getByTestId('wave-saved'));
    stored = await WaveModel.findById(WAVE).lean();
    expect(stored!.questionnaireId).toBe(`${KEY}@2`);
    expect(stored!.closesAt!.getTime()).toBeLessThan(Date.now());

    // Close it.
    await page.getByRole('button', { name: 'Завершить опрос' }).click();
    await visible(status.filter({ hasText: 'Завершена' }));
    expect(dialogs.at(-1)).toBe('Завершить опрос? Ответы перестанут приниматься.');

    // Closed: only the title can change.
    await page.getByRole('button', { name: 'Изменить' }).click();
    await visible(edit);
    expect(await edit.getByTestId('wave-edit-locked').innerText()).toMatch(/можно изменить только название/);
    expect(await edit.getByLabel('Дата закрытия').isDisabled()).toBe(true);
    await edit.getByRole('button', { name: 'Отмена' }).click();
    await edit.waitFor({ state: 'detached' });

    // Reopen: the closing date has passed, so the server asks for a new one; then it reopens.
    await page.getByRole('button', { name: 'Открыть снова' }).click();
    const lifecycle = page.locator('section', { has: page.getByRole('heading', { name: 'Статус волны' }) });
    await visible(lifecycle.getByTestId('problems').filter({ hasText: 'дата закрытия должна быть в будущем' }));
    expect(await status.innerText()).toBe('Завершена');
    await page.getByLabel('Новая дата закрытия (нужна, если прежняя прошла)').fill(dateInput(60));
    await page.getByRole('button', { name: 'Открыть снова' }).click();
    await visible(status.filter({ hasText: 'Идёт опрос' }));
    expect(dialogs.at(-1)).toBe('Открыть опрос снова? Это будет записано в журнал.');

    // Close and archive: after that, nothing can change.
    await page.getByRole('button', { name: 'Завершить опрос' }).click();
    await visible(status.filter({ hasText: 'Завершена' }));
    await page.getByRole('button', { name: 'Перенести в архив' }).click();
    await visible(status.filter({ hasText: 'В архиве' }));
    expect(await page.getByRole('button', { name: 'Изменить' }).count()).toBe(0);
    await visible(page.getByText('Волна в архиве: изменить её нельзя.'));

    // The journal lists every step, newest first.
    const journal = (await page.getByTestId('wave-history').locator('li').allInnerTexts()).reverse();
    const steps = journal.map((line) => line.replace(/^.*coordinator@e2e\.local: /, ''));
    expect(steps).toEqual([
      'создана',
      'изменена (Название, Анкета, Дата закрытия)',
      'опрос открыт',
      'изменена (Дата закрытия)',
      'опрос завершён',
      'опрос открыт снова (Дата закрытия)',
      'опрос завершён',
      'перенесена в архив',
    ]);
    expect(errors).toEqual([]);
  }, 180_000);
});

describe('an official answers the public demo wave with the keyboard alone', () => {
  it('Tab, Space, Enter, arrows and typing reach every required question and submit', async () => {
    const demo = (await listWaves()).find((w) => w.code.startsWith('demo-'))!.code;
    const { page, errors } = await newPage();
    await page.goto(`${e2e.baseUrl}/w/${demo}`);
    const q = (name: string) => page.locator(`[data-name="${name}"]`);
    await visible(q('country'));

    /** Presses Tab until the focus is inside `target` (a question) or on it (a button). */
    async function tabInto(target: Locator, max = 60): Promise<void> {
      for (let i = 0; i < max; i++) {
        if ((await target.locator(':focus').count()) > 0) return;
        if ((await target.and(page.locator(':focus')).count()) > 0) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${target.toString()}`);
    }
    /** To the next page with the keyboard: Tab to "Next", Enter. */
    const next = async () => {
      await tabInto(page.getByRole('button', { name: 'Далее' }));
      await page.keyboard.press('Enter');
    };
    /** Ticks the first choice of a question with the keyboard: Tab into it, Space. */
    const tickFirst = async (name: string) => {
      await visible(q(name));
      await tabInto(q(name));
      await page.keyboard.press('Space');
      expect(await q(name).locator('input:checked').count()).toBe(1);
    };
    /** A dropdown: type to filter, Enter picks the highlighted option. */
    async function pickByTyping(name: string, typed: string, expected: string): Promise<void> {
      await tabInto(q(name));
      const combo = q(name).getByRole('combobox');
      const listId = await combo.getAttribute('aria-controls');
      const option = page.locator(`[id="${listId}"]`).getByRole('option', { name: expected, exact: true });
      // Typed key by key, as a person does; on a loaded machine the list can miss the first
      // keystrokes while the question re-renders, so clear and type again once if needed.
      await page.keyboard.type(typed, { delay: 40 });
      if (!(await option.first().isVisible())) {
        try {
          await visible(option, 5_000);
        } catch {
          for (let i = 0; i < typed.length + 5; i++) await page.keyboard.press('Backspace');
          await page.keyboard.type(typed, { delay: 80 });
        }
      }
      await visible(option);
      await page.keyboard.press('Enter');
      await visible(q(name).filter({ hasText: expected }));
    }

    // Page 1: profile.
    await tabInto(q('country'));
    await page.keyboard.press('Space');
    expect(await q('country').locator('input[value="RU"]').isChecked()).toBe(true);
    await pickByTyping('region', 'Волог', 'Вологодская область');
    await tabInto(q('municipality'));
    await page.keyboard.type('Тотемский муниципальный округ');
    await pickByTyping('municipality_type', 'Муниципальный округ', 'Муниципальный округ');
    await tabInto(q('size_class'));
    await page.keyboard.press('Space'); // the first class
    await page.keyboard.press('ArrowDown'); // arrows move the choice within the group
    const sizeChecked = q('size_class').locator('input:checked');
    expect(await sizeChecked.count()).toBe(1);
    expect(await sizeChecked.getAttribute('value')).not.toBe(
      await q('size_class').locator('input').first().getAttribute('value'),
    );
    await tabInto(q('role'));
    await page.keyboard.press('Space');
    await next();

    // Page 2: experience.
    await tickFirst('imc_experience');
    await next();

    // Page 3: obstacles (a checkbox list).
    await tickFirst('obstacles');
    await next();

    // Page 4: nothing required; submit.
    await visible(q('comment'));
    await tabInto(q('comment'));
    await page.keyboard.type('Ответ набран только с клавиатуры.');
    await tabInto(page.getByRole('button', { name: 'Отправить ответы' }));
    await page.keyboard.press('Enter');
    await visible(page.getByTestId('submit-confirmation'));

    const stored = await theOnlyResponse(demo);
    expect(stored).toMatchObject({
      regionCode: 'RU-VLG',
      municipality: 'Тотемский муниципальный округ',
      municipalityType: 'municipal_okrug',
      answers: { comment: 'Ответ набран только с клавиатуры.' },
    });
    expect(errors).toEqual([]);
  }, 180_000);
});
