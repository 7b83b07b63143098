import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { authorizeOrg } from "~/policy/authorize.server";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { DataTable } from "~/components/data-table";
import { PostButton } from "~/components/post-button";
import { Button, Card, cx, Input, PageHeader, Select, SuccessNotice } from "~/components/ui";
import { metaTitle, translate, useT, type MessageKey } from "~/i18n";
import { deactivateUserAs, inviteAs, listUsersAs } from "~/identity/admin.server";
import { ORG_ROLES } from "~/policy/roles";
import type { Viewer } from "~/policy/policy";
import { requireViewer } from "~/identity/request.server";
import { badRequest, emailField, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "admin.users.title");

const AdminIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("invite"), email: emailField, role: z.enum(ORG_ROLES) }),
  z.object({ intent: z.literal("deactivate"), userId: z.string().min(1).max(64) }),
]);

// What an admin page does not let you do does not exist for you: 404, never 403.
function requireAdmin(viewer: Viewer) {
  authorizeOrg(viewer, "admin");
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, viewer } = await requireViewer(request);
  requireAdmin(viewer);
  const users = await listUsersAs(viewer);
  return json({ orgName: user.orgName, users });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireAdmin(viewer);
  const parsed = await parseForm(request, AdminIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;

  if (input.intent === "deactivate") {
    await deactivateUserAs(viewer, input.userId);
    const notice: MessageKey = "admin.users.deactivatedNotice";
    return json({ ok: true as const, intent: "deactivate" as const, notice });
  }

  const result = await inviteAs(viewer, { email: input.email, role: input.role });
  if (!result.ok) {
    return badRequest({
      errors: { email: translate(locale, "admin.users.inviteExists") },
      values: { intent: "invite", email: input.email, role: input.role },
    });
  }
  // Shown once: only the token's hash is stored, so the link cannot be displayed again.
  const inviteLink = `${new URL(request.url).origin}/invite/${result.token}`;
  return json({ ok: true as const, intent: "invite" as const, inviteLink, email: result.email, days: result.expiresInDays });
}

export default function AdminUsersPage() {
  const { orgName, users } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const busy = navigation.state === "submitting";
  const inviteFormRef = useRef<HTMLFormElement>(null);

  const invited = actionData?.ok && actionData.intent === "invite" ? actionData : null;
  const deactivated = actionData?.ok && actionData.intent === "deactivate" ? actionData : null;
  const failed = actionData && !actionData.ok ? actionData : null;
  const inviteErrors = failed && failed.values?.intent === "invite" ? failed.errors : {};

  useEffect(() => {
    if (invited) inviteFormRef.current?.reset();
  }, [invited]);

  return (
    <>
      <PageHeader title={t("admin.users.title")} description={t("admin.users.description")} />

      <Card className="mb-8 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("admin.users.invite")}</h2>
        <Form method="post" ref={inviteFormRef} className="mt-4 flex flex-wrap items-start gap-4">
          <input type="hidden" name="intent" value="invite" />
          <Input
            label={t("admin.users.email")}
            name="email"
            type="email"
            required
            autoComplete="off"
            className="min-w-64 flex-1"
            defaultValue={failed?.values?.email}
            errors={inviteErrors.email}
          />
          <Select
            label={t("admin.users.role")}
            name="role"
            defaultValue={failed?.values?.role ?? "member"}
            errors={inviteErrors.role}
            className="w-56"
          >
            {ORG_ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}` as const)}
              </option>
            ))}
          </Select>
          <Button type="submit" className="mt-7" disabled={busy}>
            {t("admin.users.inviteSubmit")}
          </Button>
        </Form>
        {invited ? <InviteLink link={invited.inviteLink} email={invited.email} days={invited.days} /> : null}
      </Card>

      <SuccessNotice className="mb-4">{deactivated ? t(deactivated.notice) : null}</SuccessNotice>

      <DataTable
        caption={t("admin.users.members", { org: orgName })}
        columns={[t("admin.users.name"), t("admin.users.email"), t("admin.users.roles"), t("admin.users.status")]}
        actionsColumn={t("admin.users.actions")}
        note={users.length <= 1 ? t("admin.users.empty") : null}
      >
        {users.map((u) => (
          <tr key={u.id}>
            <td className="px-4 py-3 font-medium text-slate-900">
              {u.name}
              {u.isViewer ? (
                <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
                  {t("admin.users.you")}
                </span>
              ) : null}
            </td>
            <td className="px-4 py-3 text-slate-600">{u.email}</td>
            <td className="px-4 py-3 text-slate-600">
              {u.roles
                .filter((r): r is (typeof ORG_ROLES)[number] => (ORG_ROLES as readonly string[]).includes(r))
                .map((r) => t(`role.${r}` as const))
                .join(", ")}
            </td>
            <td className="px-4 py-3">
              <span
                className={cx(
                  "rounded-full px-2 py-0.5 text-xs font-medium",
                  u.status === "active" ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600",
                )}
              >
                {u.status === "active" ? t("admin.users.active") : t("admin.users.deactivated")}
              </span>
            </td>
            <td className="px-4 py-3 text-right">
              {u.canDeactivate ? (
                <PostButton
                  fields={{ intent: "deactivate", userId: u.id }}
                  confirm={t("admin.users.deactivateConfirm", { name: u.name })}
                  variant="secondary"
                  disabled={busy}
                  aria-label={t("admin.users.deactivateLabel", { name: u.name })}
                >
                  {t("admin.users.deactivate")}
                </PostButton>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

function InviteLink({ link, email, days }: { link: string; email: string; days: number }) {
  const { t } = useT();
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const inputRef = useRef<HTMLInputElement>(null);

  async function onCopy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopy("copied");
    } catch {
      inputRef.current?.select();
      setCopy("failed");
    }
  }

  return (
    <div className="mt-6 rounded-lg border border-brand-200 bg-brand-50 p-4">
      <div className="flex flex-wrap items-end gap-3">
        <Input
          ref={inputRef}
          label={t("admin.users.inviteLink")}
          value={link}
          readOnly
          onFocus={(event) => event.currentTarget.select()}
          hint={t("admin.users.inviteLinkHint", { email, days })}
          className="min-w-64 flex-1"
          inputClassName="font-mono"
        />
        <Button type="button" variant="secondary" onClick={onCopy} className="mb-6">
          {copy === "copied" ? t("admin.users.copied") : t("admin.users.copy")}
        </Button>
      </div>
      <p role="status" className="text-sm text-red-700">
        {copy === "failed" ? t("admin.users.copyFailed") : null}
      </p>
    </div>
  );
}
