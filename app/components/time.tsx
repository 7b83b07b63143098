import { useCallback, useEffect, useState } from "react";
import { useT } from "~/i18n";
import { formatWhen, useTimeSettings, type TimeStyle } from "~/i18n/time";

/**
 * Every date on a page (feed, search, notifications, compliance, history): `<time dateTime>`
 * with the exact time in the viewer's zone as its title. "auto" is relative for the last week,
 * then a date. Hydrates with the server's "now", then follows the clock.
 */
export function Time({ value, style = "auto", className }: { value: string | Date; style?: TimeStyle; className?: string }) {
  const { locale } = useT();
  const settings = useTimeSettings();
  const [now, setNow] = useState(settings.now || Date.parse(String(value)));
  useEffect(() => {
    if (style !== "auto") return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, [style]);
  const iso = new Date(value).toISOString();
  const { text, title } = formatWhen(locale, iso, { timeZone: settings.timeZone, now, style });
  return (
    // ICU data can differ by a space between Node and the browser: never fail hydration on it
    <time dateTime={iso} title={title} className={className} suppressHydrationWarning>
      {text}
    </time>
  );
}

/**
 * The same text as `<Time>`, as a string, for a moment inside a sentence or a label
 * (an aria-label, a translated message). Follows the viewer's zone and language; relative
 * texts use the render's "now" (no ticking).
 */
export function useWhen() {
  const { locale } = useT();
  const { timeZone, now } = useTimeSettings();
  return useCallback(
    (value: string | Date, style: TimeStyle = "datetime") => formatWhen(locale, value, { timeZone, now: now || Date.now(), style }).text,
    [locale, timeZone, now],
  );
}
