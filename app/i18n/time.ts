import { createContext, createElement, useContext, type ReactNode } from "react";
import { dateTimeFormat, relativeTimeFormat, type Locale } from "./index";

// One way to show time (issue 14): relative for recent moments, then a localized date in the
// viewer's time zone and language, the exact time on hover. The server renders with the viewer's
// zone (saved on their profile, else the browser's cookie) and the same "now" the browser hydrates
// with, so both renders agree.

/** Cookie the shell sets from the browser (Intl's resolved zone) until a zone is saved. */
export const TZ_COOKIE = "atrium_tz";

export function isTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * "auto": relative for the last week, then a date; "date": a date with its year; "datetime": date and
 * time with the zone named; "day": a calendar day chosen as a day (a hold's range, a re-verify date),
 * stored as UTC midnight and shown as that day whatever the viewer's zone.
 */
export type TimeStyle = "auto" | "date" | "datetime" | "day";
const RECENT_MS = 7 * 86_400_000;

// The hover title of a moment does not depend on "now": a feed shows the same posts' times to many
// viewers, so each (language, zone, instant) is formatted once (bounded; cleared when full).
const exactTimes = new Map<string, string>();
function exactTime(locale: Locale, timeZone: string, at: Date): string {
  const key = `${locale}|${timeZone}|${at.getTime()}`;
  let title = exactTimes.get(key);
  if (title === undefined) {
    title = dateTimeFormat(locale, { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone, timeZoneName: "short" }).format(at);
    if (exactTimes.size >= 5_000) exactTimes.clear();
    exactTimes.set(key, title);
  }
  return title;
}

// "3 hours ago": a few hundred distinct phrases per language, each formatted once.
const relatives = new Map<string, string>();
function relative(locale: Locale, n: number, unit: "second" | "minute" | "hour" | "day"): string {
  const key = `${locale}|${unit}|${n}`;
  let text = relatives.get(key);
  if (text === undefined) {
    text = relativeTimeFormat(locale, { numeric: "auto" }).format(n, unit);
    if (relatives.size >= 2_000) relatives.clear();
    relatives.set(key, text);
  }
  return text;
}

/** The visible text and the hover title of a moment, for a viewer in `timeZone` at `now`. */
export function formatWhen(locale: Locale, value: string | Date | number, opts: { timeZone: string; now: number; style?: TimeStyle }) {
  const at = new Date(value);
  if (opts.style === "day") {
    const day = (options: Intl.DateTimeFormatOptions) => dateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(at);
    return { text: day({ year: "numeric", month: "short", day: "numeric" }), title: day({ dateStyle: "full" }) };
  }
  const { timeZone } = opts;
  const title = exactTime(locale, timeZone, at);
  const date = (withYear: boolean) => dateTimeFormat(locale, { day: "numeric", month: "short", ...(withYear ? { year: "numeric" } : {}), timeZone }).format(at);
  const style = opts.style ?? "auto";
  if (style === "datetime") return { text: title, title };
  const diff = at.getTime() - opts.now;
  if (style === "auto" && Math.abs(diff) < RECENT_MS) {
    const s = diff / 1000;
    const abs = Math.abs(s);
    let text: string;
    if (abs < 45) text = relative(locale, 0, "second");
    else if (abs < 3600) text = relative(locale, Math.round(s / 60), "minute");
    else if (abs < 86_400) text = relative(locale, Math.round(s / 3600), "hour");
    else text = relative(locale, Math.round(s / 86_400), "day");
    return { text, title };
  }
  const year = (d: Date) => dateTimeFormat("en", { year: "numeric", timeZone }).format(d);
  return { text: date(style === "date" || year(at) !== year(new Date(opts.now))), title };
}

export type TimeSettings = { timeZone: string; now: number };
const TimeContext = createContext<TimeSettings>({ timeZone: "UTC", now: 0 });

export function TimeProvider({ value, children }: { value: TimeSettings; children?: ReactNode }) {
  return createElement(TimeContext.Provider, { value }, children);
}

export function useTimeSettings(): TimeSettings {
  return useContext(TimeContext);
}
