// Refuses JSON bodies that try prototype pollution (`__proto__`, `constructor`, `prototype`
// keys at any depth), carry a query operator as a key (`$gt`, `$where`, ... at any depth: no
// payload of ours has such a key, so none can ever reach a query as an operator) or nest deeper
// than any of our payloads needs, before any handler sees them.
import type { RequestHandler } from 'express';
import { AppError, BadRequestError } from './errors';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_BODY_DEPTH = 32;

function findProblem(
  value: unknown,
  path: string,
  depth: number,
): { name: string; reason: string; code: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_BODY_DEPTH)
    return { name: path || 'body', reason: `nested deeper than ${MAX_BODY_DEPTH} levels`, code: 'too_deep' };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findProblem(value[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : `body.${key}`;
    if (FORBIDDEN.has(key)) return { name: at, reason: 'this key is not allowed', code: 'unsafe_key' };
    if (key.startsWith('$')) return { name: at, reason: 'keys may not start with $', code: 'unsafe_key' };
    const p = findProblem((value as Record<string, unknown>)[key], at, depth + 1);
    if (p) return p;
  }
  return undefined;
}

export const bodyGuard: RequestHandler = (req, _res, next) => {
  const problem = findProblem(req.body, '', 0);
  if (problem) throw new BadRequestError('The request body is not acceptable.', [problem], 'unsafe_body');
  next();
};

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Every API body is JSON: a non-empty body of any other type (text/plain, a form...) gets 415
 * instead of being ignored and reported as a missing field.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is(JSON_TYPES)) {
    throw new AppError(
      415,
      'Unsupported Media Type',
      'unsupported_media_type',
      'The request body must be JSON (Content-Type: application/json).',
    );
  }
  next();
};
