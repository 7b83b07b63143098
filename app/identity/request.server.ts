import { getDb } from "~/db/client.server";
import { requestMemo } from "~/platform/request-scope.server";
import { getCurrentUser, requireUser, sessionViewer, type CurrentUser } from "~/identity/session.server";
import { resolveLocale, type Locale } from "~/i18n";
import type { Viewer } from "~/policy/policy";
import { ANONYMOUS } from "~/policy/policy";
import { loadViewer } from "~/policy/viewer.server";

const perRequest = new WeakMap<Request, Promise<Viewer>>();

/** The viewer's policy facts, resolved once per request. Anonymous visitors get the null viewer. */
export function getViewer(request: Request): Promise<Viewer> {
  let p = perRequest.get(request);
  if (!p) {
    // the facts come with the session (one statement); a user object made elsewhere reads them
    p = getCurrentUser(request).then(async (u) => (u ? (sessionViewer(u) ?? requestMemo(`viewer:${u.id}`, async () => loadViewer(await getDb(), u.id))) : ANONYMOUS));
    perRequest.set(request, p);
  }
  return p;
}

/** Signed-in user and viewer facts; redirects to sign-in otherwise. */
export async function requireViewer(request: Request): Promise<{ user: CurrentUser; viewer: Viewer; locale: Locale }> {
  const user = await requireUser(request);
  const viewer = await getViewer(request);
  return { user, viewer, locale: resolveLocale(user.locale, request.headers.get("Accept-Language")) };
}

export async function requestLocale(request: Request): Promise<Locale> {
  const user = await getCurrentUser(request);
  return resolveLocale(user?.locale, request.headers.get("Accept-Language"));
}
