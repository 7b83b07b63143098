import postgres from "postgres";
import { afterAll, beforeEach } from "vitest";
import { registerConsumers } from "../../app/boot.server";
import { checkCompiledQueries } from "../../app/db/compile.server";
import { testClock } from "../../app/utils/clock.server";

const g = globalThis as { __atriumWorkerDb?: boolean };

// every raw statement the suite runs on PostgreSQL is compiled twice, ours and drizzle's, and must match
checkCompiledQueries(true);

if (!g.__atriumWorkerDb) {
  g.__atriumWorkerDb = true;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const base = new URL(url);
    const template = `${base.pathname.slice(1) || "atrium"}_template`;
    const name = `${template.replace(/_template$/, "")}_w${process.env.VITEST_POOL_ID ?? "1"}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}" template "${template}"`);
    await admin.end();
    base.pathname = `/${name}`;
    process.env.DATABASE_URL = base.toString();
  } else {
    delete process.env.DATABASE_URL;
    process.env.ATRIUM_PGLITE_MEMORY = "1";
  }
  // No test starts an embedded Meilisearch by accident (the search consumer would):
  // search tests bring their own server (tests/support/meili.ts) and restore this.
  process.env.MEILI_URL ??= "http://127.0.0.1:1";
  // one data folder per worker: an embedded Meilisearch admits one server per folder
  process.env.ATRIUM_DATA_DIR ??= `./data/test/w${process.env.VITEST_POOL_ID ?? "1"}`;
  // the same wiring as the server: every production outbox consumer
  registerConsumers();
}

beforeEach(() => {
  testClock.reset();
});

afterAll(() => {
  testClock.reset();
});
