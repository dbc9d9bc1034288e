import { useCallback, useEffect, useId, useMemo, useReducer, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  getQuestionnaireVersion,
  QUESTION_ROLES,
  setQuestionRoles,
  uploadQuestionnaire,
  type QuestionnaireDetail,
  type QuestionRole,
  type Roles,
} from '../../../api/admin';
import { ApiError, type InvalidParam } from '../../../api/api';
import { checkDraft, diffDraft, type DraftDiff } from '../../../api/editor';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/PageHeading';
import { currentLocale } from '../../../i18n';
import { useSession } from '../../../lib/session';
import { useRequest } from '../../../lib/useRequest';
import { AdminNav } from '../AdminNav';
import { errorText, problemText } from '../ProblemList';
import { PreviewPane } from './PreviewPane';
import { QuestionForm } from './QuestionForm';
import { TranslationTable } from './TranslationTable';
import {
  addInnerQuestion,
  addPage,
  addQuestion,
  allNames,
  changeType,
  conditionQuestions,
  elementAt,
  innerQuestions,
  isDynamicPanel,
  missingTranslationsByQuestion,
  movePage,
  moveQuestion,
  namesInScope,
  newQuestion,
  normalize,
  QUESTION_TYPES,
  removePage,
  removeQuestion,
  renameQuestion,
  textIn,
  typesFor,
  updateQuestion,
  withText,
  type At,
  type Definition,
  type Element,
  type Json,
  type QuestionType,
} from './ops';
import { SmallButton } from '../../../components/form/Buttons';
import { SelectField } from '../../../components/form/Fields';
import { DiffLists } from '../AdminBits';

/** The languages the editor shows and edits texts in (each named in itself). */
const TEXT_LANGUAGES = [
  { value: 'ru', label: 'Русский' },
  { value: 'uk', label: 'Українська' },
  { value: 'en', label: 'English' },
];

/** /admin/questionnaires/:key/:version/edit — a version opened as the start of a new version. */
export default function EditorPage() {
  const { key = '', version = '1' } = useParams();
  const { t } = useTranslation();
  const detail = useRequest((signal) => getQuestionnaireVersion(key, Number(version), signal), `${key}@${version}`);
  return (
    <section className="page admin-page editor-page">
      <AdminNav />
      <PageHeading title={t('editor.pageTitle', { key, version })}>
        {t('editor.pageTitle', { key, version })}
      </PageHeading>
      {detail.status === 'loading' && <Loading label={t('admin.loading')} />}
      {detail.status === 'error' && <ErrorNotice error={detail.error} onRetry={detail.reload} />}
      {detail.status === 'ok' && <Editor key={detail.data.id} base={detail.data} />}
    </section>
  );
}

type Snapshot = { def: Definition; roles: Roles };
type History = { past: Snapshot[]; present: Snapshot; future: Snapshot[]; coalesce: string | null; at: number };
type Action =
  | { type: 'apply'; next: Snapshot; coalesce?: string }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'reset'; to: Snapshot };

const HISTORY_LIMIT = 200;

function reducer(h: History, a: Action): History {
  switch (a.type) {
    case 'apply': {
      const now = Date.now();
      // Typing in one field within a moment is one step of undo, not one per key.
      if (a.coalesce && a.coalesce === h.coalesce && now - h.at < 1500)
        return { ...h, present: a.next, future: [], at: now };
      return {
        past: [...h.past, h.present].slice(-HISTORY_LIMIT),
        present: a.next,
        future: [],
        coalesce: a.coalesce ?? null,
        at: now,
      };
    }
    case 'undo': {
      const prev = h.past.at(-1);
      if (!prev) return h;
      return { past: h.past.slice(0, -1), present: prev, future: [h.present, ...h.future], coalesce: null, at: 0 };
    }
    case 'redo': {
      const next = h.future[0];
      if (!next) return h;
      return { past: [...h.past, h.present], present: next, future: h.future.slice(1), coalesce: null, at: 0 };
    }
    case 'reset':
      return { past: [], present: a.to, future: [], coalesce: null, at: 0 };
  }
}

type StoredDraft = Snapshot & { savedAt: string };

/** The part of a question's button ids that says where it is. */
const buttonKey = (at: At) => `${at.page}-${at.index}${at.inner === undefined ? '' : `-${at.inner}`}`;

