// Runs one export measurement in a fresh process, so its peak memory (maxRSS) is its own:
//   export-child.ts <uri> <db> <wave> raw|csv|xlsx  → prints {"rows":..,"ms":..,"maxRssMb":..}
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';
import { ResponseModel } from '../../server/src/responses/response.model';
import { responsesCsv, responsesXlsx } from '../../server/src/exports/exports.service';

async function main(): Promise<void> {
  const [uri, db, wave, mode] = process.argv.slice(2);
  await connectMongoose(uri, db, false, 600_000); // raw reads of whole waves, measured, not limited
  let bytes = 0;
  let lines = 0;
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
        cb();
      },
    });
  const t0 = process.hrtime.bigint();
  let rows = 0;
  if (mode === 'raw') {
    // The baseline: the same documents read through the same kind of cursor, doing nothing with them.
    const cursor = ResponseModel.find(
      { waveCode: wave, status: 'complete' },
      { answers: 1, regionCode: 1, submittedAt: 1 },
    )
      .sort({ submittedAt: 1, _id: 1 })
      .lean()
      .cursor({ batchSize: 1000 });
    for await (const _r of cursor) rows++;
  } else if (mode === 'csv') {
    await pipeline(await responsesCsv(wave, ';', 'ru'), sink());
    rows = lines - 1;
  } else {
    const out = sink();
    await responsesXlsx(wave, 'ru', out);
    rows = -1;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(`${JSON.stringify({ rows, ms, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
  await mongoose.disconnect();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
