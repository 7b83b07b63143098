import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { Link } from "~/components/link";
import { z } from "zod";
import { plural } from "~/components/post-card";
import { Time } from "~/components/time";
import { Button, Card, cx, EmptyState, PageHeader } from "~/components/ui";
import { NOTIFICATION_TEXT } from "~/notifications/kinds";
import { groupNotifications, listNotifications, markRead, notificationHref } from "~/notifications/notifications.server";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { safeRedirect } from "~/utils/safe-redirect";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "notifications.title");

const ids = z
  .string()
  .max(2000)
  .transform((s) => s.split(",").filter(Boolean))
  .pipe(z.array(z.string().min(1).max(64)).min(1).max(100));

const NotificationAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("markAllRead") }),
  z.object({ intent: z.literal("markRead"), ids }),
  // opening a notification marks it (and its group) read, then goes to what it is about
  z.object({ intent: z.literal("open"), ids, to: z.string().max(500) }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, viewer } = await requireViewer(request);
  const before = new URL(request.url).searchParams.get("before");
  const page = await listNotifications(user.id, { before: before && before.length <= 200 ? before : null, viewer });
  const groups = groupNotifications(page.items).map((g) => ({ ...g, href: notificationHref(g) }));
  return json({ groups, nextCursor: page.nextCursor, paged: !!before });
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, locale } = await requireViewer(request);
  const parsed = await parseForm(request, NotificationAction, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  // only the person's own notifications are touched (markRead filters on the user)
  await markRead(user.id, input.intent === "markAllRead" ? "all" : input.ids);
  if (input.intent === "open") return redirect(safeRedirect(input.to, "/notifications"));
  return json({ ok: true as const });
}

export default function NotificationsPage() {
  const { groups, nextCursor, paged } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  const busy = useNavigation().state === "submitting";
  const anyUnread = groups.some((n) => n.unread);
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader
        title={t("notifications.title")}
        actions={
          anyUnread ? (
            <Form method="post">
              <input type="hidden" name="intent" value="markAllRead" />
              <Button type="submit" variant="secondary" size="sm" disabled={busy}>
                {t("notifications.markAllRead")}
              </Button>
            </Form>
          ) : null
        }
      />
      {groups.length === 0 ? (
        <EmptyState title={t("notifications.emptyTitle")} description={t("notifications.emptyBody")} />
      ) : (
        <ul className="space-y-2">
          {groups.map((n) => {
            const who = n.actorName ?? t("notifications.someone");
            const name = n.others > 0 ? t(plural(locale, n.others, "notifications.others.one", "notifications.others.other"), { name: who, count: n.others }) : who;
            return (
              <li key={n.ids[0]}>
                <Card className={cx("p-0", n.unread && "border-brand-200 bg-brand-50/40")}>
                  {/* one form a notification: its two buttons say what to do with the same ids */}
                  <Form method="post" className="flex items-start gap-2">
                    <input type="hidden" name="ids" value={n.ids.join(",")} />
                    <input type="hidden" name="to" value={n.href} />
                    <button type="submit" name="intent" value="open" className="block min-w-0 flex-1 space-y-1 px-4 py-3 text-left hover:bg-slate-50" data-notification={n.ids[0]}>
                      <span className="flex items-center gap-2 text-sm text-slate-900">
                        {n.unread ? (
                          <span className="size-2 shrink-0 rounded-full bg-brand-600">
                            <span className="sr-only">{t("notifications.unread")}</span>
                          </span>
                        ) : null}
                        <span className={cx(n.unread && "font-semibold")}>{t(NOTIFICATION_TEXT[n.kind] ?? "notifications.mention", { name })}</span>
                        <Time value={n.at} className="ml-auto shrink-0 text-xs text-slate-500" />
                      </span>
                      {n.excerpt ? <span className="line-clamp-2 block text-sm text-slate-600">{n.excerpt}</span> : null}
                    </button>
                    {n.unread ? (
                      <Button type="submit" name="intent" value="markRead" variant="ghost" size="sm" disabled={busy} className="my-2 mr-2 shrink-0">
                        {t("notifications.markRead")}
                      </Button>
                    ) : null}
                  </Form>
                </Card>
              </li>
            );
          })}
        </ul>
      )}
      <nav className="mt-4 flex justify-between text-sm">
        {paged ? (
          <Link to="/notifications" className="text-brand-700 hover:underline">
            {t("notifications.newest")}
          </Link>
        ) : (
          <span />
        )}
        {nextCursor ? (
          <Link to={`/notifications?before=${encodeURIComponent(nextCursor)}`} className="text-brand-700 hover:underline">
            {t("notifications.older")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
