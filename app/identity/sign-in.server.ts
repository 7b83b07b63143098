import { redirect, type AppLoadContext, type TypedResponse } from "@remix-run/node";
import { safeRedirect } from "~/utils/safe-redirect";
import { createSession, sessionCookie } from "./session.server";

/** The client address server.ts resolved (honouring TRUST_PROXY); empty when unknown. */
export function clientIp(context: AppLoadContext): string {
  return typeof context.clientIp === "string" ? context.clientIp : "";
}

/** Opens a session for someone who has just proved who they are, sets its cookie and sends them on. */
export async function startSessionAndRedirect(
  request: Request,
  context: AppLoadContext,
  userId: string,
  to: string,
): Promise<TypedResponse<never>> {
  // Judged before the session exists, so a bad target can never fail after sign-in.
  const target = safeRedirect(to);
  const { token, expiresAt } = await createSession(userId, {
    ip: clientIp(context),
    userAgent: request.headers.get("User-Agent") ?? "",
  });
  return redirect(target, { headers: { "Set-Cookie": sessionCookie(request, token, expiresAt) } });
}
