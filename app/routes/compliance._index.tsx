import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Time } from "~/components/time";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { Button, Card, EmptyState, Input, PageHeader } from "~/components/ui";
import { checkpointPublicKey, requireComplianceViewer, reviewSearch, verifyFromApp } from "~/compliance/review.server";
import type { VerifyReason } from "~/compliance/verify.server";
import { metaTitle, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, fieldErrors, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "compliance.title");

const DAY_MS = 86_400_000;
// Formatted on the server in UTC, zone named, so server and browser render the same text.
const LIMIT = 200;
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

type Values = { q: string; author: string; from: string; to: string; includeDeleted: boolean };

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireComplianceViewer(viewer);
  const signingKey = checkpointPublicKey(viewer);
  const params = new URL(request.url).searchParams;
  const submitted = params.has("q");
  const raw = Object.fromEntries(params);
  const values: Values = {
    q: raw.q ?? "",
    author: raw.author ?? "",
    from: raw.from ?? "",
    to: raw.to ?? "",
    includeDeleted: submitted ? raw.deleted === "on" : true,
  };
  if (!submitted) return json({ values, errors: {} as Record<string, string>, hits: null, signingKey });

  const parsed = SearchParams.safeParse(raw);
  if (!parsed.success) return json({ values, errors: fieldErrors(locale, parsed.error), hits: null, signingKey }, { status: 400 });
  const p = parsed.data;
  const hits = await reviewSearch(viewer, {
    q: p.q,
    author: p.author || null,
    from: p.from ? new Date(`${p.from}T00:00:00Z`) : null,
    // the end date is inclusive: search up to the start of the next day
    to: p.to ? new Date(Date.parse(`${p.to}T00:00:00Z`) + DAY_MS) : null,
    includeDeleted: values.includeDeleted,
  });
  return json({
    values,
    signingKey,
    errors: {} as Record<string, string>,
    hits: hits.map((h) => ({
      id: h.id,
      kind: h.kind,
      author: h.author,
      authorDepartment: h.authorDepartment,
      space: h.space,
      deleted: h.deleted,
      versions: Number(h.version),
      at: new Date(h.createdAt).toISOString(),
      excerpt: h.text.length > 240 ? `${h.text.slice(0, 240).trimEnd()}…` : h.text,
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireComplianceViewer(viewer);
  const parsed = await parseForm(request, VerifyIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const result = await verifyFromApp(viewer);
  return json({ ok: true as const, verify: { ok: result.ok, checked: result.checked, problem: result.problem ?? null } });
}

const KINDS: Record<string, MessageKey> = {
  post: "compliance.kind.post",
  comment: "compliance.kind.comment",
  question: "compliance.kind.question",
  answer: "compliance.kind.answer",
};

const REASONS: Record<VerifyReason, MessageKey> = {
  "hash mismatch": "compliance.verify.reason.hashMismatch",
  "broken link": "compliance.verify.reason.brokenLink",
  "sequence gap": "compliance.verify.reason.sequenceGap",
  "sequence out of range": "compliance.verify.reason.outOfRange",
  "duplicate sequence": "compliance.verify.reason.duplicate",
  "head mismatch": "compliance.verify.reason.headMismatch",
  "head missing": "compliance.verify.reason.headMissing",
  "checkpoint mismatch": "compliance.verify.reason.checkpointMismatch",
  "bad signature": "compliance.verify.reason.badSignature",
  "unknown signing key": "compliance.verify.reason.unknownKey",
  "expire mismatch": "compliance.verify.reason.expireMismatch",
};

export default function ComplianceConsole() {
  const { values, errors, hits, signingKey } = useLoaderData<typeof loader>();
  const { t } = useT();
  const navigation = useNavigation();
  const searching = navigation.state === "loading" && navigation.location.pathname === "/compliance";
  return (
    <>
      <PageHeader title={t("compliance.title")} description={t("compliance.console.description")} />
      <ComplianceNav />
      <AuditNotice />

      <Card className="mb-8 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("compliance.search.heading")}</h2>
        <Form method="get" action="/compliance" className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Input
            label={t("compliance.search.q")}
            name="q"
            type="search"
            defaultValue={values.q}
            errors={errors.q}
            hint={t("compliance.search.qHint")}
            className="sm:col-span-2 lg:col-span-4"
          />
          <Input
            label={t("compliance.search.author")}
            name="author"
            type="email"
            autoComplete="off"
            defaultValue={values.author}
            errors={errors.author}
            className="sm:col-span-2"
          />
          <Input label={t("compliance.search.from")} name="from" type="date" defaultValue={values.from} errors={errors.from} />
          <Input label={t("compliance.search.to")} name="to" type="date" defaultValue={values.to} errors={errors.to} />
          <div className="flex flex-wrap items-center justify-between gap-4 sm:col-span-2 lg:col-span-4">
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" name="deleted" defaultChecked={values.includeDeleted} className="size-4 rounded border-slate-300" />
              {t("compliance.search.includeDeleted")}
            </label>
            <Button type="submit" disabled={searching}>
              {t("compliance.search.submit")}
            </Button>
          </div>
        </Form>
      </Card>

      {hits === null ? (
        Object.keys(errors).length ? null : <EmptyState title={t("compliance.start.title")} description={t("compliance.start.body")} />
      ) : hits.length === 0 ? (
        <EmptyState title={t("compliance.results.emptyTitle")} description={t("compliance.results.emptyBody")} />
      ) : (
        <Results hits={hits} />
      )}

      <VerifyPanel signingKey={signingKey} />
    </>
  );
}

type Hit = NonNullable<SerializeFrom<typeof loader>["hits"]>[number];

function Results({ hits }: { hits: Hit[] }) {
  const { t } = useT();
  return (
    <DataTable
      className="mb-8"
      caption={
        <>
          {t("compliance.results.title")}{" "}
          <span className="text-sm font-normal text-slate-500">
            ({t(hits.length === 1 ? "compliance.results.countOne" : "compliance.results.countOther", { count: hits.length })})
          </span>
        </>
      }
      columns={[
        t("compliance.results.time"),
        t("compliance.results.author"),
        t("compliance.results.space"),
        t("compliance.results.kind"),
        t("compliance.results.versions"),
        t("compliance.results.excerpt"),
      ]}
      note={hits.length >= LIMIT ? t("compliance.results.limit") : null}
    >
      {hits.map((h) => {
        const kind = t(KINDS[h.kind] ?? "compliance.kind.other");
        return (
          <tr key={h.id} className="align-top">
            <td className="px-4 py-3 whitespace-nowrap text-slate-600">
              <Time value={h.at} style="datetime" />
            </td>
            <td className="px-4 py-3">
              <span className="font-medium text-slate-900">{h.author}</span>
              <span className="block text-xs text-slate-500">{h.authorDepartment}</span>
            </td>
            <td className="px-4 py-3 text-slate-600">{h.space ?? t("compliance.results.orgWide")}</td>
            <td className="px-4 py-3 text-slate-600">
              {kind}
              {h.deleted ? (
                <span className="ml-2 rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700">
                  {t("compliance.results.deleted")}
                </span>
              ) : null}
            </td>
            <td className="px-4 py-3 text-slate-600 tabular-nums">{h.versions}</td>
            <td className="px-4 py-3">
              <Link
                to={`/compliance/items/${h.id}`}
                aria-label={t("compliance.results.open", { kind, name: h.author })}
                className="line-clamp-3 text-brand-700 hover:underline"
              >
                {h.excerpt || t("compliance.results.noText")}
              </Link>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

function VerifyPanel({ signingKey }: { signingKey: { keyId: string; pem: string } }) {
  const { t } = useT();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const verify = actionData?.ok ? actionData.verify : null;
  return (
    <Card className="p-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="max-w-2xl space-y-1">
          <h2 className="text-base font-semibold text-slate-900">{t("compliance.verify.heading")}</h2>
          <p className="text-sm text-slate-600">{t("compliance.verify.hint")}</p>
        </div>
        <Form method="post">
          <input type="hidden" name="intent" value="verify" />
          <Button type="submit" variant="secondary" disabled={busy}>
            {t("compliance.verify.submit")}
          </Button>
        </Form>
      </div>
      <div role="status" className="mt-4 empty:hidden">
        {verify?.ok ? (
          <p className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            {t("compliance.verify.ok", { count: verify.checked })}
          </p>
        ) : verify?.problem ? (
          <p className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {t(verify.problem.id === null || verify.problem.reason === "sequence gap" ? "compliance.verify.brokenAt" : "compliance.verify.broken", {
              id: verify.problem.id ?? "",
              seq: verify.problem.seq ?? "",
              chain: t(verify.problem.chain === "archive" ? "compliance.verify.chain.archive" : "compliance.verify.chain.audit"),
              reason: t(REASONS[verify.problem.reason]),
              count: verify.checked,
            })}
          </p>
        ) : null}
      </div>
      <details className="mt-4 text-sm text-slate-600">
        <summary className="cursor-pointer font-medium text-slate-800">{t("compliance.verify.key", { keyId: signingKey.keyId })}</summary>
        <p className="mt-2">{t("compliance.verify.keyHint")}</p>
        <pre className="mt-2 overflow-x-auto rounded-lg bg-slate-50 p-3 text-xs text-slate-800">{signingKey.pem}</pre>
      </details>
    </Card>
  );
}
