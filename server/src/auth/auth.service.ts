// Accounts and sessions. Sessions live in the database so any number of app instances can
// serve them; every write is a single-document write.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { UserModel } from './user.model';
import { SessionModel } from './session.model';
import { ROLES, type AuthUser, type Role } from './roles';
import { config } from '../config';
import { failed, LoginThrottleModel, reserveAttempt, succeeded } from './login-throttle';
import { audited, beginAudit, prepareAudit, recordEvent, type AuditStep } from '../audit/outbox';

const hash = (password: string) => bcrypt.hash(password, config().bcryptCost);

export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export class UnauthorizedError extends AppError {
  constructor(detail = 'Log in to continue.', code = 'unauthenticated') {
    super(401, 'Unauthorized', code, detail);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = 'Your role does not allow this.') {
    super(403, 'Forbidden', 'forbidden', detail);
  }
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

type UserDoc = {
  _id: string;
  name: string;
  roles: Role[];
  passwordHash: string;
  disabled: boolean;
  createdAt: Date;
  passwordChangedAt?: Date;
};

const toUser = (d: Pick<UserDoc, '_id' | 'name' | 'roles'>): AuthUser => ({
  id: d._id,
  email: d._id,
  name: d.name ?? '',
  roles: (d.roles ?? []).filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
});

// A hash to compare against when the account does not exist, so timing does not reveal it.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hash(randomBytes(16).toString('hex')));

export type NewUser = { email: string; password: string; roles: Role[]; name?: string };

/** The audit record of a change to the user `email` made by `by` (none without `by`). */
async function userAudit(
  action: 'user.create' | 'user.password_reset',
  email: string,
  roles: Role[],
  at: Date,
  by: string | undefined,
): Promise<AuditStep | undefined> {
  return by ? prepareAudit(UserModel, email, { at, actor: by, action, target: email, details: { roles } }) : undefined;
}

/**
 * Creates a user; `by` (the admin, or the create-admin script) is recorded with the change
 * (`user.create`). Without `by` (test fixtures, the demo admin, benchmarks) nothing is recorded.
 */
export async function createUser(input: NewUser, by?: string): Promise<AuthUser> {
  const email = normaliseEmail(input.email);
  const now = new Date();
  const audit = await userAudit('user.create', email, input.roles, now, by);
  const res = await UserModel.updateOne(
    { _id: email },
    {
      $setOnInsert: {
        name: input.name ?? '',
        roles: input.roles,
        passwordHash: await hash(input.password),
        disabled: false,
        createdAt: now,
        passwordChangedAt: now,
        ...(audit ? { auditOutbox: audit.doc } : {}),
      },
    },
    { upsert: true },
  );
  if (res.upsertedCount !== 1) {
    await audit?.cancel();
    throw new ConflictError('user_exists', `A user with the e-mail ${email} already exists.`);
  }
  await audit?.flush();
  return { id: email, email, name: input.name ?? '', roles: input.roles };
}

/**
 * Creates the user, or resets the password and roles of an existing one (used by create-admin,
 * which is `by`: recorded as `user.create` or `user.password_reset` with the change).
 */
export async function upsertUser(input: NewUser, by?: string): Promise<{ user: AuthUser; created: boolean }> {
  try {
    return { user: await createUser(input, by), created: true };
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const email = normaliseEmail(input.email);
    const now = new Date();
    const audit = await userAudit('user.password_reset', email, input.roles, now, by);
    await UserModel.updateOne(
      { _id: email },
      {
        $set: {
          passwordHash: await hash(input.password),
          roles: input.roles,
          disabled: false,
          passwordChangedAt: now,
          ...audit?.set,
        },
      },
    );
    await audit?.flush();
    await SessionModel.deleteMany({ userId: email });
    return { user: { id: email, email, name: input.name ?? '', roles: input.roles }, created: false };
  }
}

export async function countUsers(): Promise<number> {
  return UserModel.countDocuments({});
}

export type Session = { token: string; csrfToken: string; user: AuthUser; expiresAt: Date };

/**
 * Checks the password of a log-in from `address` (the client's address as Express sees it under
 * TRUST_PROXY). Failed attempts are throttled per account and address (login-throttle.ts): a
 * stranger's failures never lock the owner out of their account from another address.
 */
export async function login(emailInput: string, password: string, address: string, now = new Date()): Promise<Session> {
  const email = normaliseEmail(emailInput);
  const attempt = await reserveAttempt(email, address, now);
  const user = await UserModel.findById(email).lean<UserDoc>();
  const ok = await bcrypt.compare(password, user?.passwordHash ?? (await dummy()));
  if (!user || !ok || user.disabled) {
    await failed(attempt, now);
    await recordEvent({ at: now, actor: email, action: 'user.login_failed', target: '', details: {} });
    throw new UnauthorizedError('The e-mail or password is wrong.', 'invalid_credentials');
  }
  await succeeded(attempt);
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  // Announced before the session is made, recorded once it is (a refused insert made nothing).
  const audit = await beginAudit({ at: now, actor: email, action: 'user.login', target: '', details: {} });
  try {
    await SessionModel.create({
      _id: sha256(token),
      userId: email,
      csrfToken,
      createdAt: now,
      expiresAt,
      passwordAt: user.passwordChangedAt ?? null,
    });
  } catch (err) {
    await audit.cancel();
    throw err;
  }
  await audit.commit();
  return { token, csrfToken, user: toUser(user), expiresAt };
}

type SessionDoc = {
  _id: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
  passwordAt?: Date | null;
};

const sameTime = (a: Date | null | undefined, b: Date | null | undefined) =>
  (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * A session outlives no password change: it must have been made under the user's current
 * password (`passwordAt`), so a log-in racing a change (on this instance or another) cannot
 * leave a session behind. Sessions from before this field existed count from their creation.
 */
function madeUnderCurrentPassword(s: SessionDoc, user: Pick<UserDoc, 'passwordChangedAt'>): boolean {
  if (!user.passwordChangedAt) return true;
  if (s.passwordAt) return sameTime(s.passwordAt, user.passwordChangedAt);
  return s.createdAt >= user.passwordChangedAt;
}

/** The session behind a cookie value, if it exists, has not expired and its user is active. */
export async function sessionFromToken(
  token: string,
  now = new Date(),
): Promise<(Omit<Session, 'token'> & { id: string }) | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const s = await SessionModel.findById(sha256(token)).lean<SessionDoc>();
  if (!s || s.expiresAt <= now) return undefined;
  const user = await UserModel.findById(s.userId, {
    name: 1,
    roles: 1,
    disabled: 1,
    passwordChangedAt: 1,
  }).lean<UserDoc>();
  if (!user || user.disabled || !madeUnderCurrentPassword(s, user)) return undefined;
  return { id: s._id, csrfToken: s.csrfToken, user: toUser(user), expiresAt: s.expiresAt };
}

export async function logout(token: string): Promise<void> {
  await SessionModel.deleteOne({ _id: sha256(token) });
}

export async function sweepExpiredSessions(now = new Date()): Promise<number> {
  const res = await SessionModel.deleteMany({ expiresAt: { $lte: now } });
  return res.deletedCount ?? 0;
}

/**
 * Sets a new password and ends every session of the user except `keepSessionId` (the caller's
 * own, when they change their own password).
 */
async function setPassword(
  userId: string,
  next: string,
  keepSessionId: string | undefined,
  audit: AuditStep,
): Promise<boolean> {
  const at = new Date();
  const res = await UserModel.updateOne(
    { _id: userId },
    { $set: { passwordHash: await hash(next), passwordChangedAt: at, ...audit.set } },
  );
  if (res.matchedCount === 0) {
    await audit.cancel();
    return false;
  }
  await audit.flush();
  // The kept session is re-stamped with the new password time; every other one is refused from
  // now on (sessionFromToken) and deleted.
  if (keepSessionId) await SessionModel.updateOne({ _id: keepSessionId, userId }, { $set: { passwordAt: at } });
  await endSessions(userId, keepSessionId);
  return true;
}

async function endSessions(userId: string, keepSessionId: string | undefined): Promise<number> {
  const res = await SessionModel.deleteMany(keepSessionId ? { userId, _id: { $ne: keepSessionId } } : { userId });
  return res.deletedCount ?? 0;
}

/**
 * The user changes their own password; their other sessions end, this one (`sessionId`) stays.
 * Recorded with the change (`user.password_change`).
 */
export async function changePassword(userId: string, current: string, next: string, sessionId?: string): Promise<void> {
  const user = await UserModel.findById(userId).lean<UserDoc>();
  if (!user) throw new NotFoundError('user', userId);
  if (!(await bcrypt.compare(current, user.passwordHash))) {
    throw new ValidationError('The current password is wrong.', [
      { name: 'currentPassword', reason: 'does not match', code: 'wrong_password' },
    ]);
  }
  const audit = await prepareAudit(UserModel, userId, {
    at: new Date(),
    actor: userId,
    action: 'user.password_change',
    target: userId,
    details: {},
  });
  await setPassword(userId, next, sessionId, audit);
}

/**
 * Admin (`by`): set a new password; the user's sessions end (all of them, or all but the admin's
 * own when resetting their own). Recorded with the change (`user.password_reset`).
 */
export async function resetPassword(userId: string, next: string, by: string, keepSessionId?: string): Promise<void> {
  const email = normaliseEmail(userId);
  const audit = await prepareAudit(UserModel, email, {
    at: new Date(),
    actor: by,
    action: 'user.password_reset',
    target: email,
    details: {},
  });
  if (!(await setPassword(email, next, keepSessionId, audit))) throw new NotFoundError('user', userId);
  await LoginThrottleModel.deleteOne({ _id: `acct|${email}` }); // the account-wide delay goes with the old password
}

/** Ends every session of the user but `keepSessionId` (the caller's own); returns how many ended. Recorded. */
export async function endOtherSessions(userId: string, keepSessionId: string): Promise<number> {
  return audited(
    { at: new Date(), actor: userId, action: 'user.sessions_revoked', target: userId, details: {} },
    () => endSessions(userId, keepSessionId),
    (ended) => ({ ended }),
  );
}

/** The user's live sessions (no secrets: when each began and ends, and which one is the caller's). */
export async function listSessions(
  userId: string,
  currentSessionId: string,
  now = new Date(),
): Promise<{ current: boolean; createdAt: Date; expiresAt: Date }[]> {
  const docs = await SessionModel.find({ userId }).lean<SessionDoc[]>();
  return docs
    .filter((d) => d.expiresAt > now)
    .map((d) => ({ current: d._id === currentSessionId, createdAt: d.createdAt, expiresAt: d.expiresAt }))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

export async function listUsers(): Promise<(AuthUser & { disabled: boolean; createdAt: Date })[]> {
  const docs = await UserModel.find({}, { name: 1, roles: 1, disabled: 1, createdAt: 1 })
    .sort({ _id: 1 })
    .lean<UserDoc[]>();
  return docs.map((d) => ({ ...toUser(d), disabled: Boolean(d.disabled), createdAt: d.createdAt }));
}

/**
 * Admin (`by`): change roles, name or disable a user (a disabled user's sessions end). Recorded
 * with the change (`user.update`, the fields given); repeating it changes nothing more.
 */
export async function updateUser(
  userId: string,
  patch: { roles?: Role[]; disabled?: boolean; name?: string },
  by: string,
): Promise<void> {
  const email = normaliseEmail(userId);
  const exists = await UserModel.exists({ _id: email });
  if (!exists) throw new NotFoundError('user', userId);
  const audit = await prepareAudit(UserModel, email, {
    at: new Date(),
    actor: by,
    action: 'user.update',
    target: email,
    details: { ...patch },
  });
  const res = await UserModel.updateOne({ _id: email }, { $set: { ...patch, ...audit.set } });
  if (res.matchedCount === 0) {
    await audit.cancel();
    throw new NotFoundError('user', userId);
  }
  await audit.flush();
  if (patch.disabled) await SessionModel.deleteMany({ userId: email });
}
