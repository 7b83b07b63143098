import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { calendarDay } from "~/utils/calendar-day";
import { idParam } from "~/utils/path-params.server";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { QuestionThread } from "~/components/question-thread";
import { bodyFromForm } from "~/content/composer.server";
import { metaTitle } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { qaErrorResponse } from "~/qa/forms.server";
import { questionPage } from "~/qa/pages.server";
import {
  answerQuestion,
  closeAsDuplicate,
  commentOn,
  deleteQaItem,
  editAnswer,
  editQuestion,
  followQuestion,
  parseTags,
  setAcceptedAnswer,
  setAnswerHealth,
  vote,
} from "~/qa/questions.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? [{ title: `${data.question.title} · Atrium` }] : metaTitle(matches, "error.notFoundTitle");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await questionPage(viewer, idParam(params)));
}

const id = z.string().min(1).max(64);
const text = { body: z.string().max(1_000_000).optional(), bodyText: z.string().max(60_000).optional() };
/** "…/questions/<id>" or a bare id: the original a duplicate points to. */
const questionRef = z
  .string()
  .trim()
  .max(500)
  .transform((s) => s.replace(/[#?].*$/, "").replace(/\/+$/, "").split("/").pop() ?? "");

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("answer"), ...text }),
  z.object({ intent: z.literal("comment"), parentId: id.optional(), ...text }),
  z.object({ intent: z.literal("vote"), target: id.optional(), value: z.enum(["-1", "0", "1"]) }),
  z.object({ intent: z.literal("accept"), answerId: id }),
  z.object({ intent: z.literal("unaccept") }),
  z.object({ intent: z.literal("follow"), on: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("close"), duplicateOf: questionRef }),
  z.object({ intent: z.literal("reopen") }),
  z.object({
    intent: z.literal("health"),
    answerId: id,
    status: z.enum(["verified", "obsolete", "none"]),
    reverifyAt: z.union([z.literal(""), calendarDay]).optional(),
    reason: z.string().max(500).optional(),
  }),
  z.object({ intent: z.literal("edit"), title: z.string().max(2000), tags: z.string().max(400).optional(), ...text }),
  z.object({ intent: z.literal("editAnswer"), target: id, ...text }),
  z.object({ intent: z.literal("delete"), target: id.optional() }),
]);

/** Every intent acts on the question `params.id`, or on one of its answers or comments. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const qid = idParam(params);
  const parsed = await parseForm(request, Intent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "answer": {
        const row = await answerQuestion(viewer, qid, bodyFromForm(input));
        return redirect(`/questions/${qid}#post-${row.id}`);
      }
      case "comment": {
        const row = await commentOn(viewer, input.parentId || qid, bodyFromForm(input));
        return redirect(`/questions/${qid}#post-${row.id}`);
      }
      case "vote":
        return json({ ok: true as const, ...(await vote(viewer, input.target || qid, Number(input.value) as -1 | 0 | 1)) });
      case "accept":
        return json({ ok: true as const, ...(await setAcceptedAnswer(viewer, qid, input.answerId)) });
      case "unaccept":
        return json({ ok: true as const, ...(await setAcceptedAnswer(viewer, qid, null)) });
      case "follow":
        await followQuestion(viewer, qid, input.on === "true");
        return json({ ok: true as const });
      case "close":
        return json({ ok: true as const, ...(await closeAsDuplicate(viewer, qid, input.duplicateOf)) });
      case "reopen":
        return json({ ok: true as const, ...(await closeAsDuplicate(viewer, qid, null)) });
      case "health": {
        const reverifyAt = input.reverifyAt ? new Date(`${input.reverifyAt}T23:59:59.999Z`) : null;
        const health =
          input.status === "verified"
            ? { status: "verified" as const, reverifyAt: reverifyAt ?? new Date(0) }
            : input.status === "obsolete"
              ? { status: "obsolete" as const, reason: input.reason ?? "" }
              : { status: "none" as const };
        await setAnswerHealth(viewer, input.answerId, health);
        return json({ ok: true as const });
      }
      case "edit":
        await editQuestion(viewer, qid, { title: input.title, body: bodyFromForm(input), tags: parseTags(input.tags) });
        return redirect(`/questions/${qid}`);
      case "editAnswer":
        await editAnswer(viewer, input.target, bodyFromForm(input));
        return redirect(`/questions/${qid}#post-${input.target}`);
      case "delete": {
        const target = input.target || qid;
        await deleteQaItem(viewer, target);
        return redirect(target === qid ? "/questions" : `/questions/${qid}`);
      }
    }
  } catch (error) {
    const values = Object.fromEntries(Object.entries(input).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    return qaErrorResponse(error, locale, values);
  }
}

export default function QuestionPage() {
  const data = useLoaderData<typeof loader>();
  return <QuestionThread question={data.question} answers={data.answers} />;
}
