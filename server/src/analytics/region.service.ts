// A region's page: its obstacles against the share in its country and overall, and its
// municipalities: those invited (with the invitation's status: not started, started, completed,
// revoked) and those that answered through the public link (responded, from the kept cube).
import { NotFoundError } from '../http/errors';
import { InvitationModel } from '../invitations/invitation.model';
import { findRegion, sizeClasses, type Localized } from '../reference/reference.service';
import { waveCatalogue } from './catalogue';
import { compareProportions } from './stats';
import { countryName, obstacleTally, type Cell, type KRequest } from './tally.service';
import { disclosureLegend, SMALL_BASE } from './disclosure';
import { DIMENSIONS, type Filters } from './filters';
import { passes, readCubeView, remember } from './cube.service';

export type RegionObstacle = {
  code: string;
  labels: Localized;
  region: Cell;
  country: Cell;
  overall: Cell;
  /**
   * Region against the rest of its own country (the baseline): difference in percentage points and
   * its test — Fisher's exact test when an expected count is below 5, else the two-proportion z-test.
   */
  diffPp: number | null;
  p: number | null;
  test: 'fisher' | 'z' | null;
  /** The region's or the baseline's base is below the small-base threshold. */
  smallBase: boolean;
};

export type MunicipalityStatus = 'not_started' | 'started' | 'completed' | 'revoked' | 'responded';
export type Municipality = {
  name: string;
  type: string;
  sizeClass: string;
  /** An invitation's status, or `responded` for an answer through the public link. */
  status: MunicipalityStatus;
  respondedAt: string | null;
  /** Responses through the public link from this municipality (its latest is `respondedAt`). */
  responses?: number;
};

export type RegionProfile = {
  wave: { code: string; title: Localized };
  region: { code: string; names: Localized; country: string };
  respondents: { region: number; country: number; overall: number };
  /** What the region is compared with: the other regions of its own country. */
  baseline: { kind: 'rest-of-country'; country: string; names: Localized; respondents: number };
  base: { filters: Localized; text: Localized };
  obstacles: RegionObstacle[];
  /** One page of the region's municipalities (all of them when no page was asked for: exports). */
  municipalities: Municipality[];
  /** Which page that is: 1-based page, page size, and how many municipalities there are in all. */
  municipalitiesPage: { page: number; pageSize: number; total: number };
  municipalitiesSource: 'invitations+responses';
  minCell: number;
  minimumK: number;
  protected: boolean;
  legend: Localized;
  smallBase: number;
};

/** The municipality list's default page size on the region page. */
export const MUNICIPALITIES_PAGE_SIZE = 50;

export async function regionProfile(
  waveCode: string,
  regionCode: string,
  filters: Filters,
  kReq: KRequest = {},
  /** One page of the municipality list (1-based); absent: the whole list (exports). */
  paging?: { page: number; pageSize: number },
): Promise<RegionProfile> {
  const region = findRegion(regionCode);
  if (!region) throw new NotFoundError('region', regionCode);
  // The cells come from the heat map's table, suppressed together with the country subtotals.
  const tally = await obstacleTally(waveCode, filters, kReq);
  const mine = tally.regions.find((r) => r.code === regionCode);
  const country = tally.countries.find((c) => c.code === region.country);
  const countryN = country?.respondents ?? 0;
  const overallN = tally.total.respondents;
  const regionN = mine?.respondents ?? 0;
  // Shares are of those who answered the question: so are the bases of the test.
  const regionA = mine?.answered ?? 0;
  const restN = (country?.answered ?? 0) - regionA;
  const empty: Cell = { count: 0, share: 0, low: 0, high: 0 };
  const obstacles = tally.obstacles.map((o): RegionObstacle => {
    const own = mine?.counts[o.code] ?? empty;
    const home = country?.counts[o.code] ?? empty;
    // The rest of the country is the country minus the region: known only when both are shown.
    const known = own.count !== null && home.count !== null && regionA > 0 && restN > 0;
    const restX = known ? home.count! - own.count! : 0;
    const test = known ? compareProportions(restX, restN, own.count!, regionA) : undefined;
    return {
      code: o.code,
      labels: o.labels,
      region: own,
      country: home,
      overall: tally.total.counts[o.code] ?? empty,
      diffPp: known ? (own.share! - restX / restN) * 100 : null,
      p: test?.p ?? null,
      test: test?.method ?? null,
      smallBase: regionA < SMALL_BASE || restN < SMALL_BASE,
    };
  });
  const all = await municipalitiesOf(waveCode, regionCode, filters);
  const pageSize = paging?.pageSize ?? Math.max(1, all.length);
  const page = paging?.page ?? 1;
  const municipalities = paging ? all.slice((page - 1) * pageSize, page * pageSize) : all;
  return {
    wave: tally.wave,
    region: { code: region.code, names: region.names, country: region.country },
    respondents: { region: regionN, country: countryN, overall: overallN },
    baseline: {
      kind: 'rest-of-country',
      country: region.country,
      names: countryName(region.country),
      respondents: restN,
    },
    base: { filters: tally.base.filters, text: tally.base.text },
    obstacles,
    municipalities,
    municipalitiesPage: { page, pageSize, total: all.length },
    municipalitiesSource: 'invitations+responses',
    minCell: tally.minCell,
    minimumK: tally.minimumK,
    protected: tally.protected,
    legend: disclosureLegend(tally.minCell),
    smallBase: SMALL_BASE,
  };
}

