// Settings every test process runs with. Shopify is only ever the emulator in tests.
const defaults: Record<string, string> = {
  NODE_ENV: "test",
  SHOPIFY_API_KEY: "test-api-key",
  SHOPIFY_API_SECRET: "test-api-secret",
  SHOPIFY_APP_URL: "http://127.0.0.1:3999",
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/loyalty_test",
  REDIS_URL: "redis://127.0.0.1:6379/1",
  LOG_LEVEL: "silent",
};
for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;
