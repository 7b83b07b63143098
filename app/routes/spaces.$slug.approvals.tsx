import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PostCard } from "~/components/post-card";
import { Button, Card, FormError, SuccessNotice, Textarea } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { ApprovalIntentSchema, approvalsPage, runApprovalIntent } from "~/spaces/approvals.server";
import { isSlug } from "~/spaces/space-options";
import { badRequest, parseForm } from "~/utils/forms.server";
import { pathParam } from "~/utils/path-params.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "approvals.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await approvalsPage(viewer, pathParam(params, "slug", isSlug)));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, ApprovalIntentSchema, locale);
  if (!parsed.ok) return badRequest(parsed);
  const notice = await runApprovalIntent(viewer, pathParam(params, "slug", isSlug), parsed.data);
  return json({ ok: true as const, notice });
}

export default function ApprovalsTab() {
  const { space, queue, mine } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const failed = actionData && !actionData.ok ? actionData : null;
  return (
    <div className="space-y-8">
      <p className="text-sm text-slate-600">{t("approvals.intro", { tiers: space.tiers })}</p>
      <SuccessNotice>{actionData?.ok ? t(actionData.notice) : null}</SuccessNotice>
      <FormError>{failed ? Object.values(failed.errors).join(" ") : null}</FormError>

      <section aria-labelledby="queue-title" className="space-y-4">
        <h2 id="queue-title" className="text-base font-semibold text-slate-900">
          {t("approvals.queueTitle")}
        </h2>
        {queue.length === 0 ? <p className="text-sm text-slate-600">{t("approvals.queueEmpty")}</p> : null}
        {queue.map(({ post, tier }) => (
          <div key={post.id} className="space-y-2">
            <p className="text-xs font-medium text-slate-500">{t("approvals.tierOf", { tier, tiers: space.tiers })}</p>
            <PostCard post={post} showCommentLink={false} />
            <Card className="flex flex-wrap items-end gap-4 p-4">
              <Form method="post">
                <input type="hidden" name="intent" value="approve" />
                <input type="hidden" name="contentId" value={post.id} />
                <Button type="submit" disabled={busy}>
                  {t("approvals.approve")}
                </Button>
              </Form>
              <Form method="post" className="flex flex-1 flex-wrap items-end gap-2">
                <input type="hidden" name="intent" value="reject" />
                <input type="hidden" name="contentId" value={post.id} />
                <Textarea label={t("approvals.reason")} name="reason" required maxLength={500} rows={2} className="min-w-64 flex-1" />
                <Button type="submit" variant="secondary" disabled={busy}>
                  {t("approvals.reject")}
                </Button>
              </Form>
            </Card>
          </div>
        ))}
      </section>

      <section aria-labelledby="mine-title" className="space-y-4">
        <h2 id="mine-title" className="text-base font-semibold text-slate-900">
          {t("approvals.mineTitle")}
        </h2>
        {mine.length === 0 ? <p className="text-sm text-slate-600">{t("approvals.mineEmpty")}</p> : null}
        {mine.map(({ post, state, tier, reason }) => (
          <div key={post.id} className="space-y-2">
            <p className="text-xs font-medium text-slate-500">
              {state === "pending" ? `${t("approvals.state.pending")} · ${t("approvals.tierOf", { tier, tiers: space.tiers })}` : t("approvals.state.rejected")}
            </p>
            {state === "rejected" && reason ? <p className="text-sm text-rose-700">{t("approvals.returnedBecause", { reason })}</p> : null}
            <PostCard post={post} showCommentLink={false} />
            {state === "rejected" ? (
              <div className="flex gap-3">
                <Link to={`/posts/${post.id}/edit`} className="text-sm font-medium text-brand-700 hover:underline">
                  {t("approvals.edit")}
                </Link>
                <Form method="post">
                  <input type="hidden" name="intent" value="resubmit" />
                  <input type="hidden" name="contentId" value={post.id} />
                  <Button type="submit" size="sm" disabled={busy}>
                    {t("approvals.resubmit")}
                  </Button>
                </Form>
              </div>
            ) : null}
          </div>
        ))}
      </section>
    </div>
  );
}
