import { beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "../../app/routes/analytics.export";
import * as indexPage from "../../app/routes/analytics._index";
import * as mePage from "../../app/routes/analytics.me";
import * as settingsPage from "../../app/routes/analytics.settings";
import * as teamPage from "../../app/routes/analytics.team";
import { analyticsSettingsFor } from "../../app/analytics/settings.server";
import { getDb, query } from "../../app/db/client.server";
import { sql } from "drizzle-orm";
import { buildWorld, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, renderRoute, sessionsFor } from "../support/remix";

// The analytics routes as Remix calls them: who gets a page, who gets 404, bad input 400.

let world: World;
let tokens: Record<string, string>;

beforeAll(async () => {
  world = await buildWorld();
  tokens = await sessionsFor(world, ["hr", "admin", "alice", "bob"]);
});

describe("analytics routes", () => {
  it("HR gets the organisation's dashboard with charts and a CSV link per chart", async () => {
    const html = await renderRoute(indexPage, getRequest("/analytics?weeks=4", { token: tokens.hr }));
    for (const id of ["activity", "content", "qa", "departments", "regions", "spaces", "matrix", "funnel", "maturity"]) {
      expect(html).toContain(`data-chart="${id}"`);
      expect(html).toContain(`/analytics/export?chart=${id}`);
    }
    expect(html).toContain("<svg role=\"img\"");
    expect(html).toContain("<desc");
  });

  it("a member without reports gets 404 on the dashboard, the team page and the export", async () => {
    for (const [mod, path] of [
      [indexPage, "/analytics"],
      [teamPage, "/analytics/team"],
      [exportRoute, "/analytics/export?chart=activity"],
    ] as const) {
      expect((await callRoute(mod.loader, getRequest(path, { token: tokens.alice }))).status, path).toBe(404);
    }
  });

  it("bad input is a 400; the CSV export answers text/csv as a download", async () => {
    expect((await callRoute(indexPage.loader, getRequest("/analytics?from=yesterday", { token: tokens.hr }))).status).toBe(400);
    expect((await callRoute(exportRoute.loader, getRequest("/analytics/export?chart=secrets", { token: tokens.hr }))).status).toBe(400);
    const res = await callRoute(exportRoute.loader, getRequest("/analytics/export?chart=activity&weeks=4", { token: tokens.admin }));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/csv");
    expect(res.headers.get("Content-Disposition")).toMatch(/attachment; filename="atrium-activity-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"/);
    const text = await res.text();
    expect(text.split("\r\n")[0]).toContain("Week");
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(5);
  });

  it("everyone signed in sees their own figures at /analytics/me", async () => {
    const html = await renderRoute(mePage, getRequest("/analytics/me", { token: tokens.bob }));
    expect(html).toContain("Days active");
  });

  it("HR sets K, minutes per answer and the answer target; the change is audited; others get 404; bad input is a 400 that stores nothing", async () => {
    const db = await getDb();
    const html = await renderRoute(settingsPage, getRequest("/analytics/settings", { token: tokens.hr }));
    expect(html).toContain('name="minGroupSize"');
    expect(html).toContain('value="5"');
    for (const who of ["alice", "bob"]) {
      expect((await callRoute(settingsPage.loader, getRequest("/analytics/settings", { token: tokens[who] }))).status, who).toBe(404);
      const post = postRequest("/analytics/settings", { minGroupSize: "3", minutesPerAnswer: "15", answerTargetMinutes: "120" }, { token: tokens[who] });
      expect((await callRoute(settingsPage.action, post)).status, who).toBe(404);
    }
    for (const bad of [
      { minGroupSize: "2", minutesPerAnswer: "15", answerTargetMinutes: "120" },
      { minGroupSize: "7", minutesPerAnswer: "0", answerTargetMinutes: "120" },
      { minGroupSize: "7", minutesPerAnswer: "15", answerTargetMinutes: "ten" },
      { minGroupSize: "7.5", minutesPerAnswer: "15", answerTargetMinutes: "120" },
    ]) {
      const res = await callRoute(settingsPage.action, postRequest("/analytics/settings", bad, { token: tokens.hr }));
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await analyticsSettingsFor(db, world.org.id)).toEqual({ minGroupSize: 5, minutesPerAnswer: 15, answerTargetMinutes: 120 });
    const ok = await callRoute(settingsPage.action, postRequest("/analytics/settings", { minGroupSize: "7", minutesPerAnswer: "20", answerTargetMinutes: "60" }, { token: tokens.admin }));
    expect(ok.status).toBe(200);
    expect(await analyticsSettingsFor(db, world.org.id)).toEqual({ minGroupSize: 7, minutesPerAnswer: 20, answerTargetMinutes: 60 });
    const audited = await query<{ data: { before: { minGroupSize: number }; after: { minGroupSize: number } } }>(
      db,
      sql`select data from audit_log where org_id = ${world.org.id} and action = 'analytics.settings.change'`,
    );
    expect(audited.map((a) => [a.data.before.minGroupSize, a.data.after.minGroupSize])).toEqual([[5, 7]]);
  });
});
