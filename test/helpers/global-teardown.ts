import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__LSG_STORE__;
  await state?.store?.stop();
  if (state?.dataDir) fs.rmSync(state.dataDir, { recursive: true, force: true });
}
