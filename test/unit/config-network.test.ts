// PUBLIC_URL and TRUST_PROXY: checked at start, with a message naming the variable.
import { ConfigError, parseConfig, parsePublicUrl, parseTrustProxy } from '../../server/src/config';

describe('PUBLIC_URL', () => {
  it('is required in production, and the message says what to set', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: required when NODE_ENV=production/);
    expect(parseConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://survey.example.org/' }).publicUrl).toBe(
      'https://survey.example.org',
    );
  });

  it('defaults to http://localhost:<PORT> outside production', () => {
    expect(parseConfig({ NODE_ENV: 'development' }).publicUrl).toBe('http://localhost:3000');
    expect(parseConfig({ NODE_ENV: 'development', PORT: '8081' }).publicUrl).toBe('http://localhost:8081');
    expect(parseConfig({ NODE_ENV: 'test' }).publicUrl).toBe('http://localhost:3000');
  });

  it.each([
    ['https://survey.example.org', 'https://survey.example.org'],
    ['https://survey.example.org/', 'https://survey.example.org'],
    ['https://example.org/barometer/', 'https://example.org/barometer'],
    ['http://10.0.0.5:8080', 'http://10.0.0.5:8080'],
  ])('%s → links start with %s', (raw, expected) => {
    expect(parsePublicUrl(raw)).toBe(expected);
  });

  it.each([
    'survey.example.org',
    'ftp://example.org',
    'https://example.org/?a=1',
    'https://u:p@example.org',
    'nonsense',
  ])('refuses %s with a message naming PUBLIC_URL', (raw) => {
    expect(typeof parsePublicUrl(raw)).toBe('object');
    expect(() => parseConfig({ PUBLIC_URL: raw })).toThrow(/PUBLIC_URL: /);
  });
});

describe('TRUST_PROXY', () => {
  it('defaults to loopback (as before)', () => {
    expect(parseConfig({}).trustProxy).toEqual(['loopback']);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.1, 10.0.0.0/8,uniquelocal', ['10.0.0.1', '10.0.0.0/8', 'uniquelocal']],
    ['::1,fd00::/8', ['::1', 'fd00::/8']],
  ])('%j → %j', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
    expect(parseConfig({ TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it.each(['proxy.example.org', '10.0.0.0/33', '300.1.1.1', '99', 'yes please'])(
    'refuses %j with a message naming TRUST_PROXY',
    (raw) => {
      expect(() => parseConfig({ TRUST_PROXY: raw })).toThrow(/TRUST_PROXY: /);
    },
  );
});
