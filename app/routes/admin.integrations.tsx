import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { DataTable } from "~/components/data-table";
import { PostButton } from "~/components/post-button";
import { Button, Card, cx, Input, PageHeader, Select, SuccessNotice } from "~/components/ui";
import { metaTitle, translate, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { createApiToken, listApiTokens, revokeApiToken, TokenInputError, tokenOwners } from "~/integrations/tokens.server";
import { API_SCOPES, TOKEN_KINDS } from "~/integrations/token-kinds";
import { authorizeOrg } from "~/policy/authorize.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "integrations.title");

const list = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

const Intent = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    kind: z.enum(TOKEN_KINDS),
    name: z.string().trim().min(1).max(80),
    ownerId: z.string().max(64).default(""),
    scopes: list.default([]),
    expiresInDays: z
      .string()
      .trim()
      .regex(/^\d{0,4}$/)
      .default("")
      .transform((v) => (v ? Number(v) : null))
      .pipe(z.number().int().min(1).max(3650).nullable()),
  }),
  z.object({ intent: z.literal("revoke"), tokenId: z.string().min(1).max(64) }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, viewer } = await requireViewer(request);
  authorizeOrg(viewer, "manage_integrations");
  const [tokens, owners] = await Promise.all([listApiTokens(viewer), tokenOwners(viewer)]);
  return json({ orgName: user.orgName, tokens, owners, viewerId: viewer.id });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  // Before reading the form: to anyone but an org admin the page does not exist, even for bad input.
  authorizeOrg(viewer, "manage_integrations");
  const parsed = await parseForm(request, Intent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  if (input.intent === "revoke") {
    await revokeApiToken(viewer, input.tokenId);
    const notice: MessageKey = "integrations.revoked";
    return json({ ok: true as const, intent: "revoke" as const, notice });
  }
  try {
    const made = await createApiToken(viewer, {
      kind: input.kind,
      name: input.name,
      ownerId: input.ownerId,
      scopes: input.scopes,
      expiresInDays: input.expiresInDays,
    });
    // Shown once: only the hash is stored.
    return json({ ok: true as const, intent: "create" as const, token: made.token });
  } catch (e) {
    if (!(e instanceof TokenInputError)) throw e;
    const key: MessageKey = e.field === "ownerId" ? "integrations.error.owner" : "integrations.error.scopes";
    return badRequest({ errors: { [e.field]: translate(locale, key) }, values: { intent: "create", kind: input.kind, name: input.name, ownerId: input.ownerId } });
  }
}

export default function IntegrationsPage() {
  const { orgName, tokens, owners, viewerId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const busy = navigation.state === "submitting";
  const created = actionData?.ok && actionData.intent === "create" ? actionData : null;
  const revoked = actionData?.ok && actionData.intent === "revoke" ? actionData : null;
  const failed = actionData && !actionData.ok ? actionData : null;
  const errors: Record<string, string> = failed?.errors ?? {};

  return (
    <>
      <PageHeader title={t("integrations.title")} description={t("integrations.description")} />
      <p className="mb-6 text-sm">
        <Link to="/api/docs" className="text-brand-700 underline">
          {t("integrations.docsLink")}
        </Link>
      </p>

      <Card className="mb-8 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("integrations.create")}</h2>
        <Form method="post" className="mt-4 grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="intent" value="create" />
          <Select label={t("integrations.kind")} name="kind" defaultValue={failed?.values?.kind ?? "personal"} errors={errors.kind}>
            {(["personal", "service", "scim"] as const).map((k) => (
              <option key={k} value={k}>
                {t(`integrations.kind.${k}`)}
              </option>
            ))}
          </Select>
          <Input label={t("integrations.name")} name="name" required maxLength={80} defaultValue={failed?.values?.name} errors={errors.name} />
          <Select
            label={t("integrations.owner")}
            name="ownerId"
            defaultValue={failed?.values?.ownerId ?? viewerId ?? ""}
            errors={errors.ownerId}
            hint={t("integrations.ownerHint")}
          >
            {owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} ({o.email})
              </option>
            ))}
          </Select>
          <Input label={t("integrations.expires")} name="expiresInDays" inputMode="numeric" pattern="[0-9]*" errors={errors.expiresInDays} />
          <fieldset className="sm:col-span-2">
            <legend className="text-sm font-medium text-slate-700">{t("integrations.scopes")}</legend>
            <div className="mt-2 flex flex-wrap gap-4">
              {API_SCOPES.map((s) => (
                <label key={s} className="flex items-center gap-2 text-sm text-slate-700">
                  <input type="checkbox" name="scopes" value={s} defaultChecked={s === "read"} className="size-4 rounded border-slate-300" />
                  {t(`integrations.scope.${s}`)}
                </label>
              ))}
            </div>
            {errors.scopes ? <p className="mt-1 text-sm text-red-700">{errors.scopes}</p> : null}
          </fieldset>
          <div className="sm:col-span-2">
            <Button type="submit" disabled={busy}>
              {t("integrations.submit")}
            </Button>
          </div>
        </Form>
        {created ? (
          <div className="mt-6 rounded-lg border border-brand-200 bg-brand-50 p-4">
            <Input
              label={t("integrations.created")}
              value={created.token}
              readOnly
              onFocus={(event) => event.currentTarget.select()}
              inputClassName="font-mono"
              data-testid="new-token"
            />
          </div>
        ) : null}
      </Card>

      <SuccessNotice className="mb-4">{revoked ? t(revoked.notice) : null}</SuccessNotice>

      <DataTable
        caption={t("integrations.tokens", { org: orgName })}
        columns={[t("integrations.col.name"), t("integrations.col.kind"), t("integrations.col.owner"), t("integrations.col.scopes"), t("integrations.col.lastUsed"), t("integrations.col.status")]}
        actionsColumn={t("integrations.col.actions")}
        note={tokens.length === 0 ? t("integrations.empty") : null}
      >
        {tokens.map((tk) => (
          <tr key={tk.id}>
            <td className="px-4 py-3 font-medium text-slate-900">{tk.name}</td>
            <td className="px-4 py-3 text-slate-600">{t(`integrations.kind.${tk.kind}`)}</td>
            <td className="px-4 py-3 text-slate-600">{tk.ownerName}</td>
            <td className="px-4 py-3 font-mono text-xs text-slate-600">{tk.scopes.join(" ")}</td>
            <td className="px-4 py-3 text-slate-600">{tk.lastUsedAt ? tk.lastUsedAt.slice(0, 16).replace("T", " ") : t("integrations.never")}</td>
            <td className="px-4 py-3">
              <span className={cx("rounded-full px-2 py-0.5 text-xs font-medium", tk.status === "active" ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600")}>
                {t(`integrations.status.${tk.status}`)}
              </span>
            </td>
            <td className="px-4 py-3 text-right">
              {tk.status === "active" ? (
                <PostButton fields={{ intent: "revoke", tokenId: tk.id }} variant="secondary" disabled={busy} aria-label={`${t("integrations.revoke")} ${tk.name}`}>
                  {t("integrations.revoke")}
                </PostButton>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
