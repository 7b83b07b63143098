import { isRouteErrorResponse, Link, useRouteError, type ErrorResponse } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n";
import { usageRefusalLink } from "~/content/usage-gate";
import { buttonClasses } from "./ui";

type StatusHandler = (info: { error: ErrorResponse }) => ReactNode;

const KNOWN: Record<number, { title: MessageKey; body: MessageKey }> = {
  400: { title: "error.400.title", body: "error.400.body" },
  403: { title: "error.403.title", body: "error.403.body" },
  404: { title: "error.404.title", body: "error.404.body" },
  413: { title: "error.413.title", body: "error.413.body" },
  500: { title: "error.500.title", body: "error.500.body" },
};

/**
 * The one error view. Thrown Responses render by status (400, 403, 404, 413, 500, and a
 * generic page for others); anything else is an unexpected error and renders as 500.
 * Text comes from the i18n context, which defaults to English when no locale is known.
 * Server error details are never shown: Remix strips them in production anyway.
 */
export function GeneralErrorBoundary({
  statusHandlers,
  unexpectedErrorHandler,
}: {
  statusHandlers?: Partial<Record<number, StatusHandler>>;
  unexpectedErrorHandler?: (error: unknown) => ReactNode;
} = {}) {
  const error = useRouteError();

  useEffect(() => {
    if (!isRouteErrorResponse(error)) console.error(error);
  }, [error]);

  if (isRouteErrorResponse(error)) {
    const custom = statusHandlers?.[error.status];
    if (custom) return <>{custom({ error })}</>;
    const policy = error.status === 403 ? usageRefusalLink(error.data) : null;
    return policy ? <UsagePolicyRefusal href={policy} /> : <ErrorPage status={error.status} />;
  }
  return unexpectedErrorHandler ? <>{unexpectedErrorHandler(error)}</> : <ErrorPage status={500} />;
}

/** The message keys for an error status; unknown statuses get the generic wording. */
export function errorMessageKeys(status: number): { title: MessageKey; body: MessageKey } {
  return KNOWN[status] ?? { title: "error.generic.title", body: "error.generic.body" };
}

/** The status an error renders with: a thrown Response's own, otherwise 500. */
export function errorStatus(error: unknown): number {
  return isRouteErrorResponse(error) ? error.status : 500;
}

export function ErrorPage({ status }: { status: number }) {
  const { t } = useT();
  const keys = errorMessageKeys(status);
  return <ErrorNotice status={status} title={t(keys.title)} body={t(keys.body)} action={{ to: "/", label: t("error.backToFeed") }} />;
}

/** The usage-policy gate's refusal (a 403 from any content write): what to do, and the way there. */
function UsagePolicyRefusal({ href }: { href: string }) {
  const { t } = useT();
  return <ErrorNotice status={403} title={t("usagePolicy.refusedTitle")} body={t("usagePolicy.required")} action={{ to: href, label: t("usagePolicy.readLink") }} />;
}

/** An error's page: its status, what happened, and the one way on. */
export function ErrorNotice({ status, title, body, action }: { status: number; title: string; body: string; action: { to: string; label: string } }) {
  const { t } = useT();
  return (
    <section aria-labelledby="error-title" className="mx-auto flex max-w-xl flex-col items-center py-16 text-center">
      <p className="text-sm font-semibold tracking-wide text-brand-600">{t("error.status", { status })}</p>
      <h1 id="error-title" className="mt-3 text-3xl font-semibold tracking-tight text-balance text-slate-900">
        {title}
      </h1>
      <p className="mt-3 text-base text-pretty text-slate-600">{body}</p>
      <Link to={action.to} className={buttonClasses({ className: "mt-8" })}>
        {action.label}
      </Link>
    </section>
  );
}
