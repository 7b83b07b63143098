import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Time } from "~/components/time";
import { Link, useLoaderData } from "@remix-run/react";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { buttonClasses, Card, cx, PageHeader } from "~/components/ui";
import { reviewItem } from "~/compliance/review.server";
import { metaTitle, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { idParam } from "~/utils/path-params.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "compliance.item.title");


export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const item = await reviewItem(viewer, idParam(params));
  const versions = item.versions.map((v) => {
    const data = (typeof v.data === "string" ? JSON.parse(v.data) : v.data) as Record<string, unknown>;
    return {
      id: v.id,
      intact: v.intact,
      seq: Number(v.seq),
      version: Number(v.version),
      action: v.action,
      actor: v.actor,
      at: new Date(v.at).toISOString(),
      title: typeof data.title === "string" ? data.title : "",
      // Content versions carry their text; other records (reactions) are shown as recorded.
      text: typeof data.text === "string" ? data.text : null,
      data: typeof data.text === "string" ? null : JSON.stringify(data),
      parentId: typeof data.parentId === "string" ? data.parentId : null,
      hash: v.hash,
      prevHash: v.prevHash,
    };
  });
  const parentId = [...versions].reverse().find((v) => v.parentId)?.parentId ?? null;
  return json({ id: item.id, kind: item.kind, deleted: item.deleted, parentId, versions, commentIds: item.commentIds });
}

const KINDS: Record<string, MessageKey> = {
  post: "compliance.kind.post",
  comment: "compliance.kind.comment",
  question: "compliance.kind.question",
  answer: "compliance.kind.answer",
};

const ACTIONS: Record<string, MessageKey> = {
  create: "compliance.action.create",
  edit: "compliance.action.edit",
  delete: "compliance.action.delete",
  restore: "compliance.action.restore",
  react: "compliance.action.react",
  unreact: "compliance.action.unreact",
  moderate: "compliance.action.moderate",
  expire: "compliance.action.expire",
};

const short = (hash: string) => (hash.length > 12 ? `${hash.slice(0, 12)}…` : hash);

export default function ComplianceItemPage() {
  const { id, kind, deleted, parentId, versions, commentIds } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <>
      <PageHeader
        title={t("compliance.item.title")}
        description={t("compliance.item.description", { kind: t(KINDS[kind] ?? "compliance.kind.other") })}
        actions={
          <a href={`/compliance/items/${id}/export`} download={`atrium-${id}.json`} className={buttonClasses({ variant: "secondary" })}>
            {t("compliance.item.export")}
          </a>
        }
      />
      <ComplianceNav />
      <AuditNotice />

      <div className="mb-6 flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
        <Link to="/compliance" className="text-slate-600 hover:text-slate-900 hover:underline">
          ← {t("compliance.item.back")}
        </Link>
        {parentId ? (
          <Link to={`/compliance/items/${parentId}`} className="text-brand-700 hover:underline">
            {t("compliance.item.parent")}
          </Link>
        ) : null}
        <span
          className={cx(
            "rounded-full px-2 py-0.5 text-xs font-medium",
            deleted ? "bg-red-50 text-red-700" : "bg-emerald-50 text-emerald-700",
          )}
        >
          {t(deleted ? "compliance.item.deleted" : "compliance.item.live")}
        </span>
      </div>

      <section aria-labelledby="versions-heading" className="mb-8">
        <h2 id="versions-heading" className="mb-3 text-base font-semibold text-slate-900">
          {t("compliance.item.versions")}
        </h2>
        {versions.length === 0 ? <p className="text-sm text-slate-600">{t("compliance.item.noVersions")}</p> : null}
        <ol className="space-y-3">
          {versions.map((v) => (
            <li key={v.id}>
              <Card className={cx("p-4", (v.action === "delete" || !v.intact) && "border-dashed border-red-300 bg-red-50/50")}>
                {v.intact ? null : (
                  <p role="alert" className="mb-2 text-xs font-semibold text-red-800">
                    {t("compliance.item.notIntact")}
                  </p>
                )}
                <h3 className="flex flex-wrap items-baseline gap-x-2 text-sm">
                  <span className="font-semibold text-slate-900">{t("compliance.item.versionHeading", { version: v.version })}</span>
                  <span className="text-slate-700">{t(ACTIONS[v.action] ?? "compliance.action.other")}</span>
                  <span className="text-slate-500">{t("compliance.item.by", { name: v.actor })}</span>
                  <Time value={v.at} style="datetime" className="text-slate-500" />
                  <span className="text-slate-400">{t("compliance.item.record", { seq: v.seq })}</span>
                </h3>
                {v.text !== null ? (
                  <div className="mt-3">
                    <p className="sr-only">{t("compliance.item.text")}</p>
                    {v.title ? <p className="font-medium text-slate-900">{v.title}</p> : null}
                    <p className="text-sm whitespace-pre-wrap text-slate-800">{v.text}</p>
                  </div>
                ) : (
                  <div className="mt-3">
                    <p className="text-xs font-medium text-slate-500">{t("compliance.item.data")}</p>
                    <code className="block text-xs break-all text-slate-700">{v.data}</code>
                  </div>
                )}
                <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs text-slate-500">
                  <dt>{t("compliance.item.hash")}</dt>
                  <dd>
                    <code title={v.hash}>{short(v.hash)}</code>
                  </dd>
                  <dt>{t("compliance.item.prevHash")}</dt>
                  <dd>
                    <code title={v.prevHash}>{short(v.prevHash)}</code>
                  </dd>
                </dl>
              </Card>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="comments-heading">
        <h2 id="comments-heading" className="mb-3 text-base font-semibold text-slate-900">
          {t("compliance.item.comments")}
        </h2>
        {commentIds.length ? (
          <ul className="flex flex-wrap gap-3 text-sm">
            {commentIds.map((commentId, i) => (
              <li key={commentId}>
                <Link to={`/compliance/items/${commentId}`} className="text-brand-700 hover:underline">
                  {t("compliance.item.commentLink", { n: i + 1 })}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600">{t("compliance.item.noComments")}</p>
        )}
      </section>
    </>
  );
}
