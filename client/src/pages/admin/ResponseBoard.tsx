import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  boardExportUrl,
  getBoard,
  reissueInvitation,
  revokeInvitation,
  type Board,
  type Invitation,
  type InvitationStatus,
} from '../../api/admin';
import { isAbortError } from '../../api/api';
import { startCampaign } from '../../api/mail';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { currentLocale } from '../../i18n';
import { formatDate, formatDateTime, formatShare, pick } from '../../lib/format';
import { errorText } from './ProblemList';
import { TableHead } from '../../components/TableHead';
import { option, SelectField, TextField } from '../../components/form/Fields';
import { useFields } from '../../components/form/useFields';
import { SmallButton } from '../../components/form/Buttons';

const REFRESH_MS = 10_000;
type SortKey = 'name' | 'region' | 'status' | 'lastActivity';
const STATUS_ORDER: InvitationStatus[] = ['not_started', 'started', 'completed', 'revoked'];
/** The counts of a region (and of all) in the order of the table's columns, before and after the rate. */
const COUNTS = ['invited', 'notStarted', 'started', 'completed', 'revoked'] as const;
const MAIL_COUNTS = ['mailed', 'reminders', 'mailFailed', 'optedOut'] as const;

/** Puts text on the clipboard; false when the browser refuses (no permission, insecure page). */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    const active = document.activeElement as HTMLElement | null;
    document.body.append(area);
    area.select();
    let ok: boolean;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    active?.focus();
    return ok;
  }
}

/** Polls the board every 10 s (and on demand) without reloading the page; keeps the last good copy on errors. */
function useBoard(code: string, version: number) {
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    getBoard(code, controller.signal).then(
      (b) => {
        setBoard(b);
        setError(null);
      },
      (err: unknown) => {
        if (!isAbortError(err)) setError(err);
      },
    );
    const timer = setTimeout(() => setTick((n) => n + 1), REFRESH_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [code, tick, version]);
  return { board, error, refresh: () => setTick((n) => n + 1) };
}

