import v8 from "node:v8";

// V8 sets the next old-generation limit at up to 4× what survived the last full collection when
// the heap may reach its default size (~4 GB here): a busy process with ~60 MB alive grew to
// 350–490 MB of RSS, most of it garbage awaiting a full collection (docs/deploy.md "Memory per
// process"). A growing factor of 1 + p/100 keeps the heap in proportion to what is alive. It is a
// soft bound (a large export grows the heap as it needs; nothing is capped, nothing runs out),
// and unlike --max-old-space-size it can be set from inside the process, after start.

const FLAG = /--heap[-_]growing[-_]percent(=|\s|$)/;

export type HeapPolicy = { flag: string | null; note: string };

/**
 * What to set: nothing when the operator gave node the V8 flag (on the command line: node refuses it in
 * NODE_OPTIONS) or asked for V8's own heuristics (0).
 */
export function heapPolicy(percent: number, execArgv: readonly string[]): HeapPolicy {
  if (execArgv.some((a) => FLAG.test(a))) return { flag: null, note: "the node flag given at start" };
  if (percent === 0) return { flag: null, note: "V8's own (HEAP_GROWING_PERCENT=0)" };
  return { flag: `--heap-growing-percent=${percent}`, note: `${percent} % over the live heap (HEAP_GROWING_PERCENT)` };
}

/** Applies the policy to this process (before the app loads; cluster workers apply it themselves). */
export function applyHeapPolicy(percent: number): HeapPolicy {
  const p = heapPolicy(percent, process.execArgv);
  if (p.flag) v8.setFlagsFromString(p.flag);
  return p;
}
