import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { authorizeOrg } from "~/policy/authorize.server";
import { useLoaderData } from "@remix-run/react";
import { Card, EmptyState, PageHeader } from "~/components/ui";
import { devMailbox } from "~/platform/mail/mail.server";
import { formatDateTime, metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { notFound } from "~/utils/http.server";

// Development only: the last messages the local SMTP sink received (SMTP_URL unset).
// Admins only, since digests carry other people's content.

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "digest.devMail.title");

const WHEN: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "UTC", timeZoneName: "short" };

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  authorizeOrg(viewer, "admin");
  const messages = devMailbox();
  if (!messages) notFound();
  return json({
    messages: messages.map((m) => ({ ...m, when: formatDateTime(locale, m.at, WHEN) })),
  });
}

export default function DevMailPage() {
  const { messages } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={t("digest.devMail.title")} description={t("digest.devMail.intro")} />
      {messages.length === 0 ? (
        <EmptyState title={t("digest.devMail.empty")} />
      ) : (
        <ul className="space-y-3">
          {messages.map((m) => (
            <li key={m.id}>
              <Card className="p-4">
                <details>
                  <summary className="cursor-pointer text-sm">
                    <span className="font-medium text-slate-900">{m.subject}</span>
                    <span className="ml-2 text-slate-600">→ {m.to}</span>
                    <time dateTime={m.at} className="ml-2 text-xs text-slate-500">
                      {m.when}
                    </time>
                  </summary>
                  <p className="mt-2 text-xs text-slate-500">{m.file}</p>
                  <pre className="mt-2 overflow-x-auto text-xs whitespace-pre-wrap text-slate-800">{m.text}</pre>
                </details>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
