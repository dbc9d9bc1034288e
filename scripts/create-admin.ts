// `npm run create-admin -- --email a@b.org --password '...' [--name '...']`: creates the first
// admin, or resets an existing user's password and makes them admin. Non-interactive, so it
// can run from provisioning scripts; works against MONGODB_URI or the embedded store.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { config } from '../server/src/config';
import { openDatabase } from '../server/src/db/connection';
import { upsertUser } from '../server/src/auth/auth.service';
import { Email, Password } from '../server/src/auth/auth.schema';

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
  });
  const parsed = z.object({ email: Email, password: Password, name: z.string().max(200).optional() }).safeParse(values);
  if (!parsed.success) {
    throw new Error(
      `Usage: npm run create-admin -- --email EMAIL --password PASSWORD [--name NAME]\n${parsed.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const db = await openDatabase(config(), (m) => process.stdout.write(`${m}\n`));
  try {
    const { user, created } = await upsertUser(
      { ...parsed.data, roles: ['admin', 'coordinator', 'researcher'] },
      'create-admin',
    );
    process.stdout.write(`${created ? 'Created' : 'Updated'} admin ${user.email} (roles: ${user.roles.join(', ')}).\n`);
  } finally {
    await db.close();
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
