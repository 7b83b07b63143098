import { describe, expect, it } from "vitest";
import { createSession } from "../../app/identity/session.server";
import { preferencesOf } from "../../app/identity/preferences.server";
import { formatWhen } from "../../app/i18n/time";
import * as root from "../../app/root";
import * as prefs from "../../app/routes/settings.preferences";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { callRoute, getRequest, postRequest } from "../support/remix";

// Language and time zone (issue 14): saved on the person's profile from the user menu's switch or
// the preferences page; the root renders times in the saved zone, else the browser's cookie, else UTC.

const rootData = (request: Request) => root.loader({ request, params: {}, context: {} });

describe("language and time zone preferences", () => {
  it("the language switch saves the locale and returns to the same page; the root then speaks it", async () => {
    const org = await makeOrg("Prefs Bank");
    const u = await makeUser(org.id, { name: "Lea Langue" });
    const { token } = await createSession(u.id);
    const res = (await callRoute(prefs.action, postRequest("/settings/preferences", { intent: "language", locale: "fr", redirectTo: "/spaces?x=1" }, { token, lang: "en" }))) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/spaces?x=1");
    expect((await preferencesOf(u.id)).locale).toBe("fr");
    const data = await rootData(getRequest("/", { token, lang: "en" }));
    expect(data.locale).toBe("fr");
  });

  it("a saved zone wins over the browser's cookie; bad input is refused and nothing changes", async () => {
    const org = await makeOrg("Prefs Bank");
    const u = await makeUser(org.id);
    const { token } = await createSession(u.id);
    const withCookie = (path: string) => {
      const r = getRequest(path, { token });
      r.headers.set("Cookie", `${r.headers.get("Cookie")}; atrium_tz=America%2FNew_York`);
      return r;
    };
    expect((await rootData(withCookie("/"))).timeZone).toBe("America/New_York");
    const ok = (await callRoute(prefs.action, postRequest("/settings/preferences", { intent: "save", locale: "en", timeZone: "Europe/Paris" }, { token }))) as Response;
    expect(ok.status).toBe(200);
    expect((await rootData(withCookie("/"))).timeZone).toBe("Europe/Paris");
    const bads: Record<string, string>[] = [{ intent: "save", locale: "en", timeZone: "Mars/Olympus" }, { intent: "save", locale: "de", timeZone: "" }, { intent: "language", locale: "xx" }];
    for (const bad of bads) {
      const res = (await callRoute(prefs.action, postRequest("/settings/preferences", bad, { token }))) as Response;
      expect(res.status).toBe(400);
    }
    expect(await preferencesOf(u.id)).toEqual({ locale: "en", timeZone: "Europe/Paris" });
  });
});

describe("formatWhen: one way to show time", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  it("is relative for the last week, then a date in the viewer's zone and language, exact on hover", () => {
    expect(formatWhen("en", "2026-12-01T11:55:00Z", { timeZone: "UTC", now }).text).toBe("5 minutes ago");
    expect(formatWhen("fr", "2026-12-01T09:00:00Z", { timeZone: "UTC", now }).text).toBe("il y a 3 heures");
    expect(formatWhen("en", "2026-11-30T12:00:00Z", { timeZone: "UTC", now }).text).toBe("yesterday");
    // older: a date; 23:30 UTC is already the next day in Tokyo
    expect(formatWhen("en", "2026-10-03T23:30:00Z", { timeZone: "UTC", now }).text).toBe("Oct 3");
    expect(formatWhen("en", "2026-10-03T23:30:00Z", { timeZone: "Asia/Tokyo", now }).text).toBe("Oct 4");
    expect(formatWhen("fr", "2025-10-03T10:00:00Z", { timeZone: "Europe/Paris", now }).text).toBe("3 oct. 2025");
    const { title } = formatWhen("en", "2026-10-03T23:30:00Z", { timeZone: "America/New_York", now });
    expect(title).toContain("October 3, 2026");
    expect(title).toMatch(/07:30\s?PM/);
    expect(title).toContain("EDT");
  });

  it("shows a calendar day (a hold's range, a re-verify date) as that day in every zone", () => {
    // stored as UTC midnight: in New York that moment is still the evening before
    expect(formatWhen("en", "2026-03-05T00:00:00Z", { timeZone: "America/New_York", now, style: "day" }).text).toBe("Mar 5, 2026");
    expect(formatWhen("en", "2026-03-05T00:00:00Z", { timeZone: "America/New_York", now, style: "date" }).text).toBe("Mar 4, 2026");
    expect(formatWhen("fr", "2026-03-05T23:59:59.999Z", { timeZone: "Asia/Tokyo", now, style: "day" }).text).toBe("5 mars 2026");
    expect(formatWhen("en", "2026-03-05T00:00:00Z", { timeZone: "Asia/Tokyo", now, style: "day" }).title).toBe("Thursday, March 5, 2026");
  });
});
