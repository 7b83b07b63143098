import { Form, useActionData, useNavigation } from "@remix-run/react";
import { Link } from "~/components/link";
import { UsagePolicyLink } from "./usage-policy-link";
import { Check } from "lucide-react";
import type { ReactNode } from "react";
import type { PostView } from "~/content/hydrate.server";
import { useT } from "~/i18n";
import { PostTime, richTextClasses } from "./post-card";
import { ClockBadge, type ClockView } from "./question-list";
import { useWhen } from "./time";
import { Button, Card, cx, FormError, Input, Textarea } from "./ui";
import { oneByteHtml } from "~/utils/one-byte-html";

// The question page: the question with its clock, votes, follow and duplicate links;
// answers (accepted first) with votes, acceptance and content health; comments on both.
// Plain forms: everything works without JavaScript.

type Health = { status: "verified" | "obsolete"; reason: string; reverifyAt: string | null; markedBy: string } | null;
type Answer = PostView & { score: number; myVote: number; accepted: boolean; health: Health; comments: PostView[]; canVote: boolean; canVerify: boolean };
type Question = PostView & {
  title: string;
  tags: string[];
  score: number;
  myVote: number;
  comments: PostView[];
  status: "open" | "closed";
  clock: ClockView;
  following: boolean;
  duplicateOf: { id: string; title: string } | null;
  duplicates: { id: string; title: string }[];
  can: PostView["can"] & { vote: boolean; accept: boolean; close: boolean; answer: boolean };
};

function Hidden({ fields }: { fields: Record<string, string> }) {
  return (
    <>
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
    </>
  );
}

function Votes({ target, score, mine, enabled }: { target: string; score: number; mine: number; enabled: boolean }) {
  const { t } = useT();
  const button = (value: 1 | -1, label: string, glyph: string) => (
    <Form method="post" preventScrollReset>
      <Hidden fields={{ intent: "vote", target, value: String(mine === value ? 0 : value) }} />
      <button
        type="submit"
        disabled={!enabled}
        aria-label={label}
        aria-pressed={mine === value}
        className={cx("rounded px-2 text-lg leading-none disabled:opacity-40", mine === value ? "text-brand-700" : "text-slate-500 hover:text-slate-900")}
      >
        {glyph}
      </button>
    </Form>
  );
  return (
    <div className="flex w-12 shrink-0 flex-col items-center text-sm" data-score={score}>
      {button(1, t("qa.upvote"), "▲")}
      <span aria-label={t("qa.score", { count: score })} className="font-semibold text-slate-800">
        {score}
      </span>
      {button(-1, t("qa.downvote"), "▼")}
    </div>
  );
}

function Byline({ item }: { item: PostView }) {
  const { locale } = useT();
  return (
    <p className="text-xs text-slate-600">
      <Link to={`/people/${item.author.id}`} className="font-medium text-slate-800 hover:underline">
        {item.author.name}
      </Link>{" "}
      · <PostTime iso={item.createdAt} locale={locale} />
    </p>
  );
}

function Comments({ parentId, comments, canComment }: { parentId: string; comments: PostView[]; canComment: boolean }) {
  const { t } = useT();
  return (
    <div className="mt-3 space-y-2 border-t border-slate-100 pt-2">
      {comments.map((c) => (
        <div key={c.id} id={`post-${c.id}`} className="text-sm">
          <div className={richTextClasses} dangerouslySetInnerHTML={{ __html: oneByteHtml(c.html) }} />
          <Byline item={c} />
        </div>
      ))}
      {canComment ? (
        <details>
          <summary className="cursor-pointer text-xs text-slate-600">{t("qa.comment")}</summary>
          <Form method="post" className="mt-2 space-y-2">
            <Hidden fields={{ intent: "comment", parentId }} />
            <Textarea name="bodyText" rows={2} label={t("qa.comment")} required />
            <Button type="submit" size="sm" variant="secondary">
              {t("qa.postComment")}
            </Button>
          </Form>
        </details>
      ) : null}
    </div>
  );
}

