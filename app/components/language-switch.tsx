import { Form, useLocation } from "@remix-run/react";
import { cx } from "./ui";
import { useT, type Locale } from "~/i18n";

// Each language named in itself, so a person who cannot read the current one finds theirs.
const NAMES: Record<Locale, string> = { en: "English", fr: "Français" };

/** The user menu's language switch: saved on the profile, then back to the same page. */
export function LanguageSwitch() {
  const { t, locale } = useT();
  const here = useLocation();
  return (
    <Form method="post" action="/settings/preferences" className="px-3 py-2" aria-label={t("user.language")}>
      <input type="hidden" name="intent" value="language" />
      <input type="hidden" name="redirectTo" value={here.pathname + here.search} />
      <p className="mb-1 text-xs text-slate-500">{t("user.language")}</p>
      <div className="flex gap-1">
        {(Object.keys(NAMES) as Locale[]).map((l) => (
          <button
            key={l}
            type="submit"
            name="locale"
            value={l}
            lang={l}
            aria-pressed={l === locale}
            className={cx(
              "rounded-md border px-2 py-1 text-xs",
              l === locale ? "border-brand-300 bg-brand-50 font-medium text-brand-800" : "border-slate-200 text-slate-700 hover:bg-slate-100",
            )}
          >
            {NAMES[l]}
          </button>
        ))}
      </div>
    </Form>
  );
}
