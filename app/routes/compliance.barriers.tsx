import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { PostButton } from "~/components/post-button";
import { Button, Card, EmptyState, Input, PageHeader, SuccessNotice } from "~/components/ui";
import { createBarrier, listBarriers, removeBarrier, requireBarrierManager } from "~/compliance/barriers.server";
import { Time } from "~/components/time";
import { metaTitle, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, nameField, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "compliance.barriers.title");

// "Research, Investment Banking" -> ["Research", "Investment Banking"], blanks and repeats dropped.
const departments = z
  .string()
  .max(6000, "compliance.barriers.error.side")
  .transform((raw) => [...new Set(raw.split(",").map((d) => d.trim()).filter(Boolean))])
  .refine((list) => list.length >= 1 && list.length <= 50 && list.every((d) => d.length <= 120), "compliance.barriers.error.side");

const BarrierIntent = z
  .discriminatedUnion("intent", [
    z.object({ intent: z.literal("create"), name: nameField, sideA: departments, sideB: departments }),
    z.object({ intent: z.literal("remove"), id: z.string().min(1).max(64) }),
  ])
  .superRefine((input, ctx) => {
    if (input.intent === "create" && input.sideA.some((d) => input.sideB.includes(d))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["sideB"], message: "compliance.barriers.error.overlap" });
    }
  });

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const rows = await listBarriers(viewer);
  return json({
    barriers: rows.map((b) => ({
      id: b.id,
      name: b.name,
      sideA: b.sideA,
      sideB: b.sideB,
      created: new Date(b.createdAt).toISOString(),
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  // Before reading the form: to anyone but compliance the page does not exist, even for bad input.
  requireBarrierManager(viewer);
  const parsed = await parseForm(request, BarrierIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  if (input.intent === "remove") {
    await removeBarrier(viewer, input.id);
    const notice: MessageKey = "compliance.barriers.removedNotice";
    return json({ ok: true as const, notice, name: "" });
  }
  const row = await createBarrier(viewer, { name: input.name, sideA: input.sideA, sideB: input.sideB });
  const notice: MessageKey = "compliance.barriers.createdNotice";
  return json({ ok: true as const, notice, name: row.name });
}

export default function BarriersPage() {
  const { barriers } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const formRef = useRef<HTMLFormElement>(null);
  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const errors: Record<string, string> = failed?.errors ?? {};

  useEffect(() => {
    if (done) formRef.current?.reset();
  }, [done]);

  return (
    <>
      <PageHeader title={t("compliance.barriers.title")} description={t("compliance.barriers.description")} />
      <ComplianceNav />

      <Card className="mb-8 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("compliance.barriers.create")}</h2>
        <Form method="post" ref={formRef} className="mt-4 grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="intent" value="create" />
          <Input
            label={t("compliance.barriers.name")}
            name="name"
            required
            maxLength={120}
            autoComplete="off"
            defaultValue={failed?.values?.name}
            errors={errors.name}
            className="sm:col-span-2"
          />
          <Input
            label={t("compliance.barriers.sideA")}
            name="sideA"
            required
            autoComplete="off"
            defaultValue={failed?.values?.sideA}
            errors={errors.sideA}
            hint={t("compliance.barriers.sidesHint")}
          />
          <Input
            label={t("compliance.barriers.sideB")}
            name="sideB"
            required
            autoComplete="off"
            defaultValue={failed?.values?.sideB}
            errors={errors.sideB}
            hint={t("compliance.barriers.sidesHint")}
          />
          <div className="sm:col-span-2">
            <Button type="submit" disabled={busy}>
              {t("compliance.barriers.submit")}
            </Button>
          </div>
        </Form>
      </Card>

      <SuccessNotice className="mb-4">{done ? t(done.notice, { name: done.name }) : null}</SuccessNotice>

      {barriers.length === 0 ? (
        <EmptyState title={t("compliance.barriers.emptyTitle")} description={t("compliance.barriers.emptyBody")} />
      ) : (
        <DataTable
          caption={t("compliance.barriers.listTitle")}
          columns={[t("compliance.barriers.name"), t("compliance.barriers.sideA"), t("compliance.barriers.sideB"), t("compliance.barriers.created")]}
          actionsColumn={t("compliance.barriers.remove")}
        >
          {barriers.map((b) => (
            <tr key={b.id} className="align-top">
              <td className="px-4 py-3 font-medium text-slate-900">{b.name}</td>
              <td className="px-4 py-3 text-slate-600">{b.sideA.join(", ")}</td>
              <td className="px-4 py-3 text-slate-600">{b.sideB.join(", ")}</td>
              <td className="px-4 py-3 whitespace-nowrap text-slate-600">
                <Time value={b.created} style="date" />
              </td>
              <td className="px-4 py-3 text-right">
                <PostButton
                  fields={{ intent: "remove", id: b.id }}
                  confirm={t("compliance.barriers.removeConfirm", { name: b.name })}
                  variant="secondary"
                  disabled={busy}
                  aria-label={t("compliance.barriers.removeLabel", { name: b.name })}
                >
                  {t("compliance.barriers.remove")}
                </PostButton>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
