import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRevalidator, useRouteLoaderData } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { noteActive } from "~/analytics/activity.server";
import { AppShell, type ShellUser } from "~/components/app-shell";
import { useAppLinks } from "~/components/link";
import { errorMessageKeys, errorStatus, GeneralErrorBoundary } from "~/components/error-boundary";
import { unreadCount } from "~/notifications/notifications.server";
import { I18nProvider, resolveLocale, translate, useLocaleWithFallback } from "~/i18n";
import { getCurrentUser } from "~/identity/session.server";
import { timeZoneFor } from "~/identity/preferences.server";
import { TimeProvider, TZ_COOKIE } from "~/i18n/time";
import { shellMenu } from "~/identity/account-menu.server";
import { useNonce } from "~/utils/nonce";
import { getViewer } from "~/identity/request.server";
import { mySpaces } from "~/spaces/spaces.server";
// Classic compiler: a plain .css import yields the built file's URL (run through PostCSS).
import stylesheet from "~/styles/app.css";
import { IconSprite } from "~/components/icons";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  {
    rel: "icon",
    type: "image/svg+xml",
    href: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Crect width='24' height='24' rx='6' fill='%234f46e5'/%3E%3Cpath d='M6.5 17.5V11a5.5 5.5 0 0 1 11 0v6.5M10 17.5v-5a2 2 0 0 1 4 0v5' fill='none' stroke='white' stroke-width='1.8' stroke-linecap='round'/%3E%3C/svg%3E",
  },
];

export const meta: MetaFunction<typeof loader> = ({ data, error }) => {
  const locale = data?.locale ?? "en";
  if (error === undefined) return [{ title: translate(locale, "app.name") }];
  const page = translate(locale, errorMessageKeys(errorStatus(error)).title);
  return [{ title: translate(locale, "meta.title", { page }) }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const current = await getCurrentUser(request);
  // engagement analytics: one upsert per person per day per process, never failing the page
  if (current) await noteActive(current);
  const locale = resolveLocale(current?.locale, request.headers.get("Accept-Language"));
  // Only what the shell renders goes to the browser (no session id, no org id).
  // The rail's spaces and the badge are independent reads: one round trip's wait, not two.
  const viewer = current ? await getViewer(request) : null;
  const [spaces, unread] = viewer ? await Promise.all([mySpaces(viewer), unreadCount(viewer.id!, undefined, viewer)]) : [[], 0];
  const user: ShellUser | null =
    current && viewer
      ? { id: current.id, name: current.name, email: current.email, orgName: current.orgName, menu: shellMenu(viewer), spaces: spaces.map((s) => ({ slug: s.slug, name: s.name })) }
      : null;
  // times render in the viewer's zone, against the same "now" on the server and at hydration
  return { user, locale, unread, timeZone: timeZoneFor(request, current), timeZoneSaved: !!current?.timeZone, now: Date.now() };
}

export function Layout({ children }: { children: ReactNode }) {
  // Undefined when the root loader itself failed; then fall back to the browser's language.
  const data = useRouteLoaderData<typeof loader>("root");
  const locale = useLocaleWithFallback(data?.locale);
  const nonce = useNonce();
  return (
    <html lang={locale} className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="h-full">
        <IconSprite />
        <I18nProvider locale={locale}>
          <TimeProvider value={{ timeZone: data?.timeZone ?? "UTC", now: data?.now ?? 0 }}>{children}</TimeProvider>
        </I18nProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { user, unread, timeZone, timeZoneSaved } = useLoaderData<typeof loader>();
  const { revalidate } = useRevalidator();
  useAppLinks();
  useEffect(() => {
    // the browser's zone is the default until the person saves one (settings → preferences)
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!tz || document.cookie.includes(`${TZ_COOKIE}=${encodeURIComponent(tz)}`)) return;
    document.cookie = `${TZ_COOKIE}=${encodeURIComponent(tz)}; path=/; max-age=31536000; samesite=lax`;
    if (!timeZoneSaved && tz !== timeZone) revalidate();
  }, [timeZone, timeZoneSaved, revalidate]);
  return (
    <AppShell user={user} unread={unread}>
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <AppShell user={data?.user ?? null} unread={data?.unread ?? 0} showAccount={data !== undefined}>
      <GeneralErrorBoundary />
    </AppShell>
  );
}
