// A region's page: its obstacles against the share in its country and overall, and its
// municipalities. Until invitations record who was asked, the municipalities listed are those
// that responded (with their type, size class and when they answered).
import { NotFoundError } from '../http/errors';
import { ResponseModel } from '../responses/response.model';
import { findRegion, type Localized } from '../reference/reference.service';
import { twoProportionZ } from './stats';
import { makeCell, obstacleTally, type Cell } from './tally.service';
import { responseQuery, type Filters } from './filters';

export type RegionObstacle = {
  code: string;
  labels: Localized;
  region: Cell;
  country: Cell;
  overall: Cell;
  /** Region against the rest of the wave: change in percentage points and a two-proportion z-test. */
  diffPp: number | null;
  p: number | null;
};

export type Municipality = { name: string; type: string; sizeClass: string; status: 'responded'; respondedAt: string };

export type RegionProfile = {
  wave: { code: string; title: Localized };
  region: { code: string; names: Localized; country: string };
  respondents: { region: number; country: number; overall: number };
  base: { filters: Localized; text: Localized };
  obstacles: RegionObstacle[];
  municipalities: Municipality[];
  municipalitiesSource: 'responses';
  minCell: number;
  protected: boolean;
};

export async function regionProfile(
  waveCode: string,
  regionCode: string,
  filters: Filters,
  protect: boolean,
): Promise<RegionProfile> {
  const region = findRegion(regionCode);
  if (!region) throw new NotFoundError('region', regionCode);
  const tally = await obstacleTally(waveCode, filters, false);
  const p = { minCell: tally.minCell, protect };
  const mine = tally.regions.find((r) => r.code === regionCode);
  const sameCountry = tally.regions.filter((r) => findRegion(r.code)?.country === region.country);
  const countryN = sameCountry.reduce((s, r) => s + r.respondents, 0);
  const overallN = tally.total.respondents;
  const regionN = mine?.respondents ?? 0;
  const obstacles = tally.obstacles.map((o): RegionObstacle => {
    const x = mine?.counts[o.code]?.count ?? 0;
    const countryX = sameCountry.reduce((s, r) => s + (r.counts[o.code]?.count ?? 0), 0);
    const overallX = tally.total.counts[o.code]?.count ?? 0;
    const restN = overallN - regionN;
    const test = regionN > 0 && restN > 0 ? twoProportionZ(overallX - x, restN, x, regionN) : undefined;
    const regionCell = makeCell(x, regionN, p);
    return {
      code: o.code,
      labels: o.labels,
      region: regionCell,
      country: makeCell(countryX, countryN, p),
      overall: makeCell(overallX, overallN, p),
      diffPp: regionCell.share !== null && restN > 0 ? (regionCell.share - (overallX - x) / restN) * 100 : null,
      p: regionCell.suppressed ? null : (test?.p ?? null),
    };
  });
  const municipalities: Municipality[] = [];
  const cursor = ResponseModel.find(
    { ...responseQuery(waveCode, { ...filters, region: [regionCode] }) },
    { municipality: 1, municipalityType: 1, sizeClass: 1, submittedAt: 1 },
  )
    .lean<{ municipality: string; municipalityType: string; sizeClass: string; submittedAt: Date }>()
    .cursor({ batchSize: 500 });
  for await (const r of cursor) {
    municipalities.push({
      name: r.municipality,
      type: r.municipalityType,
      sizeClass: r.sizeClass,
      status: 'responded',
      respondedAt: r.submittedAt.toISOString(),
    });
  }
  municipalities.sort((a, b) => a.name.localeCompare(b.name, 'ru'));
  return {
    wave: tally.wave,
    region: { code: region.code, names: region.names, country: region.country },
    respondents: { region: regionN, country: countryN, overall: overallN },
    base: { filters: tally.base.filters, text: tally.base.text },
    obstacles,
    municipalities,
    municipalitiesSource: 'responses',
    minCell: tally.minCell,
    protected: protect,
  };
}
