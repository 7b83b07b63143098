import { randomBytes } from "node:crypto";
import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { clearUnreadableSession } from "~/identity/session.server";
import { NonceProvider } from "~/utils/nonce";

const ABORT_DELAY = 5_000;

/**
 * Content-Security-Policy: scripts only from us or carrying this response's nonce,
 * so injected markup cannot run code even if something slipped past the sanitiser.
 * Styles may be inline (the editor sets style attributes). Development keeps
 * `remix dev`'s live-reload socket working by skipping the header.
 */
function contentSecurityPolicy(nonce: string) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  clearUnreadableSession(request, responseHeaders);
  const nonce = randomBytes(16).toString("base64");
  if (process.env.NODE_ENV === "production") responseHeaders.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  // No page has a Suspense boundary (no defer/Await), so the document is rendered in one pass to a
  // string and sent as one buffer with its length: React's streaming renderer would encode it into
  // 2 KB chunks through a web stream, which cost a signed-in page ~3 ms of CPU more. A page that
  // streams would need renderToPipeableStream back.
  const html = renderToString(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
    </NonceProvider>,
  );
  responseHeaders.set("Content-Type", "text/html");
  // Bytes, not a string: a string body is first checked for lone surrogates character by character
  // (fetch's USVString conversion, ~0.6 ms for a 90 KB page) before being encoded anyway.
  return new Response(Buffer.from(`<!DOCTYPE html>${html}`), { headers: responseHeaders, status: responseStatusCode });
}

/** Loader and action data for client navigations: an unreadable session cookie is cleared here too. */
export function handleDataRequest(response: Response, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  try {
    clearUnreadableSession(request, response.headers);
  } catch {
    // immutable headers (a proxied response): nothing to clear on
  }
  return response;
}
