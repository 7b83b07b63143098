import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
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
  // Bots (and headless test browsers) get the whole document at once.
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // No page has a Suspense boundary, so the shell is the whole document: it goes out as one
    // buffer (one write through compression and the socket, with its length) instead of React's
    // 2 KB chunks through a web stream, which cost a signed-in page ~3 ms of CPU in writes alone.
    // A page that streams (defer/Await) would need the piped stream back.
    const start = () => {
      shellRendered = true;
      const chunks: Buffer[] = [];
      const body = new PassThrough();
      body.on("data", (chunk: Buffer) => chunks.push(chunk));
      body.on("error", reject);
      body.on("end", () => {
        clearTimeout(timer);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
      });
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          if (!waitForAll) start();
        },
        onAllReady() {
          if (waitForAll) start();
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    timer = setTimeout(abort, ABORT_DELAY);
  });
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
