import { ConfigError, parseConfig } from '../../server/src/config';

describe('EXPORT_RETENTION_HOURS', () => {
  it('defaults to 24 hours', () => {
    expect(parseConfig({}).exportRetentionMs).toBe(24 * 3_600_000);
  });

  it('takes fractions of an hour', () => {
    expect(parseConfig({ EXPORT_RETENTION_HOURS: '0.5' }).exportRetentionMs).toBe(1_800_000);
  });

  it.each(['0', '-1', 'soon'])('when it is %s, then start-up stops naming the variable', (v) => {
    expect(() => parseConfig({ EXPORT_RETENTION_HOURS: v })).toThrow(ConfigError);
    expect(() => parseConfig({ EXPORT_RETENTION_HOURS: v })).toThrow(/EXPORT_RETENTION_HOURS/);
  });
});
