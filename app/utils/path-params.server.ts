import { notFound } from "./http.server";
import { isId } from "./ids";

// The edge for URL path parameters: a value that cannot name anything is a thing that does not
// exist (404) before it reaches a query. NUL bytes, stray bytes and absurd lengths stop here.

type Params = Record<string, string | undefined>;

/** The one parser for ids in a path (`/posts/:id`, `/people/:id`, ...): an id or 404. */
export function idParam(params: Params, name = "id"): string {
  const raw = params[name];
  if (!isId(raw)) notFound();
  return raw;
}

/** Any other path parameter (slugs, tokens): `accept` is its own rule; controls and overlong values never pass. */
export function pathParam(params: Params, name: string, accept: (value: string) => boolean): string {
  const raw = params[name];
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 200 || /\p{Cc}/u.test(raw) || !accept(raw)) notFound();
  return raw;
}
