import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { clearFlowCookie, finishOidc, oidcEnabled } from "~/identity/oidc.server";
import { sessionCookie } from "~/identity/session.server";
import { clientIp } from "~/identity/sign-in.server";

// GET /auth/oidc/callback?code=&state=: the provider's answer. Our session on success; otherwise
// back to the sign-in page with a reason (nothing else is created).
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!(await oidcEnabled())) throw redirect("/login");
  const result = await finishOidc(request, { ip: clientIp(context), userAgent: request.headers.get("User-Agent") ?? "" });
  const headers = new Headers({ "Set-Cookie": clearFlowCookie(request) });
  if (!result.ok) return redirect(`/login?sso=${result.reason}`, { headers });
  headers.append("Set-Cookie", sessionCookie(request, result.token, result.expiresAt));
  return redirect(result.redirectTo, { headers });
}
