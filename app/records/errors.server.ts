import { translate, type Locale } from "~/i18n";
import type { MessageKey } from "~/i18n/en";
import { badRequest } from "~/utils/forms.server";

// Bad input a records command refuses, with the field it concerns, a message key suffix
// (records.error.<code>) and its parameters. Routes turn it into a 400/409 with the message.
export type RecordsErrorCode =
  | "holdEmpty"
  | "holdRange"
  | "holdOverlap"
  | "holdReleased"
  | "unknownCustodian"
  | "unknownSpace"
  | "retentionBelowMinimum"
  | "unknownPerson"
  | "alreadyErased"
  | "erasureOpen"
  | "erasureDecided";

export class RecordsInputError extends Error {
  constructor(
    readonly code: RecordsErrorCode,
    readonly status: 400 | 409,
    readonly field: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`records: ${code}`);
  }
}

/** A refused records command as the form's 4xx answer, its message on the field it concerns; rethrows anything else. */
export function recordsFailure(locale: Locale, e: unknown, values: Record<string, string>) {
  if (!(e instanceof RecordsInputError)) throw e;
  const message = translate(locale, `records.error.${e.code}` as MessageKey, e.params);
  return badRequest({ errors: { [e.field]: message }, formError: e.field === "_form" ? message : undefined, values }, e.status);
}
