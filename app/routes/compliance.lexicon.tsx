import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { Button, Card, Input, PageHeader, Select, SuccessNotice, Textarea } from "~/components/ui";
import { requireComplianceViewer } from "~/compliance/review.server";
import { metaTitle, translate, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { listPolicies, listSampling, PolicyInput, SamplingInput, savePolicy, setSampling } from "~/supervision/policies.server";
import { SEVERITIES } from "~/supervision/vocabulary";
import { queueFilterOptions } from "~/supervision/queue.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "supervision.lexicon.title");

const PolicyForm = z.object({ intent: z.literal("policy"), id: z.string().max(64).default("") }).and(PolicyInput);
const SamplingForm = z.object({ intent: z.literal("sampling") }).and(SamplingInput);

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  requireComplianceViewer(viewer);
  const [policies, sampling, options] = await Promise.all([listPolicies(viewer), listSampling(viewer), queueFilterOptions(viewer)]);
  const editId = new URL(request.url).searchParams.get("edit");
  const editing = policies.find((p) => p.id === editId) ?? null;
  return json({ policies, sampling, spaces: options.spaces, editing });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireComplianceViewer(viewer);
  const intent = (await request.clone().formData().catch(() => null))?.get("intent");
  if (intent !== "sampling") {
    const parsed = await parseForm(request, PolicyForm, locale);
    if (!parsed.ok) return badRequest(parsed);
    const d = parsed.data;
    await savePolicy(viewer, { ...d, id: d.id || null, terms: d.terms.join("\n"), patterns: d.patterns.join("\n"), exceptions: d.exceptions.join("\n") });
    return json({ ok: true as const, message: translate(locale, "supervision.policy.saved") });
  }
  const parsed = await parseForm(request, SamplingForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  await setSampling(viewer, { spaceId: parsed.data.spaceId, percent: parsed.data.percent });
  return json({ ok: true as const, message: translate(locale, "supervision.sampling.saved") });
}

export default function LexiconPage() {
  const { policies, sampling, spaces, editing } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const errors = result && !result.ok ? result.errors : {};
  const values = result && !result.ok ? result.values : null;
  const field = (name: "name" | "terms" | "patterns" | "exceptions", fallback: string) => values?.[name] ?? fallback;
  return (
    <>
      <PageHeader title={t("supervision.lexicon.title")} description={t("supervision.lexicon.description")} />
      <ComplianceNav />
      <AuditNotice />
      {result?.ok ? <SuccessNotice className="mb-4">{result.message}</SuccessNotice> : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card className="p-6">
          <h2 className="text-base font-semibold text-slate-900">{editing ? t("supervision.policy.edit", { name: editing.name }) : t("supervision.policy.new")}</h2>
          <Form method="post" className="mt-4 grid gap-4" key={editing?.id ?? "new"}>
            <input type="hidden" name="intent" value="policy" />
            <input type="hidden" name="id" value={editing?.id ?? ""} />
            <Input label={t("supervision.policy.name")} name="name" required maxLength={100} defaultValue={field("name", editing?.name ?? "")} errors={errors.name} />
            <Select label={t("supervision.policy.severity")} name="severity" defaultValue={values?.severity ?? editing?.severity ?? "medium"} errors={errors.severity}>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`supervision.severity.${s}`)}
                </option>
              ))}
            </Select>
            <Textarea label={t("supervision.policy.terms")} name="terms" hint={t("supervision.policy.termsHint")} defaultValue={field("terms", editing?.terms.join("\n") ?? "")} errors={errors.terms} />
            <Textarea label={t("supervision.policy.patterns")} name="patterns" hint={t("supervision.policy.patternsHint")} defaultValue={field("patterns", editing?.patterns.join("\n") ?? "")} errors={errors.patterns} />
            <Textarea label={t("supervision.policy.exceptions")} name="exceptions" hint={t("supervision.policy.exceptionsHint")} defaultValue={field("exceptions", editing?.exceptions.join("\n") ?? "")} errors={errors.exceptions} />
            <Select label={t("supervision.policy.active")} name="active" defaultValue={values?.active ?? (editing && !editing.active ? "off" : "on")}>
              <option value="on">{t("supervision.policy.active")}</option>
              <option value="off">{t("supervision.policy.inactive")}</option>
            </Select>
            <div>
              <Button type="submit">{t("supervision.policy.save")}</Button>
            </div>
          </Form>
        </Card>
        <div className="space-y-6">
          <Card className="p-6">
            <h2 className="text-base font-semibold text-slate-900">{t("supervision.policy.list")}</h2>
            {policies.length === 0 ? (
              <p className="mt-2 text-sm text-slate-600">{t("supervision.policy.none")}</p>
            ) : (
              <ul className="mt-2 space-y-2 text-sm">
                {policies.map((p) => (
                  <li key={p.id}>
                    <Link to={`?edit=${p.id}`} className="font-medium text-brand-700 hover:underline">
                      {p.name}
                    </Link>{" "}
                    · {t(`supervision.severity.${p.severity}`)} · {t(p.active ? "supervision.policy.active" : "supervision.policy.inactive")}
                    <span className="block text-slate-600">{[...p.terms, ...p.patterns.map((x) => `/${x}/`)].join(", ")}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card className="p-6">
            <h2 className="text-base font-semibold text-slate-900">{t("supervision.sampling.heading")}</h2>
            <p className="mt-1 text-sm text-slate-600">{t("supervision.sampling.hint")}</p>
            <ul className="mt-2 space-y-1 text-sm text-slate-700">
              {sampling.map((s) => (
                <li key={s.spaceId}>{t("supervision.sampling.current", { scope: s.spaceName ?? t("supervision.sampling.orgWide"), percent: s.percent, seed: s.seedFingerprint })}</li>
              ))}
            </ul>
            <Form method="post" className="mt-4 grid gap-4 sm:grid-cols-2">
              <input type="hidden" name="intent" value="sampling" />
              <Select label={t("supervision.sampling.scope")} name="spaceId" defaultValue="">
                <option value="">{t("supervision.sampling.orgWide")}</option>
                {spaces.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </Select>
              <Input label={t("supervision.sampling.percent")} name="percent" type="number" min={0} max={100} step="0.1" required errors={errors.percent} />
              <div className="sm:col-span-2">
                <Button type="submit">{t("supervision.sampling.save")}</Button>
              </div>
            </Form>
          </Card>
        </div>
      </div>
    </>
  );
}
