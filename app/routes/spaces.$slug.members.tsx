import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useOutletContext } from "@remix-run/react";
import { Button, Card } from "~/components/ui";
import { spaceMembersPage } from "~/spaces/spaces-forms.server";
import { useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import type { SpaceLayoutData } from "./spaces.$slug";
import { pathParam } from "~/utils/path-params.server";
import { isSlug } from "~/spaces/space-options";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await spaceMembersPage(viewer, pathParam(params, "slug", isSlug)));
}

type Person = { id: string; name: string; title: string; department: string };

export default function SpaceMembersTab() {
  const { members, pending, canManage } = useLoaderData<typeof loader>();
  const { space } = useOutletContext<SpaceLayoutData>();
  const { t } = useT();
  const action = `/spaces/${space.slug}`;
  return (
    <div className="space-y-8">
      {canManage ? (
        <section aria-labelledby="pending-title">
          <h2 id="pending-title" className="mb-3 text-base font-semibold text-slate-900">
            {t("spaces.members.pendingTitle")}
          </h2>
          {pending.length === 0 ? (
            <p className="text-sm text-slate-600">{t("spaces.members.noPending")}</p>
          ) : (
            <Card>
              <ul className="divide-y divide-slate-100">
                {pending.map((p) => (
                  <li key={p.id} className="flex items-center justify-between gap-4 px-4 py-3">
                    <PersonLine person={p} />
                    <MemberAction action={action} intent="approve" userId={p.id} label={t("spaces.members.approve")} ariaLabel={t("spaces.members.approveLabel", { name: p.name })} />
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </section>
      ) : null}

      <section aria-labelledby="members-title">
        <h2 id="members-title" className="mb-3 text-base font-semibold text-slate-900">
          {t("spaces.members.title")}
        </h2>
        {members.length === 0 ? (
          <p className="text-sm text-slate-600">{t("spaces.members.empty")}</p>
        ) : (
          <Card>
            <ul className="divide-y divide-slate-100">
              {members.map((m) => (
                <li key={m.id} className="flex items-center justify-between gap-4 px-4 py-3">
                  <div className="flex min-w-0 items-center gap-2">
                    <PersonLine person={m} />
                    {m.role === "admin" ? (
                      <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">{t("spaces.members.admin")}</span>
                    ) : null}
                    {m.isViewer ? (
                      <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{t("spaces.members.you")}</span>
                    ) : null}
                  </div>
                  {canManage && !m.isViewer ? (
                    <MemberAction
                      action={action}
                      intent="remove"
                      userId={m.id}
                      label={t("spaces.members.remove")}
                      ariaLabel={t("spaces.members.removeLabel", { name: m.name })}
                      confirm={t("spaces.members.removeConfirm", { name: m.name })}
                    />
                  ) : null}
                </li>
              ))}
            </ul>
          </Card>
        )}
      </section>
    </div>
  );
}

function PersonLine({ person }: { person: Person }) {
  return (
    <div className="min-w-0">
      <Link to={`/people/${person.id}`} className="font-medium text-slate-900 hover:underline">
        {person.name}
      </Link>
      <p className="truncate text-xs text-slate-500">{[person.title, person.department].filter(Boolean).join(" · ")}</p>
    </div>
  );
}

function MemberAction(props: { action: string; intent: "approve" | "remove"; userId: string; label: string; ariaLabel: string; confirm?: string }) {
  const fetcher = useFetcher();
  return (
    <fetcher.Form
      method="post"
      action={props.action}
      onSubmit={(event) => {
        if (props.confirm && !window.confirm(props.confirm)) event.preventDefault();
      }}
    >
      <input type="hidden" name="userId" value={props.userId} />
      <Button
        type="submit"
        name="intent"
        value={props.intent}
        size="sm"
        variant={props.intent === "approve" ? "primary" : "secondary"}
        disabled={fetcher.state !== "idle"}
        aria-label={props.ariaLabel}
      >
        {props.label}
      </Button>
    </fetcher.Form>
  );
}
