import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { authorizeOrg } from "~/policy/authorize.server";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { InviteCard, UsersTable } from "~/components/admin-users";
import { PageHeader, SuccessNotice } from "~/components/ui";
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

  const invited = actionData?.ok && actionData.intent === "invite" ? actionData : null;
  const deactivated = actionData?.ok && actionData.intent === "deactivate" ? actionData : null;
  const failed = actionData && !actionData.ok ? actionData : null;

  return (
    <>
      <PageHeader title={t("admin.users.title")} description={t("admin.users.description")} />

      <InviteCard busy={busy} failed={failed} invited={invited} />

      <SuccessNotice className="mb-4">{deactivated ? t(deactivated.notice) : null}</SuccessNotice>

      <UsersTable orgName={orgName} users={users} busy={busy} />
    </>
  );
}
