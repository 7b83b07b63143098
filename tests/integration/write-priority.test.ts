import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/db/client.server";
import { foregroundInFlight, GATE } from "../../app/db/priority.server";
import { homeFeed } from "../../app/feed/feeds.server";
import { loadViewer } from "../../app/policy/viewer.server";
import type { Consumer } from "../../app/platform/outbox.server";
import { startWorkers, stopWorkers } from "../../app/platform/workers.server";
import { makeOrg, makeUser, TEST_PASSWORD } from "../../scripts/lib/factories";
import { waitFor } from "../../scripts/lib/server-process";
import { startAppServer, type AppServer } from "../support/http-app";
import { onlyConsumers } from "../support/outbox-consumers";

// Writes feel instant (issue 14): a write's response, and the author's next page, never wait for
// outbox consumers, and requests are answered while a consumer's delivery is in flight. The cause
// measured by `npm run bench:write`: outbox batches started by a write's commit queued on PGlite's
// single connection ahead of the author's redirect GET. These consumers block until released, so
// any request that waited for them would hang and fail here.

let app: AppServer;
let restore: () => Promise<void>;
const gateBefore = { ...GATE };

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}
const inTx = deferred();
const inDeliver = deferred();
const started = { handle: 0, deliver: 0 };

beforeAll(async () => {
  const slowHandle: Consumer = {
    name: "priority-slow-handle",
    topics: ["content.created"],
    handle: async () => {
      started.handle++;
      await inTx.promise; // holds its transaction (on PGlite: the only connection) until released
    },
  };
  const slowDeliver: Consumer = {
    name: "priority-slow-deliver",
    topics: ["content.created"],
    timeoutMs: 60_000,
    deliver: async () => {
      started.deliver++;
      await inDeliver.promise; // a network phase that takes its time (Meilisearch applying a task)
    },
  };
  restore = onlyConsumers([slowHandle, slowDeliver]);
  // no starvation bound, and a grace after each response long enough for a loaded machine's next GET
  GATE.maxWaitMs = 60_000;
  GATE.quietMs = 3_000;
  app = await startAppServer();
  startWorkers({ outboxTickMs: 50, jobs: [] });
});

afterAll(async () => {
  inTx.release();
  inDeliver.release();
  await stopWorkers();
  await app?.close();
  await restore();
  Object.assign(GATE, gateBefore);
});

async function signIn(email: string) {
  const res = await fetch(`${app.origin}/login`, {
    method: "POST",
    body: new URLSearchParams({ email, password: TEST_PASSWORD, redirectTo: "/" }),
    redirect: "manual",
    headers: { Origin: app.origin },
  });
  expect(res.status).toBe(302);
  return (res.headers.get("set-cookie") ?? "").split(";")[0];
}

const within = <T,>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${what} waited for a consumer (> ${ms} ms)`)), ms))]);

describe("a write and the author's next page do not wait for outbox consumers", () => {
  it("post → 302 → the feed shows it, while consumers are held back; they run once requests go quiet", async () => {
    const org = await makeOrg("Priority Bank");
    const user = await makeUser(org.id, { name: "Pat Poster" });
    const cookie = await signIn(user.email);
    const headers = { Cookie: cookie, Origin: app.origin, "Content-Type": "application/x-www-form-urlencoded" };

    // the author posts twice in quick succession and reads the feed, as a browser would
    for (const text of ["first liquidity note", "second liquidity note"]) {
      const res = await within(
        fetch(`${app.origin}/?index`, { method: "POST", redirect: "manual", headers, body: new URLSearchParams({ intent: "post", bodyText: text }) }),
        10_000,
        "the post",
      );
      expect(res.status).toBe(302);
      const feed = await within(fetch(`${app.origin}${res.headers.get("location")}`, { headers: { Cookie: cookie } }), 10_000, "the feed");
      expect(await feed.text()).toContain(text);
    }
    expect(foregroundInFlight()).toBe(0);
    // then the workers get their turn: the slow consumer starts once requests have gone quiet
    await waitFor(async () => started.handle > 0, 20_000, "the consumers to start");
    inTx.release();
    await waitFor(async () => started.deliver > 0, 20_000, "the delivery to start");

    // while a delivery's network phase is in flight, pages are served and reads answer at once
    const page = await within(fetch(`${app.origin}/`, { headers: { Cookie: cookie } }), 10_000, "a page during a delivery");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("second liquidity note");
    const viewer = await loadViewer(await getDb(), user.id);
    const feed = await within(homeFeed(viewer, {}), 10_000, "a feed read during a delivery");
    expect(feed.posts.map((p) => p.text).join(" ")).toContain("first liquidity note");
  }, 90_000);
});
