import { json } from "@remix-run/node";
import { bodyFromForm, inputErrorKey, usageRefusalResponse, type BodyFields } from "~/content/composer.server";
import { isUsageRefusal } from "~/content/usage-gate.server";
import { InputError } from "~/content/posts.server";
import { en } from "~/i18n/en";
import { translate, type Locale, type MessageKey } from "~/i18n";
import { badRequest } from "~/utils/forms.server";
import { askQuestion, parseTags, QaStateError } from "./questions.server";

// The form side of Q&A: a submitted form becomes a domain call; domain refusals
// become a translated 400 (bad field) or 409 (the question's state refuses it).

export async function submitQuestion(viewer: Parameters<typeof askQuestion>[0], input: BodyFields & { title: string; tags?: string; spaceId?: string }) {
  const tags = parseTags(input.tags);
  return askQuestion(viewer, { title: input.title, body: bodyFromForm(input), tags, spaceId: input.spaceId || null });
}

function messageKey(error: InputError): MessageKey {
  const own = `qa.error.${error.message}`;
  return own in en ? (own as MessageKey) : inputErrorKey(error.message);
}

/** InputError → 400 on its field; QaStateError → 409; anything else is rethrown. */
export function qaErrorResponse(error: unknown, locale: Locale, values: Record<string, string> = {}) {
  if (isUsageRefusal(error)) return usageRefusalResponse(locale, values);
  if (error instanceof InputError) {
    const kept = Object.fromEntries(Object.entries(values).filter(([, v]) => v.length <= 200_000));
    return badRequest({ errors: { [error.field]: translate(locale, messageKey(error)) }, values: kept });
  }
  if (error instanceof QaStateError) {
    return json({ ok: false as const, errors: { _form: translate(locale, `qa.error.${error.code}` as MessageKey) }, formError: undefined, values }, { status: 409 });
  }
  throw error;
}
