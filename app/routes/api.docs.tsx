import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { apiReference } from "~/integrations/api-openapi.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "apiDocs.title");

// The readable API reference, server-rendered from the same OpenAPI document (no external script: CSP).
export async function loader({ request }: LoaderFunctionArgs) {
  await requireViewer(request);
  return json({ operations: apiReference() });
}

export default function ApiDocsPage() {
  const { operations } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("apiDocs.title")} description={t("apiDocs.description", { url: "/api/v1/openapi.json" })} />
      <div className="space-y-4">
        {operations.map((op) => (
          <Card key={`${op.method} ${op.path}`} className="p-5">
            <h2 className="font-mono text-sm font-semibold text-slate-900">
              <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 uppercase">{op.method}</span>
              {op.path}
            </h2>
            <p className="mt-1 text-sm text-slate-700">{op.summary}</p>
            <dl className="mt-3 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
              <dt className="text-slate-500">{t("apiDocs.scope")}</dt>
              <dd className="font-mono">{op.scope ?? t("apiDocs.none")}</dd>
              <dt className="text-slate-500">{t("apiDocs.params")}</dt>
              <dd className="font-mono">{op.query.length ? op.query.join(", ") : t("apiDocs.none")}</dd>
              <dt className="text-slate-500">{t("apiDocs.body")}</dt>
              <dd className="font-mono">{op.body ?? t("apiDocs.none")}</dd>
              <dt className="text-slate-500">{t("apiDocs.response")}</dt>
              <dd className="font-mono">{op.response}</dd>
            </dl>
          </Card>
        ))}
      </div>
    </>
  );
}