function ItemActions({ item, children }: { item: PostView; children?: ReactNode }) {
  const { t } = useT();
  return (
    <div className="mt-2 flex flex-wrap items-center gap-3 text-xs">
      {children}
      {item.can.history ? (
        <Link to={`/posts/${item.id}/history`} className="text-slate-600 hover:underline">
          {t("qa.history")}
        </Link>
      ) : null}
      {item.can.delete ? (
        <Form method="post">
          <Hidden fields={{ intent: "delete", target: item.id }} />
          <button type="submit" className="text-red-700 hover:underline">
            {t("qa.delete")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}

function HealthNote({ health }: { health: Health }) {
  const { t } = useT();
  const when = useWhen();
  if (!health) return null;
  return health.status === "verified" ? (
    <p className="mt-2 rounded bg-emerald-50 px-2 py-1 text-xs text-emerald-800" data-health="verified">
      <Check aria-hidden="true" className="inline size-3.5 align-[-2px]" /> {t("qa.health.verified", { name: health.markedBy, date: health.reverifyAt ? when(health.reverifyAt, "day") : "" })}
    </p>
  ) : (
    <p className="mt-2 rounded bg-slate-100 px-2 py-1 text-xs text-slate-700" data-health="obsolete">
      {t("qa.health.obsolete", { name: health.markedBy, reason: health.reason })}
    </p>
  );
}

function HealthForms({ answerId }: { answerId: string }) {
  const { t } = useT();
  return (
    <details className="text-xs">
      <summary className="cursor-pointer text-slate-600">{t("qa.health.verifySubmit")}</summary>
      <div className="mt-2 flex flex-wrap gap-4">
        <Form method="post" className="flex items-end gap-2">
          <Hidden fields={{ intent: "health", answerId, status: "verified" }} />
          <Input type="date" name="reverifyAt" label={t("qa.health.verify")} required />
          <Button type="submit" size="sm" variant="secondary">
            {t("qa.health.verifySubmit")}
          </Button>
        </Form>
        <Form method="post" className="flex items-end gap-2">
          <Hidden fields={{ intent: "health", answerId, status: "obsolete" }} />
          <Input name="reason" label={t("qa.health.obsoleteReason")} required maxLength={500} />
          <Button type="submit" size="sm" variant="secondary">
            {t("qa.health.obsoleteSubmit")}
          </Button>
        </Form>
        <Form method="post" className="flex items-end">
          <Hidden fields={{ intent: "health", answerId, status: "none" }} />
          <Button type="submit" size="sm" variant="ghost">
            {t("qa.health.clear")}
          </Button>
        </Form>
      </div>
    </details>
  );
}

export function QuestionThread({ question, answers }: { question: Question; answers: Answer[] }) {
  const { t } = useT();
  const result = useActionData<{ errors?: Record<string, string>; formLink?: string }>();
  const errors = result?.errors ?? {};
  const busy = useNavigation().state === "submitting";
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <p>
        <Link to="/questions" className="text-sm text-slate-600 hover:underline">
          ← {t("qa.back")}
        </Link>
      </p>
      {Object.values(errors).length ? (
        <FormError>
          {Object.values(errors).join(" ")} <UsagePolicyLink href={result?.formLink} />
        </FormError>
      ) : null}
      <article id={`post-${question.id}`} aria-labelledby="question-title">
        <Card className="flex gap-3 p-5">
          <Votes target={question.id} score={question.score} mine={question.myVote} enabled={question.can.vote} />
          <div className="min-w-0 flex-1">
            <h1 id="question-title" className="text-xl font-semibold text-slate-900">
              {question.title}
              {question.status === "closed" ? <span className="ml-2 rounded bg-slate-100 px-1.5 align-middle text-xs text-slate-700">{t("qa.closedBadge")}</span> : null}
            </h1>
            <div className="mt-1 flex flex-wrap items-center gap-2">
              <Byline item={question} />
              {question.space ? <Link to={`/spaces/${question.space.slug}`} className="text-xs text-slate-600 hover:underline">· {question.space.name}</Link> : null}
              <span className="sr-only">{t("qa.clock.label")}</span>
              <ClockBadge clock={question.clock} />
            </div>
            <div className={cx(richTextClasses, "mt-3")} dangerouslySetInnerHTML={{ __html: oneByteHtml(question.html) }} />
            <p className="mt-2 flex flex-wrap gap-2 text-xs">
              {question.tags.map((tag) => (
                <Link key={tag} to={`/questions?tag=${encodeURIComponent(tag.slice(1))}`} className="rounded bg-brand-50 px-1.5 text-brand-800 hover:underline">
                  {tag}
                </Link>
              ))}
            </p>
            {question.duplicateOf ? (
              <p className="mt-2 text-sm">
                {t("qa.duplicateOf")}{" "}
                <Link to={`/questions/${question.duplicateOf.id}`} className="text-brand-700 hover:underline">
                  {question.duplicateOf.title}
                </Link>
              </p>
            ) : null}
            {question.duplicates.length ? (
              <div className="mt-2 text-sm">
                {t("qa.duplicates")}
                <ul className="list-disc pl-5">
                  {question.duplicates.map((d) => (
                    <li key={d.id}>
                      <Link to={`/questions/${d.id}`} className="text-brand-700 hover:underline">
                        {d.title}
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            <ItemActions item={question}>
              <Form method="post">
                <Hidden fields={{ intent: "follow", on: String(!question.following) }} />
                <button type="submit" className="text-brand-700 hover:underline" aria-pressed={question.following}>
                  {question.following ? t("qa.unfollow") : t("qa.follow")}
                </button>
              </Form>
              {question.can.close && question.status === "closed" ? (
                <Form method="post">
                  <Hidden fields={{ intent: "reopen" }} />
                  <button type="submit" className="text-slate-700 hover:underline">
                    {t("qa.reopen")}
                  </button>
                </Form>
              ) : null}
            </ItemActions>
            {question.can.edit ? (
              <details className="mt-2 text-sm">
                <summary className="cursor-pointer text-xs text-slate-600">{t("qa.edit")}</summary>
                <Form method="post" className="mt-2 space-y-2">
                  <Hidden fields={{ intent: "edit" }} />
                  <Input name="title" label={t("qa.field.title")} defaultValue={question.title} required />
                  <Textarea name="bodyText" label={t("qa.field.body")} defaultValue={question.text} rows={4} />
                  <Input name="tags" label={t("qa.field.tags")} defaultValue={question.tags.map((x) => x.slice(1)).join(" ")} />
                  <Button type="submit" size="sm">
                    {t("qa.save")}
                  </Button>
                </Form>
              </details>
            ) : null}
            {question.can.close && question.status === "open" ? (
              <details className="mt-2 text-sm">
                <summary className="cursor-pointer text-xs text-slate-600">{t("qa.closeDuplicate")}</summary>
                <Form method="post" className="mt-2 flex items-end gap-2">
                  <Hidden fields={{ intent: "close" }} />
                  <Input name="duplicateOf" label={t("qa.closeDuplicate")} hint={t("qa.closeDuplicateHint")} required />
                  <Button type="submit" size="sm" variant="secondary">
                    {t("qa.closeSubmit")}
                  </Button>
                </Form>
              </details>
            ) : null}
            <Comments parentId={question.id} comments={question.comments} canComment={question.can.comment} />
          </div>
        </Card>
      </article>

      <section aria-labelledby="answers-heading" className="space-y-3">
        <h2 id="answers-heading" className="text-base font-semibold text-slate-900">
          {t("qa.answersHeading")} ({answers.length})
        </h2>
        {answers.length === 0 ? <p className="text-sm text-slate-600">{t("qa.noAnswers")}</p> : null}
        {answers.map((a) => (
          <article key={a.id} id={`post-${a.id}`} data-answer={a.id} data-accepted={a.accepted || undefined}>
            <Card className={cx("flex gap-3 p-4", a.accepted && "border-emerald-300")}>
              <Votes target={a.id} score={a.score} mine={a.myVote} enabled={a.canVote} />
              <div className="min-w-0 flex-1">
                {a.accepted ? <p className="mb-1 text-xs font-semibold text-emerald-700"><Check aria-hidden="true" className="inline size-3.5 align-[-2px]" /> {t("qa.acceptedBadge")}</p> : null}
                <div className={richTextClasses} dangerouslySetInnerHTML={{ __html: oneByteHtml(a.html) }} />
                <Byline item={a} />
                <HealthNote health={a.health} />
                <ItemActions item={a}>
                  {question.can.accept ? (
                    <Form method="post">
                      <Hidden fields={a.accepted ? { intent: "unaccept" } : { intent: "accept", answerId: a.id }} />
                      <button type="submit" className="font-medium text-emerald-700 hover:underline">
                        {a.accepted ? t("qa.unaccept") : t("qa.accept")}
                      </button>
                    </Form>
                  ) : null}
                </ItemActions>
                {a.canVerify ? <HealthForms answerId={a.id} /> : null}
                {a.can.edit ? (
                  <details className="mt-2 text-sm">
                    <summary className="cursor-pointer text-xs text-slate-600">{t("qa.edit")}</summary>
                    <Form method="post" className="mt-2 space-y-2">
                      <Hidden fields={{ intent: "editAnswer", target: a.id }} />
                      <Textarea name="bodyText" label={t("qa.yourAnswer")} defaultValue={a.text} rows={4} />
                      <Button type="submit" size="sm">
                        {t("qa.save")}
                      </Button>
                    </Form>
                  </details>
                ) : null}
                <Comments parentId={a.id} comments={a.comments} canComment={a.can.comment} />
              </div>
            </Card>
          </article>
        ))}
      </section>

      {question.can.answer ? (
        <section aria-labelledby="your-answer">
          <Card className="p-5">
            <Form method="post" className="space-y-3">
              <Hidden fields={{ intent: "answer" }} />
              <h2 id="your-answer" className="sr-only">
                {t("qa.yourAnswer")}
              </h2>
              <Textarea name="bodyText" rows={5} label={t("qa.yourAnswer")} required />
              <Button type="submit" disabled={busy}>
                {t("qa.postAnswer")}
              </Button>
            </Form>
          </Card>
        </section>
      ) : null}
    </div>
  );
}
