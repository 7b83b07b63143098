import { Form } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useT } from "~/i18n";
import { ORG_ROLES } from "~/policy/roles";
import { DataTable } from "./data-table";
import { PostButton } from "./post-button";
import { Button, Card, cx, Input, Select } from "./ui";

// The organisation's members page (app/routes/admin.users.tsx): inviting, the one-time invitation
// link, and the members table with deactivation.

export type AdminUserRow = { id: string; name: string; email: string; roles: string[]; status: string; isViewer: boolean; canDeactivate: boolean };
export type InviteFailure = { errors: Record<string, string | undefined>; values?: { intent?: string; email?: string; role?: string } } | null;
export type Invited = { inviteLink: string; email: string; days: number } | null;

/** The invitation form; after a successful invitation it empties and shows the link once. */
export function InviteCard({ busy, failed, invited }: { busy: boolean; failed: InviteFailure; invited: Invited }) {
  const { t } = useT();
  const inviteFormRef = useRef<HTMLFormElement>(null);
  const inviteErrors = failed && failed.values?.intent === "invite" ? failed.errors : {};
  useEffect(() => {
    if (invited) inviteFormRef.current?.reset();
  }, [invited]);
  return (
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
  );
}

/** Every member with roles and status; deactivation where the viewer may. */
export function UsersTable({ orgName, users, busy }: { orgName: string; users: AdminUserRow[]; busy: boolean }) {
  const { t } = useT();
  return (
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
