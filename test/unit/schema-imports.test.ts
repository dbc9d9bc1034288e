// Schema modules (server/src/**/*.schema.ts and http/shared-schemas.ts) describe the API; they must
// stay loadable without the services, the database or file parsers, so that nothing but zod and
// other schema or data modules comes with them (no import cycle through a service).
import fs from 'node:fs';
import path from 'node:path';

const src = path.join(__dirname, '..', '..', 'server', 'src');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

/** Module specifiers of the value (not type-only) imports and re-exports of a file. */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) if (!m[1]) out.push(m[2]);
  return out;
}

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')])
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  throw new Error(`${path.relative(src, from)}: cannot resolve ${spec}`);
}

/** Every module a file loads, transitively: local files and packages. */
function closure(entry: string): { local: string[]; packages: string[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of imports(file)) {
      const local = resolve(file, spec);
      if (local) walk(local);
      else packages.add(spec);
    }
  };
  walk(entry);
  seen.delete(entry);
  return { local: [...seen].map((f) => path.relative(src, f)), packages: [...packages] };
}

const schemaModules = files(src)
  .filter((f) => f.endsWith('.schema.ts') || f.endsWith('shared-schemas.ts'))
  .map((f) => path.relative(src, f));

// reference.service.ts is the shipped reference data (JSON read at load, no I/O, no imports).
const DATA_ONLY = new Set(['reference/reference.service.ts']);

describe('schema modules', () => {
  it('are found', () => {
    expect(schemaModules).toEqual(
      expect.arrayContaining(['waves/waves.schema.ts', 'invitations/invitations.schema.ts']),
    );
  });

  it.each(schemaModules)('%s loads no service and no package but zod', (file) => {
    const { local, packages } = closure(path.join(src, file));
    expect(local.filter((f) => /\.(service|model|routes)\.ts$/.test(f) && !DATA_ONLY.has(f))).toEqual([]);
    expect(packages.filter((p) => p !== 'zod')).toEqual([]);
  });

  it('the data module they may use imports nothing but data', () => {
    for (const f of DATA_ONLY) expect(imports(path.join(src, f)).every((s) => s.endsWith('.json'))).toBe(true);
  });
});
