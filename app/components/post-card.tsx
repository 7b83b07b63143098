import { useFetcher, useNavigate } from "@remix-run/react";
import { Link } from "~/components/link";
import { Icon, type SpriteIcon } from "./icons";
import { Time } from "./time";
import { useHydrated } from "./use-hydrated";
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from "react";
import type { ReactionKind } from "~/content/content.server";
import type { PostView } from "~/content/hydrate.server";
import { pluralRules, useT, type Locale, type MessageKey } from "~/i18n";
import { Avatar, Card, cx } from "./ui";
import { oneByteHtml } from "~/utils/one-byte-html";

// Same order as REACTIONS in content.server (a browser module cannot import it). SVG icons,
// not emoji: many corporate desktops have no colour emoji font and show empty boxes.
// Drawn from the page's icon sprite (./icons): five icons per post, defined once per page.
const REACTION_KINDS: ReadonlyArray<{ kind: ReactionKind; icon: SpriteIcon; label: MessageKey }> = [
  { kind: "like", icon: "thumbs-up", label: "reaction.like" },
  { kind: "celebrate", icon: "party-popper", label: "reaction.celebrate" },
  { kind: "insightful", icon: "lightbulb", label: "reaction.insightful" },
  { kind: "helpful", icon: "hand-helping", label: "reaction.helpful" },
  { kind: "curious", icon: "circle-help", label: "reaction.curious" },
];

/** Styles for the server-rendered, sanitised body HTML (and the entity spans in it). */
export const richTextClasses = "rich-text"; // app/styles/app.css

/** Where a hashtag, cashtag or mention span in rendered HTML leads. */
function entityHref(el: HTMLElement): string | null {
  const id = el.getAttribute("data-id");
  if (!id) return null;
  switch (el.getAttribute("data-type")) {
    case "hashtag":
      return `/tags/${encodeURIComponent(id.toLowerCase())}`;
    case "cashtag":
      return `/cashtags/${encodeURIComponent(id)}`;
    case "mention":
      return `/people/${encodeURIComponent(id)}`;
    default:
      return null;
  }
}

export function plural(locale: Locale, count: number, one: MessageKey, other: MessageKey): MessageKey {
  return pluralRules(locale).select(count) === "one" ? one : other;
}

