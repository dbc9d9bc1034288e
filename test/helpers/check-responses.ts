// Loaded after the test framework in the integration and e2e projects (jest.config.js,
// setupFilesAfterEnv): every response a test receives through supertest — request(app),
// request.agent(app), agentAs(...) — is checked against the API document of the app that sent it
// (openapi-check.ts). A mismatch fails the request as a failed expectation does, naming the
// operation and each difference. Requests by URL (a server from startServer) are checked against
// that server's document; requests the document does not describe (static files, the document
// itself, unknown paths) are not checked.
import type { Server } from 'node:http';
import supertest from 'supertest';
import { checkResponse, documentFor, mismatchError, type OpenApiDocument } from './openapi-check';

type Res = { status: number; text?: string; body?: unknown; headers: Record<string, string | undefined> };
type Callback = (err: Error | null, res?: Res) => void;
type CheckedTest = {
  app: Server | string;
  method: string;
  url: string;
  assert(resError: Error | null, res: Res | undefined, fn?: Callback): void;
};

function documentOf(target: Server | string, url: string): OpenApiDocument | undefined {
  if (typeof target === 'string') return documentFor(url);
  const listener = target.listeners('request')[0] as { locals?: { openapi?: OpenApiDocument } } | undefined;
  return listener?.locals?.openapi;
}

const MARK = Symbol.for('lsg.responseCheck');
const proto = supertest.Test.prototype as unknown as CheckedTest & { [MARK]?: true };
if (!proto[MARK]) {
  const original = proto.assert;
  proto.assert = function (this: CheckedTest, resError, res, fn) {
    const doc = res ? documentOf(this.app, this.url) : undefined;
    if (!res || !doc) return original.call(this, resError, res, fn);
    // A body buffered by a test's own parser (a download) has no text: its bytes stand in.
    const text = res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : undefined);
    const result = checkResponse(doc, {
      method: this.method,
      url: this.url,
      status: res.status,
      contentType: res.headers['content-type'],
      text,
    });
    const mismatch = mismatchError(result, res.text);
    if (!mismatch) return original.call(this, resError, res, fn);
    return original.call(this, resError, res, (err, r) => fn?.call(this, err ?? mismatch, r));
  };
  proto[MARK] = true;
}
