// Accounts and sessions. Sessions live in the database so any number of app instances can
// serve them; every write is a single-document write.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { UserModel } from './user.model';
import { SessionModel } from './session.model';
import { ROLES, type AuthUser, type Role } from './roles';
import { config } from '../config';

const hash = (password: string) => bcrypt.hash(password, config().bcryptCost);

export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const MAX_FAILED = 5;
const LOCK_BASE_MS = 60_000;

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

export class LockedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(
      429,
      'Too Many Requests',
      'account_locked',
      `Too many failed logins. Try again in ${retryAfterSeconds} s.`,
      undefined,
      { retryAfter: retryAfterSeconds },
    );
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
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
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

export async function createUser(input: {
  email: string;
  password: string;
  roles: Role[];
  name?: string;
}): Promise<AuthUser> {
  const email = normaliseEmail(input.email);
  const now = new Date();
  const res = await UserModel.updateOne(
    { _id: email },
    {
      $setOnInsert: {
        name: input.name ?? '',
        roles: input.roles,
        passwordHash: await hash(input.password),
        disabled: false,
        failedLogins: 0,
        lockedUntil: null,
        createdAt: now,
        passwordChangedAt: now,
      },
    },
    { upsert: true },
  );
  if (res.upsertedCount !== 1)
    throw new ConflictError('user_exists', `A user with the e-mail ${email} already exists.`);
  return { id: email, email, name: input.name ?? '', roles: input.roles };
}

/** Creates the user, or resets the password and roles of an existing one (used by create-admin). */
export async function upsertUser(input: {
  email: string;
  password: string;
  roles: Role[];
  name?: string;
}): Promise<{ user: AuthUser; created: boolean }> {
  try {
    return { user: await createUser(input), created: true };
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const email = normaliseEmail(input.email);
    await UserModel.updateOne(
      { _id: email },
      {
        $set: {
          passwordHash: await hash(input.password),
          roles: input.roles,
          disabled: false,
          failedLogins: 0,
          lockedUntil: null,
          passwordChangedAt: new Date(),
        },
      },
    );
    await SessionModel.deleteMany({ userId: email });
    return { user: { id: email, email, name: input.name ?? '', roles: input.roles }, created: false };
  }
}

export async function countUsers(): Promise<number> {
  return UserModel.countDocuments({});
}

export type Session = { token: string; csrfToken: string; user: AuthUser; expiresAt: Date };

export async function login(emailInput: string, password: string, now = new Date()): Promise<Session> {
  const email = normaliseEmail(emailInput);
  const user = await UserModel.findById(email).lean<UserDoc>();
  if (user?.lockedUntil && user.lockedUntil > now) {
    throw new LockedError(Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000));
  }
  const ok = await bcrypt.compare(password, user?.passwordHash ?? (await dummy()));
  if (!user || !ok || user.disabled) {
    if (user) {
      // Exponential back-off: lock for 1, 2, 4... minutes once MAX_FAILED attempts fail in a row.
      const failed = (user.failedLogins ?? 0) + 1;
      const lockedUntil =
        failed >= MAX_FAILED ? new Date(now.getTime() + LOCK_BASE_MS * 2 ** Math.min(failed - MAX_FAILED, 6)) : null;
      await UserModel.updateOne({ _id: email }, { $inc: { failedLogins: 1 }, $set: { lockedUntil } });
    }
    throw new UnauthorizedError('The e-mail or password is wrong.', 'invalid_credentials');
  }
  if (user.failedLogins || user.lockedUntil)
    await UserModel.updateOne({ _id: email }, { $set: { failedLogins: 0, lockedUntil: null } });
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await SessionModel.create({ _id: sha256(token), userId: email, csrfToken, createdAt: now, expiresAt });
  return { token, csrfToken, user: toUser(user), expiresAt };
}

/** The session behind a cookie value, if it exists, has not expired and its user is active. */
export async function sessionFromToken(token: string, now = new Date()): Promise<Omit<Session, 'token'> | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const s = await SessionModel.findById(sha256(token)).lean<{
    _id: string;
    userId: string;
    csrfToken: string;
    expiresAt: Date;
  }>();
  if (!s || s.expiresAt <= now) return undefined;
  const user = await UserModel.findById(s.userId, { name: 1, roles: 1, disabled: 1 }).lean<UserDoc>();
  if (!user || user.disabled) return undefined;
  return { csrfToken: s.csrfToken, user: toUser(user), expiresAt: s.expiresAt };
}

export async function logout(token: string): Promise<void> {
  await SessionModel.deleteOne({ _id: sha256(token) });
}

export async function sweepExpiredSessions(now = new Date()): Promise<number> {
  const res = await SessionModel.deleteMany({ expiresAt: { $lte: now } });
  return res.deletedCount ?? 0;
}

export async function changePassword(userId: string, current: string, next: string): Promise<void> {
  const user = await UserModel.findById(userId).lean<UserDoc>();
  if (!user) throw new NotFoundError('user', userId);
  if (!(await bcrypt.compare(current, user.passwordHash))) {
    throw new ValidationError('The current password is wrong.', [
      { name: 'currentPassword', reason: 'does not match', code: 'wrong_password' },
    ]);
  }
  await UserModel.updateOne(
    { _id: userId },
    { $set: { passwordHash: await hash(next), passwordChangedAt: new Date() } },
  );
}

/** Admin: set a new password; the user's sessions end. */
export async function resetPassword(userId: string, next: string): Promise<void> {
  const res = await UserModel.updateOne(
    { _id: normaliseEmail(userId) },
    { $set: { passwordHash: await hash(next), passwordChangedAt: new Date(), failedLogins: 0, lockedUntil: null } },
  );
  if (res.matchedCount === 0) throw new NotFoundError('user', userId);
  await SessionModel.deleteMany({ userId: normaliseEmail(userId) });
}

export async function listUsers(): Promise<(AuthUser & { disabled: boolean; createdAt: Date })[]> {
  const docs = await UserModel.find({}, { name: 1, roles: 1, disabled: 1, createdAt: 1 })
    .sort({ _id: 1 })
    .lean<UserDoc[]>();
  return docs.map((d) => ({ ...toUser(d), disabled: Boolean(d.disabled), createdAt: d.createdAt }));
}

export async function updateUser(
  userId: string,
  patch: { roles?: Role[]; disabled?: boolean; name?: string },
): Promise<void> {
  const res = await UserModel.updateOne({ _id: normaliseEmail(userId) }, { $set: patch });
  if (res.matchedCount === 0) throw new NotFoundError('user', userId);
  if (patch.disabled) await SessionModel.deleteMany({ userId: normaliseEmail(userId) });
}
