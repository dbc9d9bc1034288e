// Which page the server sends: the respondent's own entry (respond.html, the light one) at a
// public wave's address and at an invitation link, the staff app (index.html) everywhere else;
// the staff app at the respondent's addresses too when a build has no respond.html. The inline
// script of each page is allowed by its hash in the content security policy, and no other.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { useTestDatabase, storeKind } from '../helpers/db';

useTestDatabase({ demo: false });

const RESPOND_SCRIPT = 'document.documentElement.dataset.page="respond"';
const INDEX_SCRIPT = 'document.documentElement.dataset.page="index"';
const page = (name: string, script: string) =>
  `<!doctype html><title>${name}</title><script>${script}</script><div id="root"></div>`;
const sha = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

function clientDir(withRespondent: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-client-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), page('index', INDEX_SCRIPT));
  if (withRespondent) fs.writeFileSync(path.join(dir, 'respond.html'), page('respond', RESPOND_SCRIPT));
  return dir;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const appWith = (withRespondent: boolean) => {
  const dir = clientDir(withRespondent);
  dirs.push(dir);
  return createApp({ store: { kind: storeKind() }, clientDir: dir });
};

describe('with the respondent entry built', () => {
  const app = appWith(true);

  it.each(['/w/some-wave', '/w/some-wave/', '/i/some-token', '/i/some-token/'])(
    '%s gets respond.html, its inline script allowed by hash',
    async (address) => {
      const res = await request(app).get(address);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<title>respond</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain(sha(RESPOND_SCRIPT));
      expect(csp).toContain(sha(INDEX_SCRIPT));
      expect(csp).toMatch(/script-src 'self' 'sha256-[^;]*;/);
    },
  );

  it.each(['/', '/w/some-wave/results', '/i/some-token/extra', '/admin/waves', '/login', '/no-such-page'])(
    '%s gets the staff app',
    async (address) => {
      const res = await request(app).get(address);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<title>index</title>');
    },
  );
});

describe('with a build that has no respondent entry', () => {
  const app = appWith(false);

  it.each(['/w/some-wave', '/i/some-token'])('%s gets the staff app', async (address) => {
    const res = await request(app).get(address);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>index</title>');
  });
});
