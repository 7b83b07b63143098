import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { Button, Card, EmptyState, FormError, Input, PageHeader, Select } from "~/components/ui";
import { Time } from "~/components/time";
import { metaTitle, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { recordsFailure } from "~/records/errors.server";
import { requestExport } from "~/records/export.server";
import { ArchiveSearchForm, toArchiveSearch } from "~/records/search-form.server";
import { ARCHIVE_KINDS } from "~/records/archive-kinds";
import { recordSpaces, searchArchive } from "~/records/search.server";
import { fieldErrors, formToObject } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "records.archive.title");

const CONTENT = new Set(["post", "comment", "question", "answer"]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const spaces = await recordSpaces(viewer);
  const params = new URL(request.url).searchParams;
  const raw = Object.fromEntries(params) as Record<string, string>;
  const submitted = params.has("q");
  const values = { ...raw, deleted: submitted ? raw.deleted === "on" : true };
  if (!submitted) return json({ spaces, values, errors: {} as Record<string, string>, hits: null });
  const parsed = ArchiveSearchForm.safeParse(raw);
  if (!parsed.success) return json({ spaces, values, errors: fieldErrors(locale, parsed.error), hits: null }, { status: 400 });
  let search;
  try {
    search = await toArchiveSearch(viewer, parsed.data, values.deleted);
  } catch (e) {
    const failure = recordsFailure(locale, e, raw);
    return json({ spaces, values, errors: ((await failure.json()) as { errors: Record<string, string> }).errors, hits: null }, { status: failure.status });
  }
  const hits = await searchArchive(viewer, search);
  return json({
    spaces,
    values,
    errors: {} as Record<string, string>,
    hits,
  });
}

/** Export the search as it stands in the form: queued, then followed on the exports page. */
export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const raw = formToObject(await request.formData()) as Record<string, string>;
  const parsed = ArchiveSearchForm.safeParse(raw);
  if (!parsed.success) return json({ ok: false as const, errors: fieldErrors(locale, parsed.error) }, { status: 400 });
  try {
    const search = await toArchiveSearch(viewer, parsed.data, raw.deleted === "on");
    await requestExport(viewer, search);
  } catch (e) {
    const failure = recordsFailure(locale, e, raw);
    return json({ ok: false as const, errors: ((await failure.json()) as { errors: Record<string, string> }).errors }, { status: failure.status });
  }
  return redirect("/compliance/exports?queued=1");
}

const ACTIONS: Record<string, MessageKey> = {
  create: "records.action.create",
  edit: "records.action.edit",
  delete: "records.action.delete",
  restore: "records.action.restore",
};
const KINDS: Record<string, MessageKey> = {
  post: "compliance.kind.post",
  comment: "compliance.kind.comment",
  question: "compliance.kind.question",
  answer: "compliance.kind.answer",
};

export default function ArchiveSearchPage() {
  const { spaces, values, errors, hits } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state !== "idle";
  const allErrors = { ...errors, ...(actionData?.errors ?? {}) };
  const v = values as Record<string, string | boolean | undefined>;
  const str = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : "");
  return (
    <>
      <PageHeader title={t("records.archive.title")} description={t("records.archive.description")} />
      <ComplianceNav />
      <AuditNotice />
      <Card className="mb-8 p-6">
        <Form method="get" action="/compliance/archive" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Input label={t("compliance.search.q")} name="q" type="search" defaultValue={str("q")} errors={allErrors.q} hint={t("compliance.search.qHint")} className="sm:col-span-2 lg:col-span-4" />
          <Input label={t("records.search.custodian")} name="custodian" type="email" autoComplete="off" defaultValue={str("custodian")} errors={allErrors.custodian} className="sm:col-span-2" />
          <Select label={t("records.search.space")} name="space" defaultValue={str("space")} errors={allErrors.space}>
            <option value="">{t("records.search.anySpace")}</option>
            {spaces.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
          <Select label={t("records.search.kind")} name="kind" defaultValue={str("kind")} errors={allErrors.kind}>
            <option value="">{t("records.search.anyKind")}</option>
            {ARCHIVE_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </Select>
          <Input label={t("compliance.search.from")} name="from" type="date" defaultValue={str("from")} errors={allErrors.from} />
          <Input label={t("compliance.search.to")} name="to" type="date" defaultValue={str("to")} errors={allErrors.to} />
          <div className="flex flex-wrap items-center justify-between gap-4 sm:col-span-2 lg:col-span-4">
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" name="deleted" defaultChecked={v.deleted !== false} className="size-4 rounded border-slate-300" />
              {t("compliance.search.includeDeleted")}
            </label>
            <div className="flex gap-3">
              <Button type="submit" disabled={busy}>
                {t("compliance.search.submit")}
              </Button>
              <Button type="submit" variant="secondary" formMethod="post" disabled={busy}>
                {t("records.search.export")}
              </Button>
            </div>
          </div>
        </Form>
        {allErrors._form ? <FormError className="mt-4">{allErrors._form}</FormError> : null}
      </Card>
      {hits === null ? null : hits.length === 0 ? (
        <EmptyState title={t("compliance.results.emptyTitle")} description={t("compliance.results.emptyBody")} />
      ) : (
        <Results hits={hits} />
      )}
    </>
  );
}

type Hit = NonNullable<SerializeFrom<typeof loader>["hits"]>[number];

function Results({ hits }: { hits: Hit[] }) {
  const { t } = useT();
  return (
    <DataTable
      caption={
        <>
          {t("records.results.caption")} <span className="text-sm font-normal text-slate-500">({t("records.results.count", { count: hits.length })})</span>
        </>
      }
      columns={[t("compliance.results.time"), t("compliance.results.author"), t("compliance.results.space"), t("records.results.item"), t("compliance.results.excerpt")]}
    >
      {hits.map((h) => (
        <tr key={h.id} className="align-top">
          <td className="px-4 py-3 whitespace-nowrap text-slate-600">
            <Time value={h.at} style="datetime" />
          </td>
          <td className="px-4 py-3 font-medium text-slate-900">{h.author}</td>
          <td className="px-4 py-3 text-slate-600">{h.space ?? t("compliance.results.orgWide")}</td>
          <td className="px-4 py-3 text-slate-600">
            <span className="block">{KINDS[h.subjectKind] ? t(KINDS[h.subjectKind]) : h.subjectKind}</span>
            <span className="block text-xs">{t("records.results.version", { version: h.version, action: t(ACTIONS[h.action] ?? "records.action.other") })}</span>
            {h.deleted ? <span className="mt-1 inline-block rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700">{t("compliance.results.deleted")}</span> : null}
          </td>
          <td className="px-4 py-3">
            {h.expired ? (
              <em className="text-slate-500">{t("records.results.expired")}</em>
            ) : (
              <p className="whitespace-pre-wrap text-slate-800" data-testid="archive-excerpt">
                {h.excerpt.map((part, i) =>
                  part.match ? (
                    <mark key={i} className="rounded bg-amber-100 px-0.5 text-slate-900">
                      {part.text}
                    </mark>
                  ) : (
                    <span key={i}>{part.text}</span>
                  ),
                )}
              </p>
            )}
            {CONTENT.has(h.subjectKind) ? (
              <Link to={`/compliance/items/${h.subjectId}`} className="mt-1 inline-block text-xs text-brand-700 hover:underline">
                {t("records.results.open")}
              </Link>
            ) : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
