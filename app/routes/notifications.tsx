import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button, Card, cx, EmptyState, PageHeader } from "~/components/ui";
import { NOTIFICATION_TEXT } from "~/notifications/kinds";
import { listNotifications, markRead } from "~/notifications/notifications.server";
import { formatDateTime, metaTitle, useT } from "~/i18n";
import { requireUser } from "~/identity/session.server";
import { resolveLocale } from "~/i18n";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "notifications.title");

const MarkForm = z.object({ intent: z.literal("markAllRead") });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = resolveLocale(user.locale, request.headers.get("Accept-Language"));
  const rows = await listNotifications(user.id);
  return json({
    items: rows.map((n) => ({
      id: n.id,
      kind: n.kind,
      actorName: n.actor_name,
      postId: n.post_id,
      base: n.thread_kind === "question" ? "/questions" : "/posts",
      subjectId: n.subject_id,
      excerpt: n.excerpt,
      unread: n.read_at === null,
      at: new Date(n.created_at).toISOString(),
      when: formatDateTime(locale, n.created_at, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC", timeZoneName: "short" }),
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const locale = resolveLocale(user.locale, request.headers.get("Accept-Language"));
  const parsed = await parseForm(request, MarkForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  await markRead(user.id, "all");
  return json({ ok: true as const });
}


export default function NotificationsPage() {
  const { items } = useLoaderData<typeof loader>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const anyUnread = items.some((n) => n.unread);
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
      {items.length === 0 ? (
        <EmptyState title={t("notifications.emptyTitle")} description={t("notifications.emptyBody")} />
      ) : (
        <ul className="space-y-2">
          {items.map((n) => {
            const href = n.subjectId === n.postId ? `${n.base}/${n.postId}` : `${n.base}/${n.postId}#post-${n.subjectId}`;
            return (
              <li key={n.id}>
                <Card className={cx("p-0", n.unread && "border-brand-200 bg-brand-50/40")}>
                  <Link to={href} className="block space-y-1 px-4 py-3 hover:bg-slate-50">
                    <p className="flex items-center gap-2 text-sm text-slate-900">
                      {n.unread ? (
                        <span className="size-2 shrink-0 rounded-full bg-brand-600">
                          <span className="sr-only">{t("notifications.unread")}</span>
                        </span>
                      ) : null}
                      <span className={cx(n.unread && "font-semibold")}>
                        {t(NOTIFICATION_TEXT[n.kind] ?? "notifications.mention", { name: n.actorName ?? t("notifications.someone") })}
                      </span>
                      <time dateTime={n.at} className="ml-auto shrink-0 text-xs text-slate-500">
                        {n.when}
                      </time>
                    </p>
                    {n.excerpt ? <p className="line-clamp-2 text-sm text-slate-600">{n.excerpt}</p> : null}
                  </Link>
                </Card>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
