// MongoDB readiness (issue 14, item 4): the connection asks for majority-acknowledged, retryable
// writes, and the errors of a replica set changing its primary (or not confirming a write in
// time) are answered as retryable 503 problem details. The errors are the driver's own classes,
// built as the driver builds them from a server reply; the store is the run's real store.
import mongoose from 'mongoose';
import request from 'supertest';
import { storeFault } from '../../server/src/db/store-errors';
import { useTestDatabase } from '../helpers/db';
import { throwingApp } from '../helpers/app';

useTestDatabase({ demo: false });

const { MongoServerError, MongoNetworkError, MongoWriteConcernError, MongoBulkWriteError } = mongoose.mongo;

const serverError = (code: number, codeName: string, extra: Record<string, unknown> = {}) =>
  new MongoServerError({ ok: 0, code, codeName, errmsg: `${codeName} (internal detail)`, ...extra });

const writeConcernError = (code: number, codeName: string) =>
  new MongoWriteConcernError({
    ok: 1,
    writeConcernError: { code, codeName, errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } },
  });

describe('the connection to the store', () => {
  it('uses w: majority with a wtimeout and retryable writes and reads', () => {
    const opts = mongoose.connection.getClient().options;
    expect(opts.writeConcern).toMatchObject({ w: 'majority' });
    expect(opts.writeConcern?.wtimeoutMS).toBeGreaterThan(0);
    expect(opts.retryWrites).toBe(true);
    expect(opts.retryReads).toBe(true);
  });

  it('the store accepts writes with that write concern (insert, upsert, findOneAndUpdate, bulk)', async () => {
    const c = mongoose.connection.db!.collection<{ _id: string; n?: number }>('readiness');
    await c.insertOne({ _id: 'a' });
    const up = await c.updateOne({ _id: 'b' }, { $setOnInsert: { n: 0 } }, { upsert: true });
    expect(up.upsertedCount).toBe(1);
    const after = await c.findOneAndUpdate({ _id: 'b' }, { $inc: { n: 1 } }, { returnDocument: 'after' });
    expect(after?.n).toBe(1);
    const bulk = await c.insertMany([{ _id: 'c' }, { _id: 'd' }]);
    expect(bulk.insertedCount).toBe(2);
    expect(await c.countDocuments({})).toBe(4);
  });
});

describe('store faults answered as retryable 503', () => {
  it.each([
    [10107, 'NotWritablePrimary'],
    [13435, 'NotPrimaryNoSecondaryOk'],
    [189, 'PrimarySteppedDown'],
    [91, 'ShutdownInProgress'],
    [11602, 'InterruptedDueToReplStateChange'],
  ])('code %i %s: 503 store_failover with Retry-After', async (code, codeName) => {
    const res = await request(throwingApp(serverError(code, codeName))).post('/write');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({ status: 503, code: 'store_failover', retryAfter: 2 });
    expect(JSON.stringify(res.body)).not.toMatch(/internal detail/);
  });

  it('a write the majority did not confirm in time (code 64): 503 store_write_unconfirmed', async () => {
    const err = writeConcernError(64, 'WriteConcernFailed');
    expect(err).toBeInstanceOf(MongoServerError);
    const res = await request(throwingApp(err)).post('/write');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({ code: 'store_write_unconfirmed', retryAfter: 2 });
  });

  it('a bare server error with code 64 is a write concern failure too', async () => {
    const res = await request(throwingApp(serverError(64, 'WriteConcernFailed'))).post('/write');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('store_write_unconfirmed');
  });

  it('a write concern error caused by a step-down counts as failover', async () => {
    const res = await request(throwingApp(writeConcernError(189, 'PrimarySteppedDown'))).post('/write');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('store_failover');
  });

  it('a bulk write with a write concern error (insertMany) is a write concern failure', () => {
    const err = new MongoBulkWriteError(
      {
        message: 'write concern error',
        code: 64,
        writeErrors: [],
        writeConcernError: { code: 64, codeName: 'WriteConcernFailed', errmsg: 'timed out' },
      } as never,
      {
        insertedCount: 1,
        matchedCount: 0,
        modifiedCount: 0,
        deletedCount: 0,
        upsertedCount: 0,
        insertedIds: {},
        upsertedIds: {},
      } as never,
    );
    expect(storeFault(err)).toBe('write_concern');
  });

  it('an error labelled RetryableWriteError (the driver gave up retrying) is retryable', async () => {
    const err = serverError(11000 + 1, 'SomethingElse', { errorLabels: ['RetryableWriteError'] });
    const res = await request(throwingApp(err)).post('/write');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('store_failover');
  });

  it.each([
    ['MongoNetworkError', () => new MongoNetworkError('connection 3 to 10.0.0.2:27017 closed')],
    ['HostUnreachable (6)', () => serverError(6, 'HostUnreachable')],
    ['SocketException (9001)', () => serverError(9001, 'SocketException')],
  ])('%s: 503 store_unavailable with Retry-After', async (_name, make) => {
    expect(mongoose.connection.readyState).toBe(1);
    const res = await request(throwingApp(make())).post('/write');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ code: 'store_unavailable', retryAfter: 5 });
    expect(JSON.stringify(res.body)).not.toMatch(/10\.0\.0\.2/);
  });

  it('a duplicate key or a bad value stays what it is (not retryable)', async () => {
    expect(storeFault(serverError(11000, 'DuplicateKey'))).toBeUndefined();
    const res = await request(throwingApp(serverError(2, 'BadValue'))).post('/write');
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
  });
});
