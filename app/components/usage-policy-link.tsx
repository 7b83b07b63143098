import { Link } from "@remix-run/react";
import { useT } from "~/i18n";

/** Under a refused write: the way to the usage policy page (the gate answers 403 with its address). */
export function UsagePolicyLink({ href }: { href?: string | null }) {
  const { t } = useT();
  if (!href) return null;
  return (
    <Link to={href} className="text-sm font-medium text-brand-700 underline hover:text-brand-800">
      {t("usagePolicy.readLink")}
    </Link>
  );
}
