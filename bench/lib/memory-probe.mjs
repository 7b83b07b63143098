// Preloaded into the server by bench/memory.ts (node --import): every 500 ms, one JSON line to
// $MEMORY_PROBE_FILE with what V8 and the kernel say the process holds. Not part of the app.
import fs from "node:fs";
import { PerformanceObserver, constants } from "node:perf_hooks";
import v8 from "node:v8";

const out = process.env.MEMORY_PROBE_FILE;
if (out) {
  const kb = (text, key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0) / 1024;
  // time spent in garbage collection, by kind, since start
  const gcs = { minor: 0, minorMs: 0, major: 0, majorMs: 0, other: 0, otherMs: 0 };
  const kind = (k) => (k === constants.NODE_PERFORMANCE_GC_MAJOR ? "major" : k === constants.NODE_PERFORMANCE_GC_MINOR ? "minor" : "other");
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const k = kind(e.detail?.kind);
      gcs[k]++;
      gcs[`${k}Ms`] += e.duration;
    }
  }).observe({ entryTypes: ["gc"] });
  const sample = (tag) => {
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size / 2 ** 20, used: s.space_used_size / 2 ** 20 }]),
    );
    const h = v8.getHeapStatistics();
    let rollup = "";
    try {
      rollup = fs.readFileSync("/proc/self/smaps_rollup", "utf8");
    } catch {}
    const line = {
      t: Date.now(),
      rss: m.rss / 2 ** 20,
      heapTotal: m.heapTotal / 2 ** 20,
      heapUsed: m.heapUsed / 2 ** 20,
      external: m.external / 2 ** 20,
      arrayBuffers: m.arrayBuffers / 2 ** 20,
      mallocedMemory: h.malloced_memory / 2 ** 20,
      peakMallocedMemory: h.peak_malloced_memory / 2 ** 20,
      heapLimit: h.heap_size_limit / 2 ** 20,
      spaces,
      anon: kb(rollup, "Anonymous"),
      fileBacked: kb(rollup, "Rss") - kb(rollup, "Anonymous"),
      gcs: { ...gcs },
      ...(tag ? { tag } : {}),
    };
    fs.appendFileSync(out, JSON.stringify(line) + "\n");
  };
  setInterval(() => sample(), 500).unref();
  // with --expose-gc: SIGUSR2 collects everything, then records what is still alive
  if (typeof globalThis.gc === "function") process.on("SIGUSR2", () => (globalThis.gc(), sample("after-gc")));
}
