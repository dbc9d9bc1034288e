import { Schema, model } from 'mongoose';
import { keyedSchema, required } from '../db/schema';

// The kept cube (analytics/cube.service.ts): one document per wave × cell, a cell being one
// occurring combination of region × municipality type × size class × respondent role × completion
// status. `_id` = `<wave>|<region>|<type>|<size>|<role>|<status>` (parts URI-encoded).
//   n        respondents in the cell
//   c        choice counts, same keys as the counters: `<variable>=<value>` and `<variable>#` (answered)
//   x        numbers per variable (escaped name): { n, s (sum), q (sum of squares),
//            d: value → count (`i<int>` exact, `p<k>`/`m<k>` log-scale bins, see cube.service.ts) }
//   lo, hi   per variable: the smallest and largest number given
//   recent   ids of responses applied recently: the exactly-once guard, as on the counters
// The municipalities that answered through the public link are not in the cell (a cell with
// thousands of names made every update rewrite a large document): see CubeMunicipalitiesModel.
const cubeCellSchema = keyedSchema(
  {
    wave: required(String),
    region: { type: String, default: '' },
    municipalityType: { type: String, default: '' },
    sizeClass: { type: String, default: '' },
    respondentRole: { type: String, default: '' },
    status: { type: String, default: 'complete' },
    n: required(Number),
    c: { type: Schema.Types.Mixed, default: {} },
    x: { type: Schema.Types.Mixed, default: {} },
    lo: { type: Schema.Types.Mixed, default: {} },
    hi: { type: Schema.Types.Mixed, default: {} },
    recent: { type: [String], default: [] },
  },
  { minimize: false, indexes: [{ wave: 1 }] },
);
export const CubeCellModel = model('CubeCell', cubeCellSchema, 'cubecells');

// The municipalities that answered through the public link, for the region page: per wave ×
// region, MUNI_BUCKETS small documents, a municipality in the one its name hashes to.
// `_id` = `<wave>|<region>|<bucket>` (parts URI-encoded), found by `_id` only.
//   m        `k<escaped [name, type, size, role, status]>` → { n: respondents, t: latest answer ms }
//            (one entry per municipality × cell, so the region page's filters apply as to cells)
//   recent   ids of responses applied recently: the exactly-once guard, as on the cells
// Why buckets and not a document per municipality: the region page would read one document per
// municipality (thousands, each by `_id`, or a scan of the collection on FerretDB); a region's
// buckets are a fixed number of `_id` reads, held in memory with the cells and refreshed by
// version like them. Why not per cell: a region page sums every cell of the region.
const cubeMunicipalitiesSchema = keyedSchema(
  {
    wave: required(String),
    region: { type: String, default: '' },
    m: { type: Schema.Types.Mixed, default: {} },
    recent: { type: [String], default: [] },
  },
  { minimize: false, indexes: [{ wave: 1 }] },
);
export const CubeMunicipalitiesModel = model('CubeMunicipalities', cubeMunicipalitiesSchema, 'cubemunis');

// Which kept documents (cells and municipality buckets) changed, in three bounded levels, so a
// reader holding the cube in memory re-reads only what changed, each by `_id`:
//   - the stamp (one per wave, a few bytes): `e` set once when it is made, `g` bumped with every
//     change, `b.<k>` bumped with every change of a document whose region hashes to version
//     group k (VERSION_GROUPS of them, so the stamp never grows with the cells), `f` the format;
//   - the version document of group k (`<wave>|<k>`): `v.<escaped id>` = a version per document
//     of the regions of that group (a region's cells and municipality buckets: a few hundred at
//     most), bumped after each change of that document;
//   - the documents themselves.
// A reader holding the cube at the same (e, g) reads nothing else; otherwise it reads the version
// documents of the groups whose `b` moved and then the documents whose version moved.
const cubeStampSchema = keyedSchema(
  {
    g: { type: Number },
    e: { type: String },
    b: { type: Schema.Types.Mixed, default: {} },
    /** the cells' format (cube.service CUBE_FORMAT) */
    f: { type: Number },
  },
  { minimize: false },
);
export const CubeStampModel = model('CubeStamp', cubeStampSchema, 'cubestamps');

const cubeVersionsSchema = keyedSchema(
  {
    wave: required(String),
    v: { type: Schema.Types.Mixed, default: {} },
  },
  { minimize: false },
);
export const CubeVersionsModel = model('CubeVersions', cubeVersionsSchema, 'cubeversions');
