// The weight of the respondent's routes, read from the production build's manifest: the gzip
// size of every JS chunk /w/:code and /i/:token load before the questionnaire shows. Cheap (no
// browser); it lives with the e2e tests because it needs the built client, as they do.
import path from 'node:path';
import { ensureClientBuilt } from '../../scripts/lib/client-build';
import {
  kib,
  RESPONDENT_JS_CEILING_KIB,
  RESPONDENT_JS_TARGET_KIB,
  RESPONDENT_ROUTES,
  routeJs,
  type RespondentRoute,
} from '../../scripts/lib/respondent-js';

const ROOT = path.join(__dirname, '..', '..');
let dist: string;

beforeAll(() => {
  dist = ensureClientBuilt(ROOT);
}, 240_000);

describe.each(Object.keys(RESPONDENT_ROUTES) as RespondentRoute[])('%s', (route) => {
  it(`loads at most ${RESPONDENT_JS_CEILING_KIB} KiB of JS (gzip)`, () => {
    const files = routeJs(dist, route);
    const total = kib(files);
    const list = files
      .sort((a, b) => b.gzip - a.gzip)
      .map((f) => `${f.file} ${(f.gzip / 1024).toFixed(1)} KiB`)
      .join(', ');
    if (total > RESPONDENT_JS_CEILING_KIB)
      throw new Error(
        `${route} loads ${total.toFixed(1)} KiB gzip of JS (${list}); allowed ${RESPONDENT_JS_CEILING_KIB}`,
      );
    expect(total).toBeGreaterThan(50); // the manifest walk found the chunks
  });

  it('loads SurveyJS in one chunk and nothing of the staff pages', () => {
    const names = routeJs(dist, route).map((f) => path.basename(f.file));
    expect(names.filter((n) => n.startsWith('survey-'))).toHaveLength(1);
    for (const staff of ['charts', 'DashboardPage', 'WavePage', 'LibraryPage', 'UsersPage', 'en-', 'uk-'])
      expect(names.filter((n) => n.startsWith(staff))).toEqual([]);
  });

  it.todo(`loads at most ${RESPONDENT_JS_TARGET_KIB} KiB of JS (gzip): survey-core alone is ~300 KiB`);
});
