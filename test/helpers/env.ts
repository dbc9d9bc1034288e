// Loaded before every test file: generous rate limits so that tests logging in many users do
// not trip them; the tests of the limits build apps with their own small numbers.
process.env.RATE_LIMIT_LOGIN_PER_15MIN ??= '10000';
process.env.RATE_LIMIT_TOKEN_LOOKUPS_PER_MIN ??= '10000';
process.env.RATE_LIMIT_SUBMISSIONS_PER_MIN ??= '10000';
process.env.RATE_LIMIT_PER_TOKEN_PER_MIN ??= '10000';
