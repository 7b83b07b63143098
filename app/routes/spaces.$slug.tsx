import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Link, NavLink, Outlet, useFetcher, useLoaderData } from "@remix-run/react";
import { FollowButton } from "~/components/follow-button";
import { plural } from "~/components/post-card";
import { MemberBadge, VisibilityBadge } from "~/components/space-badges";
import { Button, buttonClasses, cx } from "~/components/ui";
import { runSpaceIntent, SpaceIntentSchema, spaceHeader, type SpaceIntentResult } from "~/spaces/spaces-forms.server";
import { metaTitle, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import { pathParam } from "~/utils/path-params.server";
import { isSlug } from "~/spaces/space-options";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? metaTitle(matches, "spaces.pageTitle", { name: data.space.name }) : metaTitle(matches, "spaces.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await spaceHeader(viewer, pathParam(params, "slug", isSlug)));
}

/** What the tabs get through the outlet context. */
export type SpaceLayoutData = SerializeFrom<typeof loader>;

const NOTICES: Record<SpaceIntentResult, MessageKey> = {
  joined: "spaces.notice.joined",
  requested: "spaces.notice.requested",
  left: "spaces.notice.left",
  followed: "spaces.notice.followed",
  unfollowed: "spaces.notice.unfollowed",
  approved: "spaces.notice.approved",
  removed: "spaces.notice.removed",
};

// Header and members-tab buttons post here (fetchers), whichever tab is open.
export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, SpaceIntentSchema, locale);
  if (!parsed.ok) return badRequest(parsed);
  const result = await runSpaceIntent(viewer, pathParam(params, "slug", isSlug), parsed.data);
  return json({ ok: true as const, result, notice: NOTICES[result] });
}

export default function SpaceLayout() {
  const data = useLoaderData<typeof loader>();
  const { space, abilities } = data;
  const { t, locale } = useT();
  const base = `/spaces/${space.slug}`;
  const tabs = [
    { to: base, label: t("spaces.tabs.feed"), end: true, show: true },
    { to: `${base}/members`, label: t("spaces.tabs.members"), end: false, show: abilities.read },
    { to: `${base}/approvals`, label: t("approvals.tab"), end: false, show: abilities.approvals },
    { to: `${base}/about`, label: t("spaces.tabs.about"), end: false, show: true },
  ].filter((tab) => tab.show);
  const isMember = abilities.leave;
  return (
    <>
      <header className="mb-6 space-y-4">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0 space-y-1">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="text-2xl font-semibold tracking-tight text-balance text-slate-900">{space.name}</h1>
              <VisibilityBadge visibility={space.visibility} />
              {isMember ? <MemberBadge /> : null}
            </div>
            {space.description ? <p className="max-w-2xl text-sm text-pretty text-slate-600">{space.description}</p> : null}
            <p className="text-xs text-slate-500">
              {t(plural(locale, space.members, "spaces.header.membersOne", "spaces.header.membersOther"), { count: space.members })} ·{" "}
              {t(`spaces.joinPolicy.${space.joinPolicy}` as const)}
            </p>
          </div>
          <SpaceActions data={data} />
        </div>
        <nav aria-label={t("spaces.tabs.label")} className="border-b border-slate-200">
          <ul className="-mb-px flex gap-4">
            {tabs.map((tab) => (
              <li key={tab.to}>
                <NavLink
                  to={tab.to}
                  end={tab.end}
                  className={({ isActive }) =>
                    cx(
                      "inline-block border-b-2 px-1 pb-2 text-sm font-medium",
                      isActive ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
                    )
                  }
                >
                  {tab.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <Outlet context={data} />
    </>
  );
}

function SpaceActions({ data }: { data: SpaceLayoutData }) {
  const { space, abilities, following, requested } = data;
  const { t } = useT();
  const fetcher = useFetcher<typeof action>();
  const busy = fetcher.state !== "idle";
  const base = `/spaces/${space.slug}`;
  const notice = fetcher.data && "notice" in fetcher.data ? fetcher.data.notice : null;
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap items-center gap-2">
        {abilities.read ? <FollowButton following={following} name={space.name} action={base} /> : null}
        {abilities.join || abilities.requestJoin || abilities.leave ? (
          <fetcher.Form method="post" action={base}>
            {abilities.leave ? (
              <Button type="submit" name="intent" value="leave" variant="secondary" disabled={busy}>
                {t("spaces.header.leave")}
              </Button>
            ) : abilities.join ? (
              <Button type="submit" name="intent" value="join" disabled={busy}>
                {t("spaces.header.join")}
              </Button>
            ) : requested ? (
              <Button type="button" variant="secondary" disabled>
                {t("spaces.header.requested")}
              </Button>
            ) : (
              <Button type="submit" name="intent" value="join" disabled={busy}>
                {t("spaces.header.requestJoin")}
              </Button>
            )}
          </fetcher.Form>
        ) : null}
        {abilities.manage ? (
          <Link to={`${base}/settings`} className={buttonClasses({ variant: "ghost" })}>
            {t("spaces.header.settings")}
          </Link>
        ) : null}
      </div>
      <p role="status" className="text-sm text-emerald-700">
        {notice && fetcher.state === "idle" ? t(notice) : null}
      </p>
    </div>
  );
}
