import { Schema, model } from 'mongoose';

// The kept cube (analytics/cube.service.ts): one document per wave × cell, a cell being one
// occurring combination of region × municipality type × size class × respondent role × completion
// status. `_id` = `<wave>|<region>|<type>|<size>|<role>|<status>` (parts URI-encoded).
//   n        respondents in the cell
//   c        choice counts, same keys as the counters: `<variable>=<value>` and `<variable>#` (answered)
//   x        numbers per variable (escaped name): { n, s (sum), q (sum of squares),
//            d: value → count (`i<int>` exact, `p<k>`/`m<k>` log-scale bins, see cube.service.ts) }
//   lo, hi   per variable: the smallest and largest number given
//   m        municipalities that answered through the public link (no invitation), for the region
//            page: `k<escaped name>` → { n: respondents, t: latest answer time in ms }
//   recent   ids of responses applied recently: the exactly-once guard, as on the counters
const cubeCellSchema = new Schema(
  {
    _id: { type: String, required: true },
    wave: { type: String, required: true },
    region: { type: String, default: '' },
    municipalityType: { type: String, default: '' },
    sizeClass: { type: String, default: '' },
    respondentRole: { type: String, default: '' },
    status: { type: String, default: 'complete' },
    n: { type: Number, required: true },
    c: { type: Schema.Types.Mixed, default: {} },
    x: { type: Schema.Types.Mixed, default: {} },
    lo: { type: Schema.Types.Mixed, default: {} },
    hi: { type: Schema.Types.Mixed, default: {} },
    m: { type: Schema.Types.Mixed, default: {} },
    recent: { type: [String], default: [] },
  },
  { versionKey: false, minimize: false },
);
cubeCellSchema.index({ wave: 1 });
export const CubeCellModel = model('CubeCell', cubeCellSchema, 'cubecells');

// One small document per wave: `v` maps each cell id (escaped) to a version bumped after every
// change of that cell, so a reader holding the cube in memory re-reads only the cells that
// changed (each by `_id`) instead of the whole wave's cube. `g` is bumped with every change (in
// the same update) and `e` is set once when the document is made: a reader that holds the cube at
// the same (e, g) reads nothing else.
const cubeStampSchema = new Schema(
  {
    _id: { type: String, required: true },
    v: { type: Schema.Types.Mixed, default: {} },
    g: { type: Number },
    e: { type: String },
    /** the cells' format (cube.service CUBE_FORMAT) */
    f: { type: Number },
  },
  { versionKey: false, minimize: false },
);
export const CubeStampModel = model('CubeStamp', cubeStampSchema, 'cubestamps');
