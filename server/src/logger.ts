import pino from 'pino';
import { config, ConfigError } from './config';

/** The first reader of the configuration: a bad environment stops the app here with its message, no stack. */
function level(): string {
  try {
    return config().logLevel;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

/** Structured logs. Log ids and counts; never answers, tokens or whole documents. */
export const logger = pino({
  level: level(),
  base: undefined,
  redact: ['req.headers.cookie', 'req.headers.authorization'],
});
