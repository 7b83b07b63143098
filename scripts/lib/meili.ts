import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getSearchService, stopSearchService } from "../../search/client";
import { startMeilisearch, type MeilisearchProcess } from "../../search/process";

/**
 * A real Meilisearch for one test file: its own process, data folder and index
 * prefix, used by the app as an external server (MEILI_URL).
 */
export function testMeili() {
  const saved = { url: process.env.MEILI_URL, key: process.env.MEILI_MASTER_KEY, prefix: process.env.MEILI_INDEX_PREFIX };
  const state: { proc: MeilisearchProcess | null; dir: string; port: number } = { proc: null, dir: "", port: 0 };
  return {
    state,
    async start() {
      state.dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-meili-"));
      state.proc = await startMeilisearch({ dataDir: state.dir });
      state.port = Number(new URL(state.proc.url).port);
      process.env.MEILI_URL = state.proc.url;
      process.env.MEILI_MASTER_KEY = state.proc.masterKey;
      process.env.MEILI_INDEX_PREFIX = `t${Math.random().toString(36).slice(2, 8)}`;
      await stopSearchService(); // forget any service another test file left behind
      const service = await getSearchService();
      if (!service) throw new Error("test Meilisearch did not come up");
      return service;
    },
    /** kill -9, as a crash would */
    crash() {
      if (state.proc) process.kill(state.proc.pid, "SIGKILL");
    },
    async restart() {
      state.proc = await startMeilisearch({ dataDir: state.dir, port: state.port });
    },
    async stop() {
      await stopSearchService();
      await state.proc?.stop().catch(() => undefined);
      if (state.dir) fs.rmSync(state.dir, { recursive: true, force: true });
      for (const [k, v] of [["MEILI_URL", saved.url], ["MEILI_MASTER_KEY", saved.key], ["MEILI_INDEX_PREFIX", saved.prefix]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

/** Waits until Meilisearch has processed everything enqueued so far. */
export async function settle() {
  const service = await getSearchService();
  if (!service) throw new Error("no search service");
  const { results } = await service.client.tasks.getTasks({ statuses: ["enqueued", "processing"], limit: 1000 });
  for (const t of results) await service.client.tasks.waitForTask(t.uid, { timeout: 60_000, interval: 25 });
}
