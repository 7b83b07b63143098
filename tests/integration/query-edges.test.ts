import { beforeAll, describe, expect, it } from "vitest";
import * as library from "../../app/routes/best-practices._index";
import * as measures from "../../app/routes/best-practices.measures";
import * as analyticsIndex from "../../app/routes/analytics._index";
import { calendarDay } from "../../app/utils/calendar-day";
import { buildWorld } from "../fixtures/world";
import { callRoute, getRequest, sessionsFor } from "../support/remix";

// Query strings of the newer pages reach PostgreSQL or Date: control characters and
// impossible dates answer a normal page or a 400, never a 500 (both were 500s once).

let tokens: Record<string, string>;
beforeAll(async () => {
  const world = await buildWorld();
  tokens = await sessionsFor(world, ["alice", "curator", "hr"]);
});

describe("query-string edges", () => {
  it("a NUL or control character in the library topic is dropped", async () => {
    for (const topic of ["%00", "client%00care", "%1b%5b31m", "%ff%fe"]) {
      const res = await callRoute(library.loader, getRequest(`/best-practices?topic=${topic}&q=%00`, { token: tokens.alice }));
      expect(res.status, topic).toBe(200);
    }
  });

  it("impossible dates on the curator measures and the analytics range never reach Date as 500s", async () => {
    for (const from of ["2026-13-45", "2026-02-31", "0000-00-00", "%00"]) {
      expect((await callRoute(measures.loader, getRequest(`/best-practices/measures?from=${from}&to=${from}`, { token: tokens.curator }))).status, from).toBe(200);
      expect((await callRoute(analyticsIndex.loader, getRequest(`/analytics?from=${from}`, { token: tokens.hr }))).status, from).toBe(400);
    }
  });

  it("calendarDay accepts days that exist and nothing else", () => {
    expect(calendarDay.safeParse("2024-02-29").success).toBe(true);
    for (const bad of ["2023-02-29", "2026-13-01", "2026-04-31", "1969-12-31", "2026-1-01", " 2026-01-01"]) {
      expect(calendarDay.safeParse(bad).success, bad).toBe(false);
    }
  });
});
