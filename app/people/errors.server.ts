import { json } from "@remix-run/node";
import { translate, type Locale, type MessageKey } from "~/i18n";

/** Bad input to a people command: the field, a catalogue key, and the 4xx status to answer with. */
export class PeopleInputError extends Error {
  constructor(
    public field: string,
    public key: MessageKey,
    public status: 400 | 409 = 400,
  ) {
    super(key);
  }
}

/** The 4xx answer for a PeopleInputError (anything else is rethrown). */
export function peopleInputResponse(error: unknown, locale: Locale, values: Record<string, string> = {}) {
  if (!(error instanceof PeopleInputError)) throw error;
  return json(
    { ok: false as const, errors: { [error.field]: translate(locale, error.key) } as Record<string, string>, formError: undefined, values },
    { status: error.status },
  );
}