export function PostCard({
  post,
  postId = post.id,
  compact = false,
  showCommentLink = true,
  actions,
  className,
  anchor = true,
  reactionPicker = false,
}: {
  post: PostView;
  /** false where the same post also stands elsewhere on the page (a featured card): one element per id. */
  anchor?: boolean;
  /** The post a comment belongs to (delete confirmation and history live on its page). */
  postId?: string;
  /** In lists: Like and the reactions given show, the others behind "More reactions". */
  reactionPicker?: boolean;
  /** Comments: smaller, no comment count. */
  compact?: boolean;
  showCommentLink?: boolean;
  /** Extra controls in the footer (e.g. a reply button). */
  actions?: ReactNode;
  className?: string;
}) {
  const { t, locale } = useT();
  const navigate = useNavigate();
  const labelKey: MessageKey = post.kind === "comment" ? "post.commentBy" : "post.byline";

  // Entity spans are plain spans in stored HTML; clicks on them navigate, and once
  // hydrated they are focusable links for the keyboard (Enter) and screen readers.
  const bodyRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    for (const el of bodyRef.current?.querySelectorAll<HTMLElement>("span[data-type]") ?? []) {
      if (!entityHref(el)) continue;
      el.tabIndex = 0;
      el.setAttribute("role", "link");
    }
  }, [post.html]);
  const follow = (target: EventTarget, event: { preventDefault(): void }) => {
    const span = (target as HTMLElement).closest<HTMLElement>("span[data-type]");
    const href = span ? entityHref(span) : null;
    if (!href) return;
    event.preventDefault();
    navigate(href);
  };
  const onBodyClick = (event: MouseEvent<HTMLDivElement>) => follow(event.target, event);
  const onBodyKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Enter") follow(event.target, event);
  };

  return (
    <article aria-label={t(labelKey, { name: post.author.name })} id={anchor ? `post-${post.id}` : undefined} className={className}>
      <Card className={cx("space-y-3", compact ? "p-3" : "p-4 sm:p-5", post.pinned && "border-amber-300")}>
        {post.hiddenReason !== null ? (
          <div role="note" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
            <p className="font-semibold">{t("supervision.hiddenNotice.title")}</p>
            <p>{t("supervision.hiddenNotice.body", { reason: post.hiddenReason })}</p>
          </div>
        ) : null}
        <header className="flex items-start justify-between gap-3">
          <Avatar id={post.author.id} name={post.author.name} size={compact ? "sm" : "md"} className="mt-0.5" />
          <div className="min-w-0 flex-1 text-sm">
            <p className="flex flex-wrap items-baseline gap-x-2">
              <Link to={`/people/${post.author.id}`} className="font-semibold text-slate-900 hover:underline">
                {post.author.name}
              </Link>
              {post.author.title ? <span className="truncate text-slate-500">{post.author.title}</span> : null}
            </p>
            <p className="flex flex-wrap items-center gap-x-1.5 text-xs text-slate-500">
              {post.kind !== "comment" ? (
                <>
                  {post.space ? (
                    <Link to={`/spaces/${post.space.slug}`} className="font-medium text-slate-600 hover:underline">
                      {post.space.name}
                    </Link>
                  ) : (
                    <span className="font-medium text-slate-600">{t("post.everyone")}</span>
                  )}
                  <span aria-hidden="true">·</span>
                </>
              ) : null}
              <Link to={`/posts/${postId}${post.id === postId ? "" : `#post-${post.id}`}`} className="hover:underline">
                <PostTime iso={post.createdAt} locale={locale} />
              </Link>
              {post.edited ? (
                <>
                  <span aria-hidden="true">·</span>
                  {post.can.history ? (
                    <Link to={`/posts/${post.id}/history`} className="hover:underline" title={t("post.editedLabel")}>
                      {t("post.edited")}
                    </Link>
                  ) : (
                    <span>{t("post.edited")}</span>
                  )}
                </>
              ) : null}
              {post.pinned ? (
                <span className="ml-1 rounded-full bg-amber-100 px-2 py-0.5 font-medium text-amber-800">{t("post.pinned")}</span>
              ) : null}
              {post.hold ? (
                <span className="ml-1 rounded-full bg-violet-100 px-2 py-0.5 font-medium text-violet-800" data-testid="hold-badge">
                  {post.hold.state === "pending" ? t("approvals.badge.pending", { tier: post.hold.tier }) : t("approvals.badge.rejected")}
                </span>
              ) : null}
            </p>
          </div>
          {post.can.edit || post.can.delete ? <PostMenu post={post} postId={postId} /> : null}
        </header>

        {/* A question in a feed: its title leads to the question page. */}
        {post.kind === "question" && post.title ? (
          <h3 className="text-base font-semibold text-slate-900">
            <Link to={`/questions/${post.id}`} className="hover:underline">
              {post.title}
            </Link>
          </h3>
        ) : null}
        {/* Sanitised on the server at write time (rich-text.server: schema check + sanitize-html allowlist). */}
        {post.html ? (
          <div ref={bodyRef} className={richTextClasses} onClick={onBodyClick} onKeyDown={onBodyKeyDown} dangerouslySetInnerHTML={{ __html: oneByteHtml(post.html) }} />
        ) : (
          // Content written without rendered HTML (imports, old rows): its plain text, escaped by React.
          <p className="text-sm leading-relaxed break-words whitespace-pre-wrap text-slate-800">{post.text}</p>
        )}

        <footer className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <ReactionBar post={post} picker={reactionPicker} />
          {showCommentLink && post.kind !== "comment" ? (
            <Link to={`/posts/${post.id}#comments`} className="text-sm text-slate-600 hover:text-slate-900 hover:underline">
              {t(plural(locale, post.commentCount, "post.comments.one", "post.comments.other"), { count: post.commentCount })}
            </Link>
          ) : null}
          {actions}
        </footer>
      </Card>
    </article>
  );
}

function PostMenu({ post, postId }: { post: PostView; postId: string }) {
  const { t } = useT();
  const item = "block rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100";
  // <details> works without JavaScript; delete goes through a confirmation on the post page.
  return (
    <details className="relative shrink-0">
      <summary
        aria-label={t("post.actions")}
        title={t("post.actions")}
        className="flex size-8 cursor-pointer list-none items-center justify-center rounded-lg text-slate-500 hover:bg-slate-100 hover:text-slate-900 [&::-webkit-details-marker]:hidden"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="currentColor">
          <circle cx="4.5" cy="10" r="1.5" />
          <circle cx="10" cy="10" r="1.5" />
          <circle cx="15.5" cy="10" r="1.5" />
        </svg>
      </summary>
      <div className="absolute right-0 z-20 mt-1 w-40 rounded-lg border border-slate-200 bg-white p-1 shadow-lg">
        {post.can.edit ? (
          <Link to={`/posts/${post.id}/edit`} className={item}>
            {t("post.edit")}
          </Link>
        ) : null}
        {post.can.history && post.edited ? (
          <Link to={`/posts/${post.id}/history`} className={item}>
            {t("post.history")}
          </Link>
        ) : null}
        {post.can.delete ? (
          <Link to={`/posts/${postId}?delete=${post.id}`} className={cx(item, "text-red-700 hover:bg-red-50")}>
            {t("post.delete")}
          </Link>
        ) : null}
      </div>
    </details>
  );
}

