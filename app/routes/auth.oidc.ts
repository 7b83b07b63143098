import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { beginOidc, oidcEnabled } from "~/identity/oidc.server";
import { notFound } from "~/utils/http.server";

// GET /auth/oidc?redirectTo=: off to the identity provider (authorization code + PKCE, state, nonce).
export async function loader({ request }: LoaderFunctionArgs) {
  if (!(await oidcEnabled())) notFound();
  const { url, cookie } = await beginOidc(request, new URL(request.url).searchParams.get("redirectTo"));
  return redirect(url, { headers: { "Set-Cookie": cookie } });
}
