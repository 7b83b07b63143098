// formatWhen keeps what it formatted (the exact time per language, zone and instant; the relative
// phrases): its answers must stay those of Intl asked directly, first call or repeated.
import { describe, expect, it } from "vitest";
import { formatWhen } from "../../app/i18n/time";
import { rng } from "../../scripts/lib/rng";

const direct = (locale: "en" | "fr", value: number, timeZone: string, now: number) => {
  const at = new Date(value);
  const title = new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone, timeZoneName: "short" }).format(at);
  const s = (value - now) / 1000;
  const abs = Math.abs(s);
  if (abs >= 7 * 86_400) return { title };
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const text =
    abs < 45 ? rtf.format(0, "second") : abs < 3600 ? rtf.format(Math.round(s / 60), "minute") : abs < 86_400 ? rtf.format(Math.round(s / 3600), "hour") : rtf.format(Math.round(s / 86_400), "day");
  return { text, title };
};

describe("formatWhen", () => {
  it("answers as Intl does, for random instants, zones and both languages, again and again", () => {
    const random = rng(19);
    const now = Date.UTC(2026, 11, 2, 7, 0);
    // a few instants, each met in several zones and languages (what a cache key could confuse)
    const instants = Array.from({ length: 24 }, () => now + Math.round((random() - 0.7) * 10 * 86_400_000));
    for (let i = 0; i < 600; i++) {
      const value = instants[Math.floor(random() * instants.length)];
      const locale = random() < 0.5 ? "en" : "fr";
      const timeZone = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo"][Math.floor(random() * 4)];
      for (let round = 0; round < 2; round++) {
        const got = formatWhen(locale, value, { timeZone, now });
        expect(got).toMatchObject(direct(locale, value, timeZone, now));
      }
    }
  });
});
