import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { authorizeOrg } from "~/policy/authorize.server";
import { useLoaderData } from "@remix-run/react";
import { Card, EmptyState, PageHeader } from "~/components/ui";
import { devMailbox } from "~/platform/mail/mail.server";
import { Time } from "~/components/time";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { notFound } from "~/utils/http.server";

// Development only: the last messages the local SMTP sink received (SMTP_URL unset).
// Admins only, since digests carry other people's content.

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "digest.devMail.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  authorizeOrg(viewer, "admin");
  const messages = devMailbox();
  if (!messages) notFound();
  return json({ messages });
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
                    <Time value={m.at} style="datetime" className="ml-2 text-xs text-slate-500" />
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
