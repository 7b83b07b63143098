import type { MetaFunction } from "@remix-run/node";
import { ErrorPage, GeneralErrorBoundary } from "~/components/error-boundary";
import { metaTitle } from "~/i18n";

// Any URL no other route claims: a real 404 status, rendered by the shared boundary.

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "error.notFoundTitle");

export function loader(): never {
  throw new Response("Not found", { status: 404 });
}

// Without an action, a POST here would answer 405 and reveal nothing more useful.
export function action(): never {
  throw new Response("Not found", { status: 404 });
}

// Never rendered (the loader always throws), but a default export keeps this a page
// route rather than a resource route, so the error boundary renders HTML.
export default function NotFound() {
  return <ErrorPage status={404} />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
