import { createContext, createElement, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { en, type MessageKey } from "./en";
import { fr } from "./fr";

export type { MessageKey } from "./en";

export type Locale = "en" | "fr";
export const LOCALES: readonly Locale[] = ["en", "fr"];
export const DEFAULT_LOCALE: Locale = "en";

export type MessageVars = Record<string, string | number>;
export type TFunction = (key: MessageKey, vars?: MessageVars) => string;

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, fr };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Maps a language tag ("fr", "fr-CA", "EN_gb") to a supported locale, or null. */
export function toLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) ? primary : null;
}

/**
 * Looks up `key` in the locale's catalogue and fills `{name}` placeholders from `vars`.
 * A placeholder without a value is left visible so the gap is noticed rather than hidden.
 * The result is plain text: React escapes it when rendered.
 */
export function translate(locale: Locale, key: MessageKey, vars?: MessageVars): string {
  const message = catalogs[locale]?.[key] ?? en[key] ?? key;
  if (!vars) return message;
  return message.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : match,
  );
}

/** Language tags from an Accept-Language header, most preferred first (q=0 dropped). */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .slice(0, 32)
    .map((part, index) => {
      const [rawTag = "", ...params] = part.split(";");
      let q = 1;
      for (const param of params) {
        const match = /^\s*q\s*=\s*([0-9]*\.?[0-9]+)\s*$/i.exec(param);
        if (match) q = Number(match[1]);
      }
      return { tag: rawTag.trim(), q: Number.isFinite(q) ? Math.min(q, 1) : 0, index };
    })
    .filter((entry) => entry.tag !== "" && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/** The user's own setting wins; then the browser's Accept-Language preferences; then English. */
export function resolveLocale(userLocale: string | null | undefined, acceptLanguage: string | null): Locale {
  const fromUser = toLocale(userLocale);
  if (fromUser) return fromUser;
  for (const tag of parseAcceptLanguage(acceptLanguage)) {
    if (tag === "*") return DEFAULT_LOCALE;
    const locale = toLocale(tag);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}

// Building an Intl formatter costs far more than using one (~0.1 ms each, dozens per page):
// one instance per locale and options, kept for the life of the process (a handful of keys).
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules | Intl.RelativeTimeFormat>();
function memo<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules | Intl.RelativeTimeFormat>(kind: string, locale: string, options: object | undefined, make: () => T): T {
  const key = `${kind}\u0000${locale}\u0000${options ? JSON.stringify(options) : ""}`;
  let f = formatters.get(key) as T | undefined;
  if (!f) {
    f = make();
    if (formatters.size < 500) formatters.set(key, f);
  }
  return f;
}
export const numberFormat = (locale: Locale, options?: Intl.NumberFormatOptions) =>
  memo("n", locale, options, () => new Intl.NumberFormat(locale, options));
export const dateTimeFormat = (locale: Locale, options?: Intl.DateTimeFormatOptions) =>
  memo("d", locale, options, () => new Intl.DateTimeFormat(locale, options));
export const pluralRules = (locale: Locale) => memo("p", locale, undefined, () => new Intl.PluralRules(locale));
export const relativeTimeFormat = (locale: Locale, options?: Intl.RelativeTimeFormatOptions) =>
  memo("r", locale, options, () => new Intl.RelativeTimeFormat(locale, options));

export function formatNumber(locale: Locale, value: number, options?: Intl.NumberFormatOptions): string {
  return numberFormat(locale, options).format(value);
}

/**
 * Formats a date for display. Pass `timeZone` when rendering on the server and the
 * client must agree (otherwise server and browser time zones can differ at hydration).
 */
export function formatDateTime(
  locale: Locale,
  value: Date | string | number,
  options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" },
): string {
  return dateTimeFormat(locale, options).format(new Date(value));
}

// ---------- React ----------

export type I18n = { locale: Locale; t: TFunction };

function makeI18n(locale: Locale): I18n {
  return { locale, t: (key, vars) => translate(locale, key, vars) };
}

// Defaults to English so components still render outside the provider (tests, a broken root).
const I18nContext = createContext<I18n>(makeI18n(DEFAULT_LOCALE));

export function I18nProvider({ locale, children }: { locale: Locale; children?: ReactNode }) {
  const value = useMemo(() => makeI18n(locale), [locale]);
  return createElement(I18nContext.Provider, { value }, children);
}

export function useT(): I18n {
  return useContext(I18nContext);
}

/**
 * The locale to use when the root loader's answer may be missing (the root loader failed).
 * Renders English on the server and during hydration, then switches to the browser's
 * languages, so the server and first client render always match.
 */
export function useLocaleWithFallback(known: Locale | null | undefined): Locale {
  const [fallback, setFallback] = useState<Locale>(DEFAULT_LOCALE);
  useEffect(() => {
    if (known) return;
    const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
    setFallback(resolveLocale(null, languages.join(",")));
  }, [known]);
  return known ?? fallback;
}

// ---------- Remix meta ----------

type MatchLike = { id: string; data?: unknown };

/** The locale the root loader resolved, read from `meta`'s `matches`; English if it failed. */
export function localeFromMatches(matches: readonly MatchLike[]): Locale {
  const data = matches.find((match) => match.id === "root")?.data;
  const locale = data && typeof data === "object" ? (data as { locale?: unknown }).locale : undefined;
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

/** `meta` export helper: `[{ title: "Questions · Atrium" }]` in the viewer's language. */
export function metaTitle(matches: readonly MatchLike[], key: MessageKey, vars?: MessageVars) {
  const locale = localeFromMatches(matches);
  return [{ title: translate(locale, "meta.title", { page: translate(locale, key, vars) }) }];
}
