import pino from 'pino';
import { config } from './config';

/** Structured logs. Log ids and counts; never answers, tokens or whole documents. */
export const logger = pino({
  level: config().logLevel,
  base: undefined,
  redact: ['req.headers.cookie', 'req.headers.authorization'],
});
