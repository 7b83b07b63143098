import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button, Card, PageHeader } from "~/components/ui";
import { loopMeasures } from "~/discovery/measures.server";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { calendarDay } from "~/utils/calendar-day";
import { now } from "~/utils/clock.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "measures.title");

const day = calendarDay;
const RangeQuery = z.object({ from: day.optional().catch(undefined), to: day.optional().catch(undefined) });

// Curators only (404 to everyone else): the funnel over a date range, reach and reuse per item.
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  authorizeOrg(viewer, "curate");
  const sp = new URL(request.url).searchParams;
  const q = RangeQuery.parse({ from: sp.get("from") ?? undefined, to: sp.get("to") ?? undefined });
  const to = q.to ? new Date(`${q.to}T23:59:59.999Z`) : now();
  const from = q.from ? new Date(`${q.from}T00:00:00.000Z`) : new Date(to.getTime() - 30 * 86_400_000);
  const m = await loopMeasures(viewer, from, to);
  return json({ from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10), ...m });
}

export default function MeasuresPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useT();
  const steps = [
    ["measures.candidates", data.funnel.candidates],
    ["measures.nominated", data.funnel.nominated],
    ["measures.approved", data.funnel.approved],
    ["measures.reach", data.funnel.reach],
  ] as const;
  return (
    <div className="mx-auto max-w-4xl space-y-8">
      <PageHeader title={t("measures.title")} description={t("measures.description")} />
      <Form method="get" className="flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-600">{t("measures.from")}</span>
          <input type="date" name="from" defaultValue={data.from} className="h-9 rounded-lg border border-slate-300 px-2" />
        </label>
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-600">{t("measures.to")}</span>
          <input type="date" name="to" defaultValue={data.to} className="h-9 rounded-lg border border-slate-300 px-2" />
        </label>
        <Button type="submit" size="sm" variant="secondary">
          {t("measures.apply")}
        </Button>
      </Form>
      <section aria-labelledby="funnel-h">
        <h2 id="funnel-h" className="mb-3 text-base font-semibold">
          {t("measures.funnel")}
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="funnel">
          {steps.map(([k, v]) => (
            <Card key={k} className="p-4">
              <dt className="text-xs text-slate-600">{t(k)}</dt>
              <dd className="text-2xl font-semibold">{v}</dd>
            </Card>
          ))}
        </dl>
      </section>
      <section aria-labelledby="rising-h">
        <h2 id="rising-h" className="mb-3 text-base font-semibold">
          {t("review.rising")}
        </h2>
        <ol className="list-decimal space-y-1 pl-6 text-sm">
          {data.rising.map((r) => (
            <li key={r.id}>
              <Link to={`/posts/${r.id}`} className="text-indigo-700 underline hover:no-underline">
                {r.excerpt || r.id}
              </Link>{" "}
              <span className="text-slate-500">{t("review.score", { score: r.score })}</span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="items-h">
        <h2 id="items-h" className="mb-3 text-base font-semibold">
          {t("measures.perItem")}
        </h2>
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b text-xs text-slate-600">
              <th className="py-2">{t("measures.item")}</th>
              <th>{t("measures.viewers")}</th>
              <th>{t("measures.byDepartment")}</th>
              <th>{t("measures.reuse")}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((i) => (
              <tr key={i.id} className="border-b align-top">
                <td className="py-2 pr-3">
                  <Link to={`/posts/${i.id}`} className="text-indigo-700 underline hover:no-underline">
                    {i.topic}
                  </Link>
                  <p className="line-clamp-2 text-xs text-slate-500">{i.excerpt}</p>
                </td>
                <td>{i.reach.viewers}</td>
                <td>
                  <ul>
                    {i.reach.byDepartment.map((d) => (
                      <li key={d.department}>
                        {d.department}: {d.viewers}
                      </li>
                    ))}
                    {i.reach.suppressed ? <li className="text-xs text-slate-500">{t("measures.suppressed", { count: i.reach.suppressed })}</li> : null}
                  </ul>
                </td>
                <td>
                  {i.reach.saves} / {i.reach.shares} / {i.reach.links}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
