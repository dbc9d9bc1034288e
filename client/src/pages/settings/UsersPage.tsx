import { useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError, apiErrorMessageKey, type Locale, type Role } from '../../api/api';
import { createUser, listUsers, resetPassword, updateUser, type UserRow } from '../../api/settings';
import { EmailField, FormNotices, InputField, NewPasswordField } from '../../components/Field';
import { RequestTable } from '../../components/RequestList';
import { formatDate } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';

const ROLES: Role[] = ['admin', 'coordinator', 'researcher', 'editor'];

/** The problem a failed form submission gets, with field-level reasons from the server. */
function problemText(err: unknown, t: TFunction): string {
  if (err instanceof ApiError && err.status === 409) return t('settings.users.emailTaken');
  if (err instanceof ApiError && err.invalidParams.length)
    return `${t(apiErrorMessageKey(err))} ${err.invalidParams.map((p) => `${p.name}: ${p.reason}`).join('; ')}`;
  return t(apiErrorMessageKey(err));
}

function RoleBoxes({
  value,
  onChange,
  idPrefix,
  hideLegend = false,
}: {
  value: Role[];
  onChange: (r: Role[]) => void;
  idPrefix: string;
  hideLegend?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="role-boxes">
      <legend className={hideLegend ? 'visually-hidden' : 'field__label'}>{t('settings.users.roles')}</legend>
      {ROLES.map((r) => (
        <label key={r} className="role-boxes__item" htmlFor={`${idPrefix}-${r}`}>
          <input
            id={`${idPrefix}-${r}`}
            type="checkbox"
            checked={value.includes(r)}
            onChange={(e) => onChange(e.target.checked ? [...value, r] : value.filter((x) => x !== r))}
          />
          {t(`settings.role.${r}`)}
        </label>
      ))}
    </fieldset>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>(['researcher']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (!roles.length) return setError(t('settings.users.needRole'));
    if (password.length < 10) return setError(t('settings.passwordTooShort'));
    setBusy(true);
    try {
      await createUser({ email: email.trim(), password, roles, name: name.trim() || undefined });
      setDone(t('settings.users.created', { email: email.trim() }));
      setEmail('');
      setName('');
      setPassword('');
      onCreated();
    } catch (err) {
      setError(problemText(err, t)); // the form keeps what was typed
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card settings-form" onSubmit={onSubmit} noValidate data-testid="new-user-form">
      <h2>{t('settings.users.newTitle')}</h2>
      <FormNotices error={error} done={done} />
      <EmailField label={t('auth.email')} value={email} onValue={setEmail} />
      <InputField label={t('settings.users.name')} type="text" name="name" value={name} onValue={setName} />
      <NewPasswordField
        label={t('settings.users.initialPassword')}
        required
        minLength={10}
        value={password}
        onValue={setPassword}
      />
      <RoleBoxes value={roles} onChange={setRoles} idPrefix="new-role" />
      <button type="submit" className="button button--primary" disabled={busy}>
        {t('settings.users.create')}
      </button>
    </form>
  );
}

function UserLine({ user, onChanged }: { user: UserRow; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language as Locale;
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>, ok: string) {
    setBusy(true);
    setMessage(null);
    try {
      await action();
      setMessage({ kind: 'ok', text: ok });
      onChanged();
    } catch (err) {
      setMessage({ kind: 'error', text: problemText(err, t) });
    } finally {
      setBusy(false);
    }
  }

  const rolesChanged = roles.slice().sort().join() !== user.roles.slice().sort().join();
  return (
    <tr data-testid={`user-${user.email}`}>
      <th scope="row">
        <div>{user.email}</div>
        {user.name && <div className="muted">{user.name}</div>}
        <div className="muted">{t('settings.users.since', { date: formatDate(user.createdAt, lng) })}</div>
      </th>
      <td>
        <RoleBoxes value={roles} onChange={setRoles} idPrefix={`roles-${user.id}`} hideLegend />
        {rolesChanged && (
          <button
            type="button"
            className="button button--small"
            disabled={busy || !roles.length}
            onClick={() => void run(() => updateUser(user.email, { roles }), t('settings.users.saved'))}
          >
            {t('settings.users.saveRoles')}
          </button>
        )}
      </td>
      <td>{user.disabled ? t('settings.users.disabled') : t('settings.users.active')}</td>
      <td className="settings-actions">
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() =>
            void run(
              () => updateUser(user.email, { disabled: !user.disabled }),
              user.disabled ? t('settings.users.enabledNow') : t('settings.users.disabledNow'),
            )
          }
        >
          {user.disabled ? t('settings.users.enable') : t('settings.users.disable')}
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() => {
            const pw = window.prompt(t('settings.users.resetPrompt', { email: user.email }));
            if (pw === null) return;
            if (pw.length < 10) return setMessage({ kind: 'error', text: t('settings.passwordTooShort') });
            void run(() => resetPassword(user.email, pw), t('settings.users.resetDone'));
          }}
        >
          {t('settings.users.reset')}
        </button>
        {message && (
          <p
            className={message.kind === 'error' ? 'form-error' : 'form-ok'}
            role={message.kind === 'error' ? 'alert' : 'status'}
          >
            {message.text}
          </p>
        )}
      </td>
    </tr>
  );
}

export default function UsersPage() {
  const { t } = useTranslation();
  const users = useRequest((signal) => listUsers(signal), 'users');
  return (
    <section className="settings">
      <h1>{t('settings.users.title')}</h1>
      <p className="lead">{t('settings.users.intro')}</p>
      <NewUserForm onCreated={users.reload} />
      <div className="card table-card">
        <h2>{t('settings.users.listTitle')}</h2>
        <RequestTable
          request={users}
          testId="users-table"
          className="results-table settings-table"
          columns={(['user', 'roles', 'status', 'actions'] as const).map((c) => t(`settings.users.${c}`))}
        >
          {(u) => <UserLine key={`${u.id}:${u.roles.join()}:${u.disabled}`} user={u} onChanged={users.reload} />}
        </RequestTable>
      </div>
    </section>
  );
}