/**
 * The reaction toggles: one plain form per post (a button per reaction names it; without
 * JavaScript the server toggles), with JavaScript each button submits through its own fetcher
 * with the state it asks for, so quick clicks on two reactions both show.
 *
 * In lists (`picker`) the bar is compact, as in the consumer apps people know: Like, the
 * reactions someone already gave, and "More reactions" for the rest — a popover with
 * JavaScript, the post's page (with all five) without. A feed of twenty posts then renders
 * ~250 fewer elements and ~22 KB less HTML than with five toggles on every post.
 */
function ReactionBar({ post, picker }: { post: PostView; picker: boolean }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  // picked from the popover: stays in the bar while its toggle is in flight (and after, at 0)
  const [revealed, setRevealed] = useState<ReadonlySet<ReactionKind>>(() => new Set());
  const hydrated = useHydrated();
  const popover = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    popover.current?.querySelector("button")?.focus();
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      trigger.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!popover.current?.contains(target) && !trigger.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);
  const inBar = (kind: ReactionKind) =>
    !picker || kind === "like" || (post.reactions[kind] ?? 0) > 0 || post.myReactions.includes(kind) || revealed.has(kind);
  const button = (r: (typeof REACTION_KINDS)[number], onPicked?: () => void) => (
    <ReactionButton
      key={r.kind}
      postId={post.id}
      kind={r.kind}
      icon={r.icon}
      label={t(r.label)}
      count={post.reactions[r.kind] ?? 0}
      mine={post.myReactions.includes(r.kind)}
      disabled={!post.can.react}
      onPicked={onPicked}
    />
  );
  const rest = REACTION_KINDS.filter((r) => !inBar(r.kind));
  const moreLabel = t("post.moreReactions");
  return (
    <form method="post" action={`/posts/${post.id}`} role="group" aria-label={t("post.reactions")} className="relative flex flex-wrap gap-1">
      <input type="hidden" name="intent" value="react" />
      {REACTION_KINDS.filter((r) => inBar(r.kind)).map((r) => button(r))}
      {rest.length > 0 && post.can.react ? (
        hydrated ? (
          <button
            ref={trigger}
            type="button"
            aria-haspopup="true"
            aria-expanded={open}
            aria-label={moreLabel}
            title={moreLabel}
            className="reaction-toggle"
            onClick={() => setOpen((o) => !o)}
          >
            <Icon name="smile-plus" className="size-3.5" />
          </button>
        ) : (
          // before hydration (or without JavaScript): the post's page has every reaction
          <a href={`/posts/${post.id}`} aria-label={moreLabel} title={moreLabel} className="reaction-toggle">
            <Icon name="smile-plus" className="size-3.5" />
          </a>
        )
      ) : null}
      {open ? (
        <div ref={popover} role="group" aria-label={moreLabel} onKeyDown={moveFocus} className="absolute bottom-full left-0 z-20 mb-1 flex gap-1 rounded-full border border-slate-200 bg-white p-1 shadow-lg">
          {rest.map((r) =>
            button(r, () => {
              setRevealed((s) => new Set(s).add(r.kind));
              setOpen(false);
              trigger.current?.focus();
            }),
          )}
        </div>
      ) : null}
    </form>
  );
}

/** Arrow keys (and Home, End) move between the popover's reactions, wrapping around, as in a toolbar. */
function moveFocus(event: KeyboardEvent<HTMLDivElement>) {
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>("button:not([disabled])")];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const step: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  let next: number;
  if (event.key in step) next = (at + step[event.key] + buttons.length) % buttons.length;
  else if (event.key === "Home") next = 0;
  else if (event.key === "End") next = buttons.length - 1;
  else return;
  event.preventDefault();
  buttons[next]?.focus();
}

function ReactionButton(props: { postId: string; kind: ReactionKind; icon: SpriteIcon; label: string; count: number; mine: boolean; disabled: boolean; onPicked?: () => void }) {
  const { t } = useT();
  const fetcher = useFetcher({ key: `react-${props.postId}-${props.kind}` });
  // Optimistic: while the toggle is in flight, show the state it asks for.
  let { mine, count } = props;
  const pending = fetcher.formData?.get("on");
  if (pending !== undefined && pending !== null) {
    const on = pending === "true";
    if (on !== mine) {
      count += on ? 1 : -1;
      mine = on;
    }
  }
  return (
    <button
      type="submit"
      name="reaction"
      value={props.kind}
      aria-pressed={mine}
      aria-label={t("post.reactLabel", { reaction: props.label, count })}
      title={props.label}
      disabled={props.disabled}
      className="reaction-toggle"
      onClick={(event) => {
        event.preventDefault();
        fetcher.submit({ intent: "react", reaction: props.kind, on: mine ? "false" : "true" }, { method: "post", action: `/posts/${props.postId}` });
        props.onPicked?.();
      }}
    >
      <Icon name={props.icon} className="size-3.5" />
      {count > 0 ? <span aria-hidden="true">{count}</span> : null}
    </button>
  );
}

/** The one time component (components/time.tsx); `locale` is the page's, kept for callers. */
export function PostTime({ iso }: { iso: string; locale?: Locale }) {
  return <Time value={iso} />;
}