const sizeClassOf = (population: number | null): string =>
  population === null
    ? ''
    : (sizeClasses.find((c) => population >= c.min && (c.max === null || population <= c.max))?.code ?? '');

type InvitationRow = {
  _id: string;
  municipality: { name: string; regionCode: string; type: string; population: number | null };
  status: 'not_started' | 'started' | 'completed' | 'revoked';
  completedAt: Date | null;
};

const collator = new Intl.Collator('ru');
const byName = (a: Municipality, b: Municipality) => collator.compare(a.name, b.name);

/**
 * The municipalities of a region that answered through the public link, from the kept cube (its
 * municipality documents, cube.model.ts, held in memory with the cells): one row per municipality
 * × type × size class, sorted by name. No read of the responses; the sorted list is kept with the
 * documents it came from (readCubeView's memo).
 */
export async function publicMunicipalities(
  waveCode: string,
  regionCode: string,
  filters: Filters,
): Promise<Municipality[]> {
  const { municipalities, memo } = await readCubeView(waveCode);
  const f: Filters = { ...filters, region: [regionCode] };
  const key = JSON.stringify([
    'municipalities',
    regionCode,
    f.status,
    ...DIMENSIONS.map((d) => (f[d]?.length ? [...new Set(f[d])].sort() : null)),
  ]);
  const known = memo.get(key) as Municipality[] | undefined;
  if (known) return known;
  const rows = new Map<string, { name: string; type: string; sizeClass: string; n: number; t: number }>();
  for (const m of municipalities.get(regionCode) ?? []) {
    if (!passes(m, f)) continue;
    const id = JSON.stringify([m.name, m.municipalityType, m.sizeClass]);
    const row = rows.get(id);
    if (row) {
      row.n += m.n;
      row.t = Math.max(row.t, m.t);
    } else rows.set(id, { name: m.name, type: m.municipalityType, sizeClass: m.sizeClass, n: m.n, t: m.t });
  }
  const out = [...rows.values()]
    .map((r): Municipality => ({
      name: r.name,
      type: r.type,
      sizeClass: r.sizeClass,
      status: 'responded',
      respondedAt: r.t > 0 ? new Date(r.t).toISOString() : null,
      responses: r.n,
    }))
    .sort(byName);
  return remember(memo, key, out);
}

/**
 * The region's invited municipalities with their invitation status, and the municipalities that
 * answered through the public link (from the kept cube, see publicMunicipalities). A response
 * through an invitation is shown by its invitation (in an anonymous wave responses carry no
 * invitation, so there only the invitations are listed, plus public-link responses when nobody
 * was invited). A type filter applies to both; the other respondent filters only to responses
 * (an invitation does not know who will answer).
 */
async function municipalitiesOf(waveCode: string, regionCode: string, filters: Filters): Promise<Municipality[]> {
  const { wave } = await waveCatalogue(waveCode);
  const types = filters.municipalityType;
  const invited = (
    await InvitationModel.find({ waveCode: wave.code }, { municipality: 1, status: 1, completedAt: 1 }).lean<
      InvitationRow[]
    >()
  ).filter((i) => i.municipality.regionCode === regionCode && (!types?.length || types.includes(i.municipality.type)));
  const listed: Municipality[] = invited
    .map((i) => ({
      name: i.municipality.name,
      type: i.municipality.type,
      sizeClass: sizeClassOf(i.municipality.population),
      status: i.status,
      respondedAt: i.completedAt ? i.completedAt.toISOString() : null,
    }))
    .sort(byName);
  // In an anonymous wave with invitations a public answer cannot be told from an invited one.
  const answered = wave.anonymous && invited.length ? [] : await publicMunicipalities(wave.code, regionCode, filters);
  if (!listed.length) return answered;
  // Both sorted: merged in one pass.
  const out: Municipality[] = [];
  let i = 0;
  let j = 0;
  while (i < listed.length || j < answered.length) {
    if (j >= answered.length || (i < listed.length && byName(listed[i], answered[j]) <= 0)) out.push(listed[i++]);
    else out.push(answered[j++]);
  }
  return out;
}
