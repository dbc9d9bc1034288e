// The launcher rebuilds the store binary when any of its Go sources changes, not only main.go.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { storeIsStale, storeSourceHash, storeStampFile } from '../../server/src/db/embedded-store';

describe('store source hash', () => {
  let dir: string;
  let src: string;
  let bin: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    fs.writeFileSync(path.join(src, rel), text);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-store-hash-'));
    src = path.join(dir, 'store');
    bin = path.join(dir, 'bin', 'lsg-store');
    write('go.mod', 'module x\n');
    write('go.sum', '');
    write('main.go', 'package main\n');
    write('proxy.go', 'package main\n// v1\n');
    fs.mkdirSync(path.dirname(bin));
    fs.writeFileSync(bin, 'binary');
    fs.writeFileSync(storeStampFile(bin), storeSourceHash(src));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is fresh right after a build', () => {
    expect(storeIsStale(src, bin)).toBe(false);
  });

  it.each([
    ['an edit to a file other than main.go', () => write('proxy.go', 'package main\n// v2\n')],
    ['a new Go file', () => write('idindex.go', 'package main\n')],
    ['a Go file in a sub-package', () => write('wire/frame.go', 'package wire\n')],
    ['a deleted Go file', () => fs.rmSync(path.join(src, 'proxy.go'))],
    ['a renamed Go file', () => fs.renameSync(path.join(src, 'proxy.go'), path.join(src, 'proxy2.go'))],
    ['go.sum', () => write('go.sum', 'x v1 h1:abc\n')],
    ['go.mod', () => write('go.mod', 'module y\n')],
    ['the FerretDB patch', () => write('ferretdb-patch/lsg_pushdown.go.in', 'package sqlite\n')],
  ])('is stale after %s', (_what, change) => {
    change();
    expect(storeIsStale(src, bin)).toBe(true);
  });

  it('ignores tests and other files, which are not in the binary', () => {
    write('proxy_test.go', 'package main\n');
    write('README.md', 'notes\n');
    expect(storeIsStale(src, bin)).toBe(false);
  });

  it('is stale when the binary or its stamp is missing', () => {
    fs.rmSync(storeStampFile(bin));
    expect(storeIsStale(src, bin)).toBe(true);
    fs.writeFileSync(storeStampFile(bin), storeSourceHash(src));
    fs.rmSync(bin);
    expect(storeIsStale(src, bin)).toBe(true);
  });
});
