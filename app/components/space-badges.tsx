import { useT } from "~/i18n";
import { cx } from "./ui";

export type SpaceVisibility = "open" | "private" | "secret";

const tone: Record<SpaceVisibility, string> = {
  open: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  private: "bg-amber-50 text-amber-800 ring-amber-200",
  secret: "bg-slate-800 text-white ring-slate-800",
};

export function VisibilityBadge({ visibility, className }: { visibility: SpaceVisibility; className?: string }) {
  const { t } = useT();
  return (
    <span className={cx("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", tone[visibility], className)}>
      {t(`spaces.visibility.${visibility}` as const)}
    </span>
  );
}

export function MemberBadge({ className }: { className?: string }) {
  const { t } = useT();
  return (
    <span className={cx("inline-flex items-center rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700", className)}>
      {t("spaces.directory.member")}
    </span>
  );
}
