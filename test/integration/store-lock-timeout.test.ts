// A write the embedded store refused after waiting too long for the write lock (LockTimeout,
// scripts/store/proxy.go) is a transient condition: 503 with Retry-After, like a store that is away.
import mongoose from 'mongoose';
import request from 'supertest';
import { useTestDatabase } from '../helpers/db';
import { throwingApp } from '../helpers/app';

useTestDatabase({ demo: false });

describe('the store lock timeout', () => {
  it('answers 503 store_unavailable with Retry-After', async () => {
    const err = new mongoose.mongo.MongoServerError({
      ok: 0,
      code: 24,
      codeName: 'LockTimeout',
      errmsg: 'store: update waited 10s for the write lock; retry later',
    });
    const res = await request(throwingApp(err)).get('/write');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({ code: 'store_unavailable', status: 503 });
    expect(JSON.stringify(res.body)).not.toMatch(/write lock/);
  });

  it('other server errors stay 500 while the store is connected', async () => {
    expect(mongoose.connection.readyState).toBe(1);
    const err = new mongoose.mongo.MongoServerError({ ok: 0, code: 2, codeName: 'BadValue', errmsg: 'bad' });
    const res = await request(throwingApp(err)).get('/write');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 'internal_error' });
  });
});
