import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ConsoleSearch, Results, VerifyPanel, type ConsoleSearchValues } from "~/components/compliance-console";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { EmptyState, PageHeader } from "~/components/ui";
import { checkpointPublicKey, requireComplianceViewer, reviewRows, reviewSearch, REVIEW_LIMIT, verifyFromApp } from "~/compliance/review.server";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, fieldErrors, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "compliance.title");

const DAY_MS = 86_400_000;
const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const dayField = z.string().trim().max(10, "compliance.search.error.date").refine((v) => v === "" || isDay(v), "compliance.search.error.date").default("");
const email = z.string().email();

// One schema for the search form's query string; an absent checkbox means "off" once the form was sent.
const SearchParams = z
  .object({
    q: z.string().trim().max(200).default(""),
    author: z.string().trim().max(254).refine((v) => v === "" || email.safeParse(v).success, "form.invalidEmail").default(""),
    from: dayField,
    to: dayField,
    deleted: z.string().optional(),
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { path: ["to"], message: "compliance.search.error.range" });

const VerifyIntent = z.object({ intent: z.literal("verify") });

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireComplianceViewer(viewer);
  const signingKey = checkpointPublicKey(viewer);
  const params = new URL(request.url).searchParams;
  const submitted = params.has("q");
  const raw = Object.fromEntries(params);
  const values: ConsoleSearchValues = {
    q: raw.q ?? "",
    author: raw.author ?? "",
    from: raw.from ?? "",
    to: raw.to ?? "",
    includeDeleted: submitted ? raw.deleted === "on" : true,
  };
  if (!submitted) return json({ values, errors: {} as Record<string, string>, hits: null, limited: false, signingKey });

  const parsed = SearchParams.safeParse(raw);
  if (!parsed.success) return json({ values, errors: fieldErrors(locale, parsed.error), hits: null, limited: false, signingKey }, { status: 400 });
  const p = parsed.data;
  const hits = await reviewSearch(viewer, {
    q: p.q,
    author: p.author || null,
    from: p.from ? new Date(`${p.from}T00:00:00Z`) : null,
    // the end date is inclusive: search up to the start of the next day
    to: p.to ? new Date(Date.parse(`${p.to}T00:00:00Z`) + DAY_MS) : null,
    includeDeleted: values.includeDeleted,
  });
  return json({ values, signingKey, errors: {} as Record<string, string>, hits: reviewRows(hits), limited: hits.length >= REVIEW_LIMIT });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireComplianceViewer(viewer);
  const parsed = await parseForm(request, VerifyIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const result = await verifyFromApp(viewer);
  return json({ ok: true as const, verify: { ok: result.ok, checked: result.checked, problem: result.problem ?? null } });
}

export default function ComplianceConsole() {
  const { values, errors, hits, limited, signingKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("compliance.title")} description={t("compliance.console.description")} />
      <ComplianceNav />
      <AuditNotice />

      <ConsoleSearch values={values} errors={errors} />

      {hits === null ? (
        Object.keys(errors).length ? null : <EmptyState title={t("compliance.start.title")} description={t("compliance.start.body")} />
      ) : hits.length === 0 ? (
        <EmptyState title={t("compliance.results.emptyTitle")} description={t("compliance.results.emptyBody")} />
      ) : (
        <Results hits={hits} limited={limited} />
      )}

      <VerifyPanel signingKey={signingKey} verify={actionData?.ok ? actionData.verify : null} />
    </>
  );
}

