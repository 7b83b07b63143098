import { json } from "@remix-run/node";
import { z, type ZodIssue } from "zod";
import { en, type MessageKey } from "~/i18n/en";
import { translate, type Locale } from "~/i18n";

export type FieldErrors = Record<string, string>;
export type FormFailure = { ok: false; errors: FieldErrors; formError?: string; values: Record<string, string> };

function issueMessage(locale: Locale, issue: ZodIssue): string {
  if (issue.message in en) return translate(locale, issue.message as MessageKey);
  switch (issue.code) {
    case "invalid_type":
      return translate(locale, issue.received === "undefined" || issue.received === "null" ? "form.required" : "form.invalidValue");
    case "too_small":
      if (issue.type === "string" && Number(issue.minimum) <= 1) return translate(locale, "form.required");
      return translate(locale, "form.tooShort", { min: Number(issue.minimum) });
    case "too_big":
      return translate(locale, "form.tooLong", { max: Number(issue.maximum) });
    case "invalid_string":
      return translate(locale, issue.validation === "email" ? "form.invalidEmail" : "form.invalidValue");
    default:
      return translate(locale, "form.invalidValue");
  }
}

export function fieldErrors(locale: Locale, error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    out[key] ??= issueMessage(locale, issue);
  }
  return out;
}

// PostgreSQL text and jsonb refuse NUL; other control characters have no place in a form either.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Form fields as a plain object; repeated names become arrays. Files are ignored; control characters are dropped. */
export function formToObject(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, raw] of form.entries()) {
    if (typeof raw !== "string") continue;
    const v = raw.replace(CONTROL, "");
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Parses the request's form with `schema`. On failure, the caller returns `badRequest(result)`. */
export async function parseForm<S extends z.ZodTypeAny>(
  request: Request,
  schema: S,
  locale: Locale,
): Promise<{ ok: true; data: z.infer<S>; form: FormData } | FormFailure> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return { ok: false, errors: { _form: translate(locale, "form.invalidValue") }, values: {} };
  }
  const raw = formToObject(form);
  const parsed = schema.safeParse(raw);
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (!/password|token|secret/i.test(k)) values[k] = Array.isArray(v) ? v.join(",") : v;
  if (!parsed.success) return { ok: false, errors: fieldErrors(locale, parsed.error), values };
  return { ok: true, data: parsed.data, form };
}

export function badRequest(failure: Omit<FormFailure, "ok"> | FormFailure, status = 400) {
  return json({ ok: false as const, errors: failure.errors, formError: failure.formError, values: failure.values }, { status });
}

// Shared field rules.
export const emailField = z.string().trim().min(1).max(254).email();
export const passwordField = z.string().min(12).max(200);
export const nameField = z.string().trim().min(1).max(120);
export const MIN_PASSWORD = 12;