export function ResponseBoard({
  code,
  version = 0,
  onCampaign,
}: {
  code: string;
  version?: number;
  /** Called when a campaign to a selection was started (the mail panel follows it). */
  onCampaign?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const id = useId();
  const { board, error, refresh } = useBoard(code, version);
  const filters = useFields<{ search: string; region: string; status: InvitationStatus | '' }>({
    search: '',
    region: '',
    status: '',
  });
  const { search, region, status } = filters.values;
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'region', dir: 1 });
  const [busy, setBusy] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (mid: string, on: boolean) =>
    setSelected((old) => {
      const next = new Set(old);
      if (on) next.add(mid);
      else next.delete(mid);
      return next;
    });
  /** A campaign to the selected municipalities only (the server skips those answered or opted out). */
  const mailSelected = async (kind: 'invitation' | 'reminder') => {
    const ids = [...selected];
    if (!window.confirm(t('mail.selection.confirm', { count: ids.length }))) return;
    setMessage(null);
    try {
      await startCampaign(code, { kind, ids });
      setSelected(new Set());
      setMessage({ kind: 'copied', text: t('mail.selection.started', { count: ids.length }) });
      onCampaign?.();
    } catch (err) {
      setMessage({ kind: 'error', text: errorText(t, err) });
    }
  };
  const [message, setMessage] = useState<{
    kind: 'error' | 'link' | 'copied';
    text: string;
    link?: string;
    name?: string;
  } | null>(null);

  /** Shows the new link and puts it on the clipboard, saying which happened. */
  const offerLink = async (name: string, link: string) => {
    const copied = await copyText(link);
    setMessage(
      copied
        ? { kind: 'copied', text: t('copyLink.copied', { name }), link, name }
        : { kind: 'link', text: t('copyLink.issuedNotCopied', { name }), link, name },
    );
  };

  const regionName = useMemo(() => {
    const names = new Map((board?.regions ?? []).map((r) => [r.code, pick(r.names, lng)]));
    return (c: string) => names.get(c) ?? c;
  }, [board, lng]);

  const rows = useMemo(() => {
    if (!board) return [];
    const q = search.trim().toLocaleLowerCase();
    const value = (i: Invitation): string | number => {
      switch (sort.key) {
        case 'name':
          return i.municipality.name;
        case 'region':
          return `${regionName(i.municipality.regionCode)}\u0000${i.municipality.name}`;
        case 'status':
          return STATUS_ORDER.indexOf(i.status);
        case 'lastActivity':
          return i.lastActivityAt ? Date.parse(i.lastActivityAt) : 0;
      }
    };
    return board.invitations
      .filter(
        (i) =>
          (!q || i.municipality.name.toLocaleLowerCase().includes(q)) &&
          (!region || i.municipality.regionCode === region) &&
          (!status || i.status === status),
      )
      .sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), lng);
        return c * sort.dir;
      });
  }, [board, search, region, status, sort, regionName, lng]);

  const act = async (i: Invitation, what: 'revoke' | 'reissue' | 'copy') => {
    const name = i.municipality.name;
    // A first link replaces nothing, so it needs no confirmation.
    if (what !== 'copy') {
      const question =
        what === 'revoke' ? t('admin.board.confirmRevoke', { name }) : t('admin.board.confirmReissue', { name });
      if (!window.confirm(question)) return;
    }
    setBusy(i.id);
    setMessage(null);
    try {
      if (what === 'revoke') await revokeInvitation(code, i.id);
      else {
        const { link } = await reissueInvitation(code, i.id);
        await offerLink(name, link);
      }
      refresh();
    } catch (err) {
      setMessage({ kind: 'error', text: errorText(t, err) });
    } finally {
      setBusy(null);
    }
  };

  /** A row's button: copy the link (issuing the first), revoke it, or issue a new one. */
  const actionButton = (i: Invitation, what: 'copy' | 'revoke' | 'reissue') => {
    const name = i.municipality.name;
    const [label, text] =
      what === 'copy'
        ? [t('copyLink.copyLabel', { name }), t('copyLink.copy')]
        : what === 'revoke'
          ? [t('admin.board.revokeLabel', { name }), t('admin.board.revoke')]
          : [t('admin.board.reissueLabel', { name }), t('admin.board.reissue')];
    return (
      <SmallButton
        secondary={what !== 'copy'}
        disabled={busy === i.id}
        aria-label={label}
        onClick={() => void act(i, what)}
      >
        {text}
      </SmallButton>
    );
  };

  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
        <button
          type="button"
          className="sort-button"
          onClick={() => setSort({ key, dir: active ? (-sort.dir as 1 | -1) : 1 })}
        >
          {label}
          <span aria-hidden="true" className="sort-button__mark">
            {active ? (sort.dir === 1 ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <section className="admin-section" aria-labelledby={`${id}-h`} data-testid="board">
      <div className="section-head">
        <h2 id={`${id}-h`}>{t('admin.board.title')}</h2>
        <SmallButton secondary onClick={refresh}>
          {t('admin.board.refresh')}
        </SmallButton>
      </div>
      {board && (
        <p className="muted small" aria-live="off">
          {t('admin.board.updated', { time: new Date(board.generatedAt).toLocaleTimeString(lng) })}
        </p>
      )}
      {error !== null && <ErrorNotice error={error} onRetry={refresh} />}
      {!board && error === null && <Loading label={t('admin.loading')} />}
      {board && board.invitations.length === 0 && <p>{t('admin.board.empty')}</p>}
      {board && board.invitations.length > 0 && (
        <>
          <div className="table-scroll" tabIndex={0} role="region" aria-label={t('admin.board.regionsCaption')}>
            <table className="data-table" data-testid="board-regions">
              <caption className="visually-hidden">{t('admin.board.regionsCaption')}</caption>
              <TableHead
                columns={[
                  t('admin.board.region'),
                  ...COUNTS.map((c) => ({ label: t(`admin.board.${c}`), num: true as const })),
                  { label: t('admin.board.rate'), num: true },
                  ...MAIL_COUNTS.map((c) => ({
                    label: t(`mail.board.${c === 'mailFailed' ? 'failed' : c}`),
                    num: true as const,
                  })),
                ]}
              />
              <tbody>
                {board.regions.map((r) => (
                  <tr key={r.code} data-region={r.code}>
                    <th scope="row">{pick(r.names, lng)}</th>
                    {COUNTS.map((c) => (
                      <td key={c} className="num" data-col={c}>
                        {r[c]}
                      </td>
                    ))}
                    <td className="num">
                      <Meter
                        share={r.invited ? r.completed / r.invited : 0}
                        label={formatShare(r.invited ? r.completed / r.invited : 0, lng)}
                      />
                    </td>
                    {MAIL_COUNTS.map((c) => (
                      <td key={c} className="num" data-col={c}>
                        {r[c]}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('admin.board.total')}</th>
                  {COUNTS.map((c) => (
                    <td key={c} className="num">
                      {board.totals[c]}
                    </td>
                  ))}
                  <td className="num">
                    {formatShare(board.totals.invited ? board.totals.completed / board.totals.invited : 0, lng)}
                  </td>
                  {MAIL_COUNTS.map((c) => (
                    <td key={c} className="num">
                      {board.totals[c]}
                    </td>
                  ))}
                </tr>
              </tfoot>
            </table>
          </div>

          <p className="form-actions">
            <a className="button button--small button--secondary" href={boardExportUrl(code, 'csv', lng)} download>
              {t('mail.board.exportCsv')}
            </a>
            <a className="button button--small button--secondary" href={boardExportUrl(code, 'xlsx', lng)} download>
              {t('mail.board.exportXlsx')}
            </a>
          </p>
          <h3>{t('admin.board.municipalities')}</h3>
          <div className="filters" role="search">
            <TextField {...filters.bind('search')} label={t('admin.board.search')} type="search" />
            <SelectField {...filters.bind('region')} label={t('admin.board.filterRegion')} empty={t('admin.board.all')}>
              {board.regions.map((r) => option(r.code, pick(r.names, lng)))}
            </SelectField>
            <SelectField {...filters.bind('status')} label={t('admin.board.filterStatus')} empty={t('admin.board.all')}>
              {STATUS_ORDER.map((s) => option(s, t(`admin.board.status.${s}`)))}
            </SelectField>
          </div>
          <div role="status" data-testid="board-message">
            {message && (
              <div
                className={`notice ${message.kind === 'error' ? 'notice--error' : message.kind === 'copied' ? 'notice--success' : 'notice--info'}`}
              >
                <p>{message.text}</p>
                {message.link && (
                  <div className="link-copy">
                    <input
                      className="link-output"
                      readOnly
                      value={message.link}
                      aria-label={t('copyLink.linkLabel', { name: message.name ?? '' })}
                      data-testid="issued-link"
                      onFocus={(e) => e.target.select()}
                    />
                    <SmallButton
                      secondary
                      aria-label={t('copyLink.copyAgainLabel', { name: message.name ?? '' })}
                      onClick={() => void offerLink(message.name ?? '', message.link ?? '')}
                    >
                      {t('copyLink.copyAgain')}
                    </SmallButton>
                  </div>
                )}
              </div>
            )}
          </div>
          <p className="muted small" aria-live="polite">
            {t('admin.board.shown', { shown: rows.length, total: board.invitations.length })}
          </p>
          {selected.size > 0 && (
            <div className="form-actions" data-testid="board-selection">
              <span>{t('mail.selection.count', { count: selected.size })}</span>
              <SmallButton onClick={() => void mailSelected('invitation')}>
                {t('mail.selection.invitation')}
              </SmallButton>
              <SmallButton onClick={() => void mailSelected('reminder')}>{t('mail.selection.reminder')}</SmallButton>
              <SmallButton secondary onClick={() => setSelected(new Set())}>
                {t('mail.selection.clear')}
              </SmallButton>
            </div>
          )}
          {/* Focusable, so a keyboard can scroll the wide table sideways on a phone. */}
          <div className="table-scroll" tabIndex={0} role="region" aria-label={t('admin.board.municipalitiesCaption')}>
            <table className="data-table" data-testid="board-municipalities">
              <caption className="visually-hidden">{t('admin.board.municipalitiesCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">{t('mail.selection.column')}</span>
                  </th>
                  {header('name', t('admin.board.municipality'))}
                  {header('region', t('admin.board.region'))}
                  {header('status', t('admin.board.statusCol'))}
                  {header('lastActivity', t('admin.board.lastActivity'))}
                  <th scope="col">{t('mail.board.mail')}</th>
                  <th scope="col">{t('admin.board.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((i) => (
                  <tr key={i.id} data-municipality={i.id}>
                    <td>
                      <input
                        type="checkbox"
                        checked={selected.has(i.id)}
                        aria-label={t('mail.selection.select', { name: i.municipality.name })}
                        onChange={(e) => toggle(i.id, e.target.checked)}
                      />
                    </td>
                    <td>
                      {i.municipality.name}
                      <div className="muted small">{i.email}</div>
                    </td>
                    <td>{regionName(i.municipality.regionCode)}</td>
                    <td>
                      <span className={`badge badge--${i.status}`}>{t(`admin.board.status.${i.status}`)}</span>
                    </td>
                    <td>{i.lastActivityAt ? formatDateTime(i.lastActivityAt, lng) : t('admin.none')}</td>
                    <td data-col="mail">
                      <MailCell i={i} />
                    </td>
                    <td className="actions">
                      {i.status !== 'completed' && (
                        <>
                          {!i.linkIssuedAt && i.status !== 'revoked' && actionButton(i, 'copy')}
                          {i.status !== 'revoked' && actionButton(i, 'revoke')}
                          {/* Without a link yet, "Copy link" issues the first one; "New link" replaces one. */}
                          {(i.linkIssuedAt || i.status === 'revoked') && actionButton(i, 'reissue')}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rows.length === 0 && <p>{t('admin.board.noMatch')}</p>}
        </>
      )}
    </section>
  );
}

/** Invited at, reminders, the last mail's outcome (the reason of a failure), the opt-out. */
function MailCell({ i }: { i: Invitation }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  if (!i.invitedAt && !i.lastMail && !i.optedOutAt) return <span className="muted">{t('mail.board.notMailed')}</span>;
  return (
    <div className="small mail-cell">
      {i.invitedAt && (
        <div title={formatDateTime(i.invitedAt, lng)}>
          {t('mail.board.invitedAt', { at: formatDate(i.invitedAt, lng) })}
        </div>
      )}
      {i.remindersSent > 0 && <div>{t('mail.board.remindersSent', { count: i.remindersSent })}</div>}
      {i.lastMail && (
        <div title={formatDateTime(i.lastMail.at, lng)}>
          <span className={`badge badge--mail-${i.lastMail.status}`} data-testid="last-mail-status">
            {t(`mail.board.status.${i.lastMail.status}`)}
          </span>{' '}
          <span className="muted">{t(`mail.board.lastKind.${i.lastMail.kind}`)}</span>
          {i.lastMail.error && <div className="muted">{i.lastMail.error}</div>}
        </div>
      )}
      {i.optedOutAt && (
        <div>
          <span className="badge badge--revoked" data-testid="opted-out">
            {t('mail.board.optedOutAt', { at: formatDate(i.optedOutAt, lng) })}
          </span>
        </div>
      )}
    </div>
  );
}

function Meter({ share, label }: { share: number; label: string }) {
  return (
    <span className="meter">
      <span className="meter__bar" aria-hidden="true">
        <span className="meter__fill" style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
      <span className="meter__label">{label}</span>
    </span>
  );
}
