import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { clearSessionCookie, getCurrentUser, revokeSession } from "~/identity/session.server";

// Sign-out is a POST only (the Origin check guards it); a GET just goes home.

export function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await getCurrentUser(request);
  if (user) await revokeSession(user.sessionId);
  return redirect("/login", { headers: { "Set-Cookie": clearSessionCookie(request) } });
}
