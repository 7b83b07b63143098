import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button, Card, cx, PageHeader, SuccessNotice } from "~/components/ui";
import { Time } from "~/components/time";
import { metaTitle, resolveLocale, useT, type Locale, type MessageKey } from "~/i18n";
import {
  clearSessionCookie,
  listActiveSessions,
  requireUser,
  revokeOtherSessions,
  revokeSession,
} from "~/identity/session.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "sessions.title");

const SessionIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("revoke"), sessionId: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("revokeOthers") }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sessions = await listActiveSessions(user.id);
  return json({
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.id === user.sessionId,
      device: summariseUserAgent(s.userAgent),
      userAgent: s.userAgent,
      ip: s.ip,
      created: new Date(s.createdAt).toISOString(),
      lastActive: new Date(s.lastActiveAt).toISOString(),
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const locale: Locale = resolveLocale(user.locale, request.headers.get("Accept-Language"));
  const parsed = await parseForm(request, SessionIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;

  if (input.intent === "revokeOthers") {
    await revokeOtherSessions(user.id, user.sessionId);
    const notice: MessageKey = "sessions.revokedOthers";
    return json({ ok: true as const, notice });
  }
  // Scoped to the signed-in user: someone else's session id matches nothing and changes nothing.
  const revoked = await revokeSession(input.sessionId, user.id);
  if (input.sessionId === user.sessionId) {
    return redirect("/login", { headers: { "Set-Cookie": clearSessionCookie(request) } });
  }
  const notice: MessageKey | null = revoked ? "sessions.revoked" : null;
  return json({ ok: true as const, notice });
}

type Device = { browser: string | null; os: string | null };

/** "Firefox on macOS" from a user-agent string; good enough to recognise one's own devices. */
function summariseUserAgent(ua: string): Device {
  const browser = /Edg(e|A|iOS)?\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /Firefox\/|FxiOS\//.test(ua)
        ? "Firefox"
        : /Chrom(e|ium)\/|CriOS\//.test(ua)
          ? "Chrome"
          : /Version\/[\d.]+.*Safari\//.test(ua)
            ? "Safari"
            : null;
  const os = /iPhone|iPad|iPod/.test(ua)
    ? "iOS"
    : /Android/.test(ua)
      ? "Android"
      : /Windows/.test(ua)
        ? "Windows"
        : /CrOS/.test(ua)
          ? "ChromeOS"
          : /Mac OS X|Macintosh/.test(ua)
            ? "macOS"
            : /Linux/.test(ua)
              ? "Linux"
              : null;
  return { browser, os };
}

export default function SessionsPage() {
  const { sessions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const busy = navigation.state === "submitting";
  const others = sessions.filter((s) => !s.current);
  const notice = actionData && "notice" in actionData ? actionData.notice : null;

  const deviceName = (d: Device) =>
    d.browser && d.os
      ? t("sessions.deviceSummary", { browser: d.browser, os: d.os })
      : (d.browser ?? d.os ?? t("sessions.unknownDevice"));

  return (
    <>
      <PageHeader
        title={t("sessions.title")}
        description={t("sessions.intro")}
        actions={
          others.length > 0 ? (
            <Form method="post">
              <input type="hidden" name="intent" value="revokeOthers" />
              <Button type="submit" variant="secondary" disabled={busy}>
                {t("sessions.revokeAll")}
              </Button>
            </Form>
          ) : null
        }
      />
      <SuccessNotice className="mb-4">{notice ? t(notice) : null}</SuccessNotice>
      <ul className="space-y-3" aria-label={t("sessions.title")}>
        {sessions.map((s) => {
          const name = deviceName(s.device);
          return (
            <li key={s.id} data-testid="session">
              <Card className={cx("flex flex-wrap items-start justify-between gap-4 p-4", s.current && "border-brand-300")}>
                <div className="min-w-0 space-y-1">
                  <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                    <span title={s.userAgent || undefined}>{name}</span>
                    {s.current ? (
                      <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">
                        {t("sessions.thisDevice")}
                      </span>
                    ) : null}
                  </p>
                  <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm text-slate-600">
                    <dt className="text-slate-500">{t("sessions.ipAddress")}</dt>
                    <dd>{s.ip || t("sessions.unknownIp")}</dd>
                    <dt className="text-slate-500">{t("sessions.created")}</dt>
                    <dd>
                      <Time value={s.created} style="datetime" />
                    </dd>
                    <dt className="text-slate-500">{t("sessions.lastActive")}</dt>
                    <dd>
                      <Time value={s.lastActive} />
                    </dd>
                  </dl>
                </div>
                <Form method="post">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="sessionId" value={s.id} />
                  <Button
                    type="submit"
                    variant={s.current ? "ghost" : "secondary"}
                    size="sm"
                    disabled={busy}
                    aria-label={s.current ? undefined : t("sessions.revokeLabel", { device: name })}
                  >
                    {s.current ? t("sessions.signOutHere") : t("sessions.revoke")}
                  </Button>
                </Form>
              </Card>
            </li>
          );
        })}
      </ul>
      {others.length === 0 ? <p className="mt-4 text-sm text-slate-600">{t("sessions.noOthers")}</p> : null}
    </>
  );
}
