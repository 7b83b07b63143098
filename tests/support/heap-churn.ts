// Child process of tests/integration/heap-policy.test.ts: applies the heap policy (percent in argv[2])
// the way server.ts does, then keeps ~40 MB alive and churns objects that live a while before they
// die (what requests in flight leave behind); prints the committed old space at its largest and what
// survives a full collection, as JSON.
import v8 from "node:v8";
import { applyHeapPolicy } from "../../app/platform/heap-policy.server";

const policy = applyHeapPolicy(Number(process.argv[2]));
const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "old_space")!;
const live: unknown[] = [];
for (let i = 0; i < 300_000; i++) live.push({ i, s: `x${i}`, a: [i, i + 1] });
const ring: unknown[] = new Array(100_000).fill(null);
let peak = 0;
for (let k = 0; k < 1_000_000; k++) {
  ring[k % ring.length] = { k, a: new Array(16).fill(k), s: `y${k}` };
  if (k % 5_000 === 0) peak = Math.max(peak, oldSpace().space_size);
}
(globalThis as { gc?: () => void }).gc?.();
console.log(JSON.stringify({ flag: policy.flag, peakOldMb: peak / 2 ** 20, liveOldMb: oldSpace().space_used_size / 2 ** 20, kept: live.length + ring.length }));
