// A region's page: its obstacles against the share in its country and overall, and its
// municipalities: those invited (with the invitation's status: not started, started, completed,
// revoked) and those that answered through the public link (responded).
import { NotFoundError } from '../http/errors';
import { ResponseModel } from '../responses/response.model';
import { InvitationModel } from '../invitations/invitation.model';
import { findRegion, sizeClasses, type Localized } from '../reference/reference.service';
import { waveCatalogue } from './catalogue';
import { compareProportions } from './stats';
import { countryName, obstacleTally, type Cell, type KRequest } from './tally.service';
import { disclosureLegend, SMALL_BASE } from './disclosure';
import { responseQuery, type Filters } from './filters';
import { abortable } from '../db/abortable';

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
};

export type RegionProfile = {
  wave: { code: string; title: Localized };
  region: { code: string; names: Localized; country: string };
  respondents: { region: number; country: number; overall: number };
  /** What the region is compared with: the other regions of its own country. */
  baseline: { kind: 'rest-of-country'; country: string; names: Localized; respondents: number };
  base: { filters: Localized; text: Localized };
  obstacles: RegionObstacle[];
  municipalities: Municipality[];
  municipalitiesSource: 'invitations+responses';
  minCell: number;
  minimumK: number;
  protected: boolean;
  legend: Localized;
  smallBase: number;
};

export async function regionProfile(
  waveCode: string,
  regionCode: string,
  filters: Filters,
  kReq: KRequest = {},
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
  const municipalities = await municipalitiesOf(waveCode, regionCode, filters);
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

/**
 * The region's invited municipalities with their invitation status, and the responses that came
 * through the public link. A response through an invitation is shown by its invitation (in an
 * anonymous wave responses carry no invitation, so there only the invitations are listed, plus
 * public-link responses when nobody was invited). A type filter applies to both; the other
 * respondent filters only to responses (an invitation does not know who will answer).
 */
async function municipalitiesOf(waveCode: string, regionCode: string, filters: Filters): Promise<Municipality[]> {
  const { wave } = await waveCatalogue(waveCode);
  const types = filters.municipalityType;
  const invited = (
    await InvitationModel.find({ waveCode: wave.code }, { municipality: 1, status: 1, completedAt: 1 }).lean<
      InvitationRow[]
    >()
  ).filter((i) => i.municipality.regionCode === regionCode && (!types?.length || types.includes(i.municipality.type)));
  const out: Municipality[] = invited.map((i) => ({
    name: i.municipality.name,
    type: i.municipality.type,
    sizeClass: sizeClassOf(i.municipality.population),
    status: i.status,
    respondedAt: i.completedAt ? i.completedAt.toISOString() : null,
  }));
  const cursor = ResponseModel.find(
    { ...responseQuery(waveCode, { ...filters, region: [regionCode] }) },
    { municipality: 1, municipalityType: 1, sizeClass: 1, submittedAt: 1, invitationId: 1 },
  )
    .lean<{
      municipality: string;
      municipalityType: string;
      sizeClass: string;
      submittedAt: Date;
      invitationId?: string | null;
    }>()
    .cursor({ batchSize: 500 });
  for await (const r of abortable(cursor)) {
    if (r.invitationId) continue; // shown by its invitation
    if (wave.anonymous && invited.length) continue; // cannot tell which invitation it answered
    out.push({
      name: r.municipality,
      type: r.municipalityType,
      sizeClass: r.sizeClass,
      status: 'responded',
      respondedAt: r.submittedAt.toISOString(),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, 'ru'));
}
