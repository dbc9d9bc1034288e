import { z } from 'zod';
import { ROLES } from './roles';

export const Email = z.email({ message: 'a valid e-mail address' }).max(200);
export const Password = z.string().min(10, 'at least 10 characters').max(200);
export const Role = z.enum(ROLES);

export const LoginBody = z.object({ email: z.string().min(1).max(200), password: z.string().min(1).max(200) }).strict();
export const ChangePasswordBody = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: Password })
  .strict();
export const CreateUserBody = z
  .object({
    email: Email,
    password: Password,
    roles: z.array(Role).min(1).max(3),
    name: z.string().max(200).optional(),
  })
  .strict();
export const UpdateUserBody = z
  .object({
    roles: z.array(Role).min(1).max(3).optional(),
    disabled: z.boolean().optional(),
    name: z.string().max(200).optional(),
  })
  .strict();
export const ResetPasswordBody = z.object({ newPassword: Password }).strict();
export const UserParams = z.object({ email: z.string().min(3).max(200) }).strict();

export const UserOut = z.object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(Role) });
export const SessionOut = z.object({ user: UserOut, csrfToken: z.string(), expiresAt: z.string() });
export const SessionsOut = z.object({
  items: z.array(z.object({ current: z.boolean(), createdAt: z.string(), expiresAt: z.string() })),
});
export const RevokeOthersOut = z.object({ ended: z.number().int() });