function Editor({ base }: { base: QuestionnaireDetail }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const id = useId();
  const session = useSession();
  const user = session.state.status === 'signed-in' ? session.state.session.user.email : 'anonymous';
  // The autosaved draft lives in this browser's localStorage, per user and starting version.
  const draftKey = `lsg-editor:${user}:${base.id}`;
  const start = useMemo<Snapshot>(() => ({ def: normalize(base.definition), roles: base.roles }), [base]);
  const [restored] = useState<StoredDraft | null>(() => {
    try {
      const raw = localStorage.getItem(draftKey);
      return raw ? (JSON.parse(raw) as StoredDraft) : null;
    } catch {
      return null;
    }
  });
  const [h, dispatch] = useReducer(reducer, null, () => ({
    past: [],
    present: restored ? { def: normalize(restored.def), roles: restored.roles ?? {} } : start,
    future: [],
    coalesce: null,
    at: 0,
  }));
  const { def, roles } = h.present;
  const [sel, setSel] = useState<At | null>(() => (def.pages[0]?.elements.length ? { page: 0, index: 0 } : null));
  const [tab, setTab] = useState<'structure' | 'translations'>('structure');
  // Texts are edited in the user's language first; the other languages in the translation table.
  const [locale, setLocale] = useState<'ru' | 'uk' | 'en'>(lng);
  const [savedAt, setSavedAt] = useState<string | null>(restored?.savedAt ?? null);
  const [problems, setProblems] = useState<InvalidParam[]>([]);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [review, setReview] = useState<DraftDiff | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<{ version: number; created: boolean; rolesNote?: string } | null>(null);
  const [newType, setNewType] = useState<QuestionType>('rating');
  // The last change of a question's type, with what it dropped (offered for undo).
  const [typeChange, setTypeChange] = useState<{ name: string; from: string; to: string; dropped: string[] } | null>(
    null,
  );
  const announce = useRef<HTMLParagraphElement>(null);
  const [message, setMessage] = useState('');

  const apply = useCallback(
    (next: Partial<Snapshot>, coalesce?: string) =>
      dispatch({ type: 'apply', next: { def: next.def ?? def, roles: next.roles ?? roles }, coalesce }),
    [def, roles],
  );
  const dirty = h.present !== start && JSON.stringify(h.present) !== JSON.stringify(start);

  // Autosave a moment after the last change.
  useEffect(() => {
    if (!dirty) return;
    const timer = setTimeout(() => {
      const at = new Date().toISOString();
      try {
        localStorage.setItem(draftKey, JSON.stringify({ def, roles, savedAt: at } satisfies StoredDraft));
        setSavedAt(at);
      } catch {
        /* storage full or disabled: the edit stays in memory */
      }
    }, 700);
    return () => clearTimeout(timer);
  }, [def, roles, dirty, draftKey]);

  // The server's upload checks on the draft, a moment after the last change.
  useEffect(() => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      checkDraft(def, undefined, ctrl.signal)
        .then((r) => setProblems(r.problems))
        .catch(() => {
          /* the save reports it */
        });
    }, 900);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [def]);

  // Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) outside text fields, where the browser's own undo applies.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      if (e.key.toLowerCase() === 'z') {
        e.preventDefault();
        dispatch({ type: e.shiftKey ? 'redo' : 'undo' });
      } else if (e.key.toLowerCase() === 'y') {
        e.preventDefault();
        dispatch({ type: 'redo' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const say = (text: string) => setMessage(text);
  const selected = sel ? elementAt(def, sel) : undefined;
  const problemsOf = (name: string) => problems.filter((p) => p.name === name);
  // Texts of each question that lack one of the questionnaire's languages (the rule a wave applies).
  const untranslated = useMemo(() => missingTranslationsByQuestion(def), [def]);
  const names = allNames(def);
  const orphanProblems = problems.filter((p) => !names.has(p.name));

  const discard = () => {
    localStorage.removeItem(draftKey);
    setSavedAt(null);
    dispatch({ type: 'reset', to: start });
    setSel(start.def.pages[0]?.elements.length ? { page: 0, index: 0 } : null);
  };

  const openReview = async () => {
    setSaveError(null);
    setSaved(null);
    try {
      setReview(await diffDraft(base.key, base.version, def));
    } catch (err) {
      setSaveError(err);
    }
  };

  const save = async () => {
    setBusy(true);
    setSaveError(null);
    try {
      const res = await uploadQuestionnaire(base.key, JSON.stringify(def, null, 2));
      let rolesNote: string | undefined;
      const body = Object.fromEntries(QUESTION_ROLES.map((r) => [r, roles[r] ?? null])) as Record<
        QuestionRole,
        string | null
      >;
      const same = QUESTION_ROLES.every((r) => (res.roles[r] ?? null) === body[r]);
      if (!same) {
        try {
          await setQuestionRoles(base.key, res.version, body);
        } catch (err) {
          rolesNote = errorText(t, err);
        }
      }
      setSaved({ version: res.version, created: res.created, rolesNote });
      setReview(null);
      setProblems([]);
      localStorage.removeItem(draftKey);
      setSavedAt(null);
    } catch (err) {
      if (err instanceof ApiError && err.invalidParams.length) setProblems(err.invalidParams);
      setSaveError(err);
      setReview(null);
    } finally {
      setBusy(false);
    }
  };

  const addInner = (panel: At) => {
    const type = newType === 'paneldynamic' ? 'text' : newType;
    const q = newQuestion(def, type, t('editor.newQuestionTitle'));
    const list = innerQuestions(def, panel);
    const index =
      sel && sel.page === panel.page && sel.index === panel.index && sel.inner !== undefined
        ? sel.inner + 1
        : list.length;
    apply({ def: addInnerQuestion(def, panel, q, index) });
    setSel({ page: panel.page, index: panel.index, inner: index });
    say(t('editor.added', { name: q.name }));
  };
  const setType = (at: At, type: QuestionType) => {
    const q = elementAt(def, at);
    if (!q) return;
    const r = changeType(def, at, type);
    if (r.def === def) return;
    apply({ def: r.def });
    setTypeChange({ name: q.name, from: q.type, to: type, dropped: r.dropped });
    say(t('editor.typeChanged', { name: q.name, type: t(`editor.type.${type}`) }));
  };
  const addQ = (page: number) => {
    const q = newQuestion(def, newType, t('editor.newQuestionTitle'));
    const index = sel && sel.page === page ? sel.index + 1 : def.pages[page]!.elements.length;
    apply({ def: addQuestion(def, page, q, index) });
    setSel({ page, index });
    say(t('editor.added', { name: q.name }));
  };
  const moveQ = (at: At, delta: -1 | 1) => {
    const r = moveQuestion(def, at, delta);
    if (r.def === def) return;
    apply({ def: r.def });
    setSel(r.at);
    const name = elementAt(def, at)!.name;
    say(
      r.at.inner === undefined
        ? t('editor.moved', { name, n: r.at.index + 1, page: r.at.page + 1 })
        : t('editor.movedInPanel', { name, n: r.at.inner + 1, panel: def.pages[at.page]!.elements[at.index]!.name }),
    );
    // Keep the keyboard focus on the same button of the moved question.
    const which = delta < 0 ? 'up' : 'down';
    requestAnimationFrame(() =>
      document.getElementById(`${id}-q-${buttonKey(r.at)}-${which}`)?.focus({ preventScroll: false }),
    );
  };
  const removeQ = (at: At) => {
    const q = elementAt(def, at)!;
    const nextRoles: Roles = {};
    for (const r of QUESTION_ROLES) if (roles[r] && roles[r] !== q.name) nextRoles[r] = roles[r];
    apply({ def: removeQuestion(def, at), roles: nextRoles });
    setSel(null);
    say(t('editor.removed', { name: q.name }));
  };

  const others = selected && sel ? conditionQuestions(def, sel) : [];

  /** Drag and drop: a question moves among its own list (a page, or the same dynamic panel). */
  const dropOn = (target: At, data: string) => {
    const [fp, fi, fin] = data.split(':').map((x) => (x === '' ? undefined : Number(x)));
    if (fp === undefined || fi === undefined || Number.isNaN(fp) || Number.isNaN(fi)) return;
    const from: At = { page: fp, index: fi, inner: fin };
    const d = structuredClone(def);
    if (from.inner === undefined && target.inner === undefined) {
      const [moved] = d.pages[fp]!.elements.splice(fi, 1);
      d.pages[target.page]!.elements.splice(target.index, 0, moved!);
    } else if (
      from.inner !== undefined &&
      target.inner !== undefined &&
      from.page === target.page &&
      from.index === target.index
    ) {
      const list = d.pages[fp]!.elements[fi]!.templateElements as Element[];
      const [moved] = list.splice(from.inner, 1);
      list.splice(target.inner, 0, moved!);
    } else return;
    apply({ def: d });
    setSel(target);
  };

  const questionItem = (at: At, q: Element, first: boolean, last: boolean, children?: ReactNode) => {
    const isSel = sel?.page === at.page && sel.index === at.index && sel.inner === at.inner;
    const bad = problemsOf(q.name).length > 0;
    const label = `${q.name} — ${textIn(q.title ?? q.html, locale)
      .replace(/<[^>]*>/g, '')
      .slice(0, 60)}`;
    const bk = buttonKey(at);
    return (
      <li
        key={`${q.name}-${bk}`}
        className={`editor-q${isSel ? ' editor-q--selected' : ''}${bad ? ' editor-q--bad' : ''}`}
        data-testid={`q-${q.name}`}
        draggable
        onDragStart={(e) => {
          e.stopPropagation();
          e.dataTransfer.setData('text/plain', `${at.page}:${at.index}:${at.inner ?? ''}`);
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          e.stopPropagation();
          dropOn(at, e.dataTransfer.getData('text/plain'));
        }}
      >
        <div className="editor-q__row">
          <button type="button" className="editor-q__select" aria-pressed={isSel} onClick={() => setSel(at)}>
            <span className="muted small">{t(`editor.type.${q.type}`, q.type)}</span> {label}
            {bad && <span className="badge badge--warning">{t('editor.hasProblems')}</span>}
          </button>
          <span className="editor-q__tools">
            <SmallButton
              secondary
              id={`${id}-q-${bk}-up`}
              aria-label={t('editor.up', { name: q.name })}
              disabled={first}
              onClick={() => moveQ(at, -1)}
            >
              ↑
            </SmallButton>
            <SmallButton
              secondary
              id={`${id}-q-${bk}-down`}
              aria-label={t('editor.down', { name: q.name })}
              disabled={last}
              onClick={() => moveQ(at, 1)}
            >
              ↓
            </SmallButton>
            <SmallButton secondary aria-label={t('editor.remove', { name: q.name })} onClick={() => removeQ(at)}>
              ✕
            </SmallButton>
          </span>
        </div>
        {children}
      </li>
    );
  };

  const problemCount = problems.length;

  return (
    <div className="editor">
      <p className="lead">{t('editor.intro', { key: base.key, version: base.version })}</p>
      <div className="editor-toolbar" role="toolbar" aria-label={t('editor.toolbar')}>
        <SmallButton secondary disabled={!h.past.length} onClick={() => dispatch({ type: 'undo' })}>
          {t('editor.undo')}
        </SmallButton>
        <SmallButton secondary disabled={!h.future.length} onClick={() => dispatch({ type: 'redo' })}>
          {t('editor.redo')}
        </SmallButton>
        <SelectField
          frame="field field--inline"
          id={`${id}-lang`}
          label={t('editor.textLanguage')}
          value={locale}
          onChange={(e) => setLocale(e.target.value as 'ru' | 'uk' | 'en')}
          choices={TEXT_LANGUAGES}
        />
        <span className="muted small" data-testid="draft-status">
          {savedAt ? t('editor.draftSaved', { time: new Date(savedAt).toLocaleTimeString(lng) }) : t('editor.noDraft')}
        </span>
        {savedAt && (
          <SmallButton secondary onClick={discard}>
            {t('editor.discard')}
          </SmallButton>
        )}
        <SmallButton onClick={() => void openReview()} disabled={busy}>
          {t('editor.saveAsNew')}
        </SmallButton>
      </div>
      {restored && h.past.length === 0 && dirty && (
        <p className="notice" role="status">
          {t('editor.restored', { time: new Date(restored.savedAt).toLocaleString(lng) })}
        </p>
      )}
      <p ref={announce} className="visually-hidden" role="status" aria-live="polite">
        {message}
      </p>

      {review && (
        <section className="card editor-review" aria-labelledby={`${id}-review`} data-testid="save-review">
          <h2 id={`${id}-review`}>{t('editor.reviewTitle', { version: base.version })}</h2>
          <DiffLists diff={review} lng={lng} />
          {problemCount > 0 && (
            <p className="notice notice--warning">{t('editor.reviewProblems', { n: problemCount })}</p>
          )}
          <div className="button-row">
            <button type="button" className="button" disabled={busy} onClick={() => void save()}>
              {busy ? t('editor.saving') : t('editor.confirmSave')}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setReview(null)}>
              {t('editor.cancel')}
            </button>
          </div>
        </section>
      )}
      {saveError !== null && (
        <div className="notice notice--error" role="alert" data-testid="save-error">
          <p>{errorText(t, saveError)}</p>
          {orphanProblems.length > 0 && (
            <ul>
              {orphanProblems.map((p, i) => {
                const x = problemText(t, p, 'questionnaire');
                return (
                  <li key={i}>
                    <code>{x.where}</code>: {x.what}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
      {saved && (
        <div className="notice notice--success" role="status" data-testid="save-done">
          <p>
            {saved.created
              ? t('editor.savedNew', { key: base.key, version: saved.version })
              : t('editor.savedSame', { key: base.key, version: saved.version })}
          </p>
          {saved.rolesNote && <p>{saved.rolesNote}</p>}
          <p>
            <Link to="/admin/questionnaires">{t('editor.backToLibrary')}</Link> ·{' '}
            <Link to={`/admin/questionnaires/${base.key}/${saved.version}/edit`} reloadDocument>
              {t('editor.editSaved', { version: saved.version })}
            </Link>
          </p>
        </div>
      )}

      <div className="editor-tabs" role="group" aria-label={t('editor.view')}>
        <SmallButton secondary aria-pressed={tab === 'structure'} onClick={() => setTab('structure')}>
          {t('editor.tabStructure')}
          {problemCount > 0 && <span className="badge badge--warning"> {problemCount}</span>}
        </SmallButton>
        <SmallButton secondary aria-pressed={tab === 'translations'} onClick={() => setTab('translations')}>
          {t('editor.tabTranslations')}
        </SmallButton>
      </div>

      <div className={`editor-columns${tab === 'translations' ? ' editor-columns--wide' : ''}`}>
        <div className="editor-main">
          {tab === 'translations' ? (
            <TranslationTable
              definition={def}
              fileName={`${base.key}-translations.xlsx`}
              onChange={(next, coalesce) => apply({ def: next as Definition }, coalesce)}
            />
          ) : (
            <>
              <section className="card editor-outline" aria-labelledby={`${id}-outline`} data-testid="outline">
                <h2 id={`${id}-outline`}>{t('editor.outline')}</h2>
                <SelectField
                  frame="field field--inline"
                  id={`${id}-newtype`}
                  label={t('editor.newType')}
                  value={newType}
                  onChange={(e) => setNewType(e.target.value as QuestionType)}
                  choices={QUESTION_TYPES.map((ty) => ({ value: ty, label: t(`editor.type.${ty}`) }))}
                />
                <ol className="editor-pages">
                  {def.pages.map((p, pi) => (
                    <li key={`${p.name}-${pi}`} className="editor-page" data-testid={`page-${p.name}`}>
                      <div className="editor-page__head">
                        <label className="visually-hidden" htmlFor={`${id}-pt-${pi}`}>
                          {t('editor.pageTitleIn', { n: pi + 1, lang: locale })}
                        </label>
                        <input
                          id={`${id}-pt-${pi}`}
                          className="editor-page__title"
                          value={textIn(p.title, locale)}
                          placeholder={p.name}
                          onChange={(e) => {
                            const d = structuredClone(def);
                            const title = withText(d.pages[pi]!.title, locale, e.target.value);
                            if (title) d.pages[pi]!.title = title;
                            else delete d.pages[pi]!.title;
                            apply({ def: d }, `page-${pi}-title`);
                          }}
                        />
                        <SmallButton
                          secondary
                          aria-label={t('editor.pageUp', { n: pi + 1 })}
                          disabled={pi === 0}
                          onClick={() => apply({ def: movePage(def, pi, -1) })}
                        >
                          ↑
                        </SmallButton>
                        <SmallButton
                          secondary
                          aria-label={t('editor.pageDown', { n: pi + 1 })}
                          disabled={pi === def.pages.length - 1}
                          onClick={() => apply({ def: movePage(def, pi, 1) })}
                        >
                          ↓
                        </SmallButton>
                        <SmallButton
                          secondary
                          aria-label={t('editor.pageRemove', { n: pi + 1 })}
                          disabled={def.pages.length <= 1}
                          onClick={() => {
                            apply({ def: removePage(def, pi) });
                            setSel(null);
                          }}
                        >
                          ✕
                        </SmallButton>
                      </div>
                      <ol className="editor-questions">
                        {p.elements.map((q, qi) => {
                          const at: At = { page: pi, index: qi };
                          return questionItem(
                            at,
                            q,
                            pi === 0 && qi === 0,
                            pi === def.pages.length - 1 && qi === p.elements.length - 1,
                            isDynamicPanel(q) ? (
                              <div className="editor-inner">
                                <ol
                                  className="editor-questions editor-questions--inner"
                                  aria-label={t('editor.innerOf', { name: q.name })}
                                  data-testid={`inner-${q.name}`}
                                >
                                  {innerQuestions(def, at).map((iq, ii, list) =>
                                    questionItem({ ...at, inner: ii }, iq, ii === 0, ii === list.length - 1),
                                  )}
                                </ol>
                                <SmallButton
                                  secondary
                                  aria-label={t('editor.addInnerTo', {
                                    name: q.name,
                                    type: t(`editor.type.${newType === 'paneldynamic' ? 'text' : newType}`),
                                  })}
                                  onClick={() => addInner(at)}
                                >
                                  {t('editor.addInner')}
                                </SmallButton>
                              </div>
                            ) : null,
                          );
                        })}
                      </ol>
                      <SmallButton
                        aria-label={t('editor.addQuestionTo', { n: pi + 1, type: t(`editor.type.${newType}`) })}
                        onClick={() => addQ(pi)}
                      >
                        {t('editor.addQuestion')}
                      </SmallButton>
                    </li>
                  ))}
                </ol>
                <SmallButton
                  secondary
                  onClick={() => apply({ def: addPage(def, def.pages.length - 1, t('editor.newPageTitle')) })}
                >
                  {t('editor.addPage')}
                </SmallButton>
              </section>
              {selected && sel && (
                <QuestionForm
                  key={buttonKey(sel)}
                  question={selected}
                  panel={sel.inner === undefined ? undefined : def.pages[sel.page]!.elements[sel.index]!.name}
                  others={others}
                  taken={namesInScope(def, sel)}
                  types={typesFor(sel)}
                  locale={locale}
                  roles={roles}
                  problems={problemsOf(selected.name)}
                  untranslated={untranslated.get(selected.name)}
                  typeChange={
                    typeChange && typeChange.name === selected.name && selected.type === typeChange.to ? (
                      <div className="notice editor-type-change" role="status" data-testid="type-changed">
                        <span>
                          {t('editor.typeChangedFrom', {
                            from: t(`editor.type.${typeChange.from}`, typeChange.from),
                            to: t(`editor.type.${typeChange.to}`, typeChange.to),
                          })}{' '}
                          {typeChange.dropped.length > 0
                            ? t('editor.typeDropped', { props: typeChange.dropped.join(', ') })
                            : t('editor.typeKeptAll')}
                        </span>
                        <SmallButton
                          secondary
                          onClick={() => {
                            dispatch({ type: 'undo' });
                            setTypeChange(null);
                          }}
                        >
                          {t('editor.undoTypeChange')}
                        </SmallButton>
                      </div>
                    ) : null
                  }
                  onType={(type) => setType(sel, type)}
                  onPatch={(patch: Json, coalesce) =>
                    apply({ def: updateQuestion(def, sel, patch) }, coalesce && `${selected.name}/${coalesce}`)
                  }
                  onRename={(name) => {
                    const nextRoles: Roles = {};
                    for (const r of QUESTION_ROLES)
                      if (roles[r]) nextRoles[r] = roles[r] === selected.name ? name : roles[r];
                    apply({ def: renameQuestion(def, sel, name), roles: nextRoles });
                  }}
                  onRoles={(next) => apply({ roles: next })}
                />
              )}
            </>
          )}
        </div>
        <div className="editor-side">
          <PreviewPane definition={def} />
        </div>
      </div>
    </div>
  );
}
