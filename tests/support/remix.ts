// Route modules called the way Remix calls them: a real Request with the session cookie,
// the route params and the load context; and pages server-rendered from their own loader.
import { createElement, type ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { createSession } from "../../app/identity/session.server";
import type { World } from "../fixtures/world";

export const ORIGIN = "http://localhost:3000";
/** A desktop Chrome, as the session list reads it ("Chrome on Linux"). */
export const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const CLIENT_IP = "10.9.0.1";

/** What a loader or action receives. */
export type RouteArgs = { request: Request; params: Record<string, string>; context: Record<string, unknown> };
export type RouteFunction = (args: RouteArgs) => unknown;

/** Who asks: the session token for the cookie, and the Accept-Language header. */
export type RequestOptions = { token?: string; lang?: string };
export type FormFields = Record<string, string | string[]>;

function requestHeaders({ token, lang }: RequestOptions) {
  const h = new Headers({ "User-Agent": BROWSER_UA });
  if (token) h.set("Cookie", `atrium_session=${encodeURIComponent(token)}`);
  if (lang) h.set("Accept-Language", lang);
  return h;
}

export const getRequest = (path: string, opts: RequestOptions = {}) => new Request(ORIGIN + path, { headers: requestHeaders(opts) });

/** A form POST; a field given a list is sent once per value, like checkboxes. */
export function postRequest(path: string, fields: FormFields, opts: RequestOptions = {}) {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  return new Request(ORIGIN + path, { method: "POST", body: form, headers: requestHeaders(opts) });
}

/** Runs a loader or action; a thrown Response (redirect, 404) is returned like a returned one. */
export async function callRoute(fn: unknown, request: Request, params: Record<string, string> = {}, context: Record<string, unknown> = { clientIp: CLIENT_IP }) {
  try {
    const res = await (fn as RouteFunction)({ request, params, context });
    if (!(res instanceof Response)) throw new Error(`expected a Response, got ${JSON.stringify(res)}`);
    return res;
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readJson = (res: Response) => res.json() as Promise<Record<string, any>>;

/** Signs each persona in: their session tokens by name. */
export async function sessionsFor(world: World, personas: readonly (keyof World["users"])[], meta?: { ip?: string; userAgent?: string }) {
  const tokens: Record<string, string> = {};
  for (const name of personas) tokens[name] = (await createSession(world.users[name].id, meta)).token;
  return tokens;
}

/**
 * Server-renders a route module's page the way the router would, from its own loader.
 * `path` is the route pattern (e.g. "/compliance/items/:id"); by default the request's own path.
 */
export async function renderRoute(mod: { loader: unknown; default: ComponentType }, request: Request, path = new URL(request.url).pathname) {
  const loader = ({ request: r, params }: { request: Request; params: Record<string, string | undefined> }) =>
    (mod.loader as RouteFunction)({ request: r, params: params as Record<string, string>, context: {} }) as Promise<Response>;
  const handler = createStaticHandler([{ id: "page", path, loader, Component: mod.default }]);
  const context = await handler.query(request);
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`);
  return renderToString(createElement(StaticRouterProvider, { router: createStaticRouter(handler.dataRoutes, context), context, hydrate: false }));
}
