import { NavLink } from "@remix-run/react";
import { useT, type MessageKey } from "~/i18n";
import { cx } from "./ui";

const LINKS: Array<{ to: string; label: MessageKey; end?: boolean }> = [
  { to: "/compliance", label: "compliance.nav.console", end: true },
  { to: "/compliance/archive", label: "compliance.nav.archive" },
  { to: "/compliance/holds", label: "compliance.nav.holds" },
  { to: "/compliance/retention", label: "compliance.nav.retention" },
  { to: "/compliance/exports", label: "compliance.nav.exports" },
  { to: "/compliance/erasure", label: "compliance.nav.erasure" },
  { to: "/compliance/review", label: "compliance.nav.review" },
  { to: "/compliance/lexicon", label: "compliance.nav.lexicon" },
  { to: "/compliance/usage-policy", label: "compliance.nav.usagePolicy" },
  { to: "/compliance/audit", label: "compliance.nav.audit" },
  { to: "/compliance/barriers", label: "compliance.nav.barriers" },
  { to: "/compliance/archive-stream", label: "compliance.nav.archiveStream" },
];

/** The compliance tools' own tabs, shown under each page header. */
export function ComplianceNav() {
  const { t } = useT();
  return (
    <nav aria-label={t("compliance.nav.label")} className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex flex-wrap gap-4 text-sm">
        {LINKS.map((link) => (
          <li key={link.to}>
            <NavLink
              to={link.to}
              end={link.end}
              className={({ isActive }) =>
                cx(
                  "inline-block border-b-2 px-1 pb-2 font-medium",
                  isActive ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900",
                )
              }
            >
              {t(link.label)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The reminder every compliance page carries: what you do here is itself on the record. */
export function AuditNotice() {
  const { t } = useT();
  return (
    <p role="note" className="mb-6 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      {t("compliance.auditNotice")}
    </p>
  );
}
