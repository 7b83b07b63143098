import { Form, useNavigation } from "@remix-run/react";
import { Link } from "~/components/link";
import type { PostView } from "~/content/hydrate.server";
import { useT } from "~/i18n";
import { PostCard } from "./post-card";
import { useWhen } from "./time";
import { Button, Card, Input, Select, SuccessNotice, Textarea } from "./ui";

// Pieces of the discovery loop shown on posts and feeds. The loader decides what the
// viewer may do and see; these only render it.

export type Approval = { state: "approved" | "changed" | "stale"; topic: string } | null;

export function ApprovalBadge({ approval }: { approval: Approval }) {
  const { t } = useT();
  if (!approval) return null;
  const style =
    approval.state === "approved" ? "border-emerald-200 bg-emerald-50 text-emerald-800" : "border-amber-200 bg-amber-50 text-amber-800";
  const text =
    approval.state === "approved"
      ? t("discovery.badge.approved", { topic: approval.topic })
      : t(approval.state === "changed" ? "discovery.badge.changed" : "discovery.badge.stale");
  return (
    <p className={`mb-3 inline-block rounded-full border px-3 py-1 text-xs font-medium ${style}`} data-testid="approval-badge">
      {text}
    </p>
  );
}

/** The original of a share, or "unavailable" to anyone the policy does not let read it. */
export function SharedOriginal({ original }: { original: PostView | null }) {
  const { t } = useT();
  return (
    <div className="mt-3 border-l-4 border-slate-200 pl-3" data-testid="shared-original">
      <p className="mb-2 text-xs font-medium text-slate-500">{t("discovery.sharedPost")}</p>
      {original ? (
        <PostCard post={original} reactionPicker />
      ) : (
        <p className="text-sm text-slate-500 italic">{t("discovery.shareUnavailable")}</p>
      )}
    </div>
  );
}

export type DiscoveryActionsProps = {
  postId: string;
  saved: boolean;
  can: { save: boolean; share: boolean; nominate: boolean };
  shareSpaces: { id: string; name: string }[];
  errors: Record<string, string>;
  notice: "saved" | "nominated" | null;
};

export function DiscoveryActions({ postId, saved, can, shareSpaces, errors, notice }: DiscoveryActionsProps) {
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  if (!can.save && !can.share && !can.nominate) return null;
  return (
    <Card className="mt-3 space-y-4 p-4">
      <h2 className="text-sm font-semibold text-slate-900">{t("discovery.actions")}</h2>
      {notice ? <SuccessNotice>{t(notice === "saved" ? "discovery.savedNotice" : "discovery.nominatedNotice")}</SuccessNotice> : null}
      {can.save ? (
        <Form method="post" action={`/posts/${postId}`} preventScrollReset>
          <input type="hidden" name="intent" value="save" />
          <input type="hidden" name="on" value={saved ? "false" : "true"} />
          <Button type="submit" variant="secondary" size="sm" disabled={busy}>
            {t(saved ? "discovery.unsave" : "discovery.save")}
          </Button>
        </Form>
      ) : null}
      {can.share && shareSpaces.length ? (
        <Form method="post" action={`/posts/${postId}`} className="space-y-2">
          <input type="hidden" name="intent" value="share" />
          <Select label={t("discovery.shareSpace")} name="spaceId" errors={errors.spaceId}>
            {shareSpaces.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
          <Input label={t("discovery.shareNote")} name="note" maxLength={1000} errors={errors.note} />
          <Button type="submit" size="sm" variant="secondary" disabled={busy}>
            {t("discovery.shareSubmit")}
          </Button>
        </Form>
      ) : null}
      {can.nominate ? (
        <Form method="post" action={`/posts/${postId}`} className="space-y-2">
          <input type="hidden" name="intent" value="nominate" />
          <Textarea label={t("discovery.nominateReason")} name="reason" maxLength={1000} errors={errors.reason} />
          <Button type="submit" size="sm" disabled={busy}>
            {t("discovery.nominate")}
          </Button>
        </Form>
      ) : null}
    </Card>
  );
}

/** Approved best practices highlighted at the top of the home feed. */
export function FeaturedCards({ cards }: { cards: { post: PostView; topic: string }[] }) {
  const { t } = useT();
  if (!cards.length) return null;
  return (
    <section aria-labelledby="feed-featured" className="mb-6" data-testid="featured-cards">
      <h2 id="feed-featured" className="mb-2 text-sm font-semibold text-emerald-800">
        {t("feed.featured")}
      </h2>
      <ul className="space-y-3">
        {cards.map((c) => (
          <li key={c.post.id} className="rounded-xl ring-2 ring-emerald-200">
            <p className="px-4 pt-3 text-xs font-medium text-emerald-800">
              <Link to={`/best-practices?topic=${encodeURIComponent(c.topic)}`} className="hover:underline">
                {t("discovery.badge.approved", { topic: c.topic })}
              </Link>
            </p>
            <PostCard post={c.post} anchor={false} reactionPicker />
          </li>
        ))}
      </ul>
    </section>
  );
}

export type LibraryRowProps = {
  entry: {
    id: string;
    headline: string;
    excerpt: string;
    author: { id: string; name: string };
    space: { name: string; slug: string } | null;
    reactions: number;
    comments: number;
    topic: string;
    entryKind: string;
    approvedAt: string;
    /** a calendar day (UTC midnight) */
    reverifyAt: string;
    ownerName: string;
    viewers: number;
  };
};

/** One approved item in the library: what it is about, who stands behind it, how far it reached. */
export function LibraryRow({ entry: e }: LibraryRowProps) {
  const { t } = useT();
  const when = useWhen();
  return (
    <article aria-labelledby={`bp-${e.id}`} className="rounded-xl border border-slate-200 bg-white p-4 shadow-xs">
      <p className="mb-1 flex flex-wrap gap-x-3 text-xs text-slate-600">
        <span className="font-medium text-emerald-800">
          {e.entryKind === "faq" ? `${t("bestPractices.faq")} · ` : ""}
          {e.topic}
        </span>
        <span>{t("bestPractices.approvedOn", { date: when(e.approvedAt, "date"), reverify: when(e.reverifyAt, "day") })}</span>
        {e.ownerName ? <span>{t("bestPractices.owner", { name: e.ownerName })}</span> : null}
      </p>
      <h2 id={`bp-${e.id}`} className="text-base font-semibold text-slate-900">
        <Link to={`/posts/${e.id}`} className="hover:underline">
          {e.headline}
        </Link>
      </h2>
      {e.excerpt ? <p className="mt-1 line-clamp-3 text-sm text-slate-700">{e.excerpt}</p> : null}
      <p className="mt-2 flex flex-wrap gap-x-3 text-xs text-slate-500">
        <Link to={`/people/${e.author.id}`} className="hover:underline">
          {e.author.name}
        </Link>
        {e.space ? (
          <Link to={`/spaces/${e.space.slug}`} className="hover:underline">
            {e.space.name}
          </Link>
        ) : null}
        <span>{t("bestPractices.viewers", { count: e.viewers })}</span>
        <span>{t("bestPractices.reactions", { count: e.reactions })}</span>
        <span>{t("bestPractices.comments", { count: e.comments })}</span>
      </p>
    </article>
  );
}
