import { useOutletContext } from "@remix-run/react";
import { VisibilityBadge } from "~/components/space-badges";
import { Card } from "~/components/ui";
import { Time } from "~/components/time";
import { formatNumber, useT } from "~/i18n";
import type { SpaceLayoutData } from "./spaces.$slug";

// Everything here comes from the layout loader, which already answered 404 or "about only".
export default function SpaceAboutTab() {
  const { space } = useOutletContext<SpaceLayoutData>();
  const { t, locale } = useT();
  const rows = [
    { label: t("spaces.about.visibility"), value: <VisibilityBadge visibility={space.visibility} /> },
    { label: t("spaces.about.joinPolicy"), value: t(`spaces.joinPolicy.${space.joinPolicy}` as const) },
    {
      label: t("spaces.about.departments"),
      value: space.allowedDepartments.length ? space.allowedDepartments.join(", ") : t("spaces.about.allDepartments"),
    },
    { label: t("spaces.about.members"), value: formatNumber(locale, space.members) },
    { label: t("spaces.about.created"), value: <Time value={space.createdAt} style="date" /> },
  ];
  return (
    <Card className="p-6">
      <h2 className="text-base font-semibold text-slate-900">{t("spaces.about.title")}</h2>
      <p className="mt-2 text-sm whitespace-pre-line text-slate-700">{space.description || t("spaces.about.noDescription")}</p>
      <dl className="mt-6 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
        {rows.map((row) => (
          <div key={row.label} className="contents">
            <dt className="font-medium text-slate-500">{row.label}</dt>
            <dd className="text-slate-900">{row.value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
