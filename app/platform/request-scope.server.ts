import { AsyncLocalStorage } from "node:async_hooks";

// Remix hands each loader of a document request its own copy of the Request, so a memo keyed
// by the Request object is not shared between the root loader and the page's loader: both
// validated the session and loaded the viewer's facts (six queries twice per page). The HTTP
// stack opens one scope per read request; loaders share what it memoizes.
//
// Only GET and HEAD get a scope: after an action (a form post without JavaScript) the loaders
// run in the same HTTP request and must see what the action changed.

// On globalThis: the HTTP stack (build/server.js) and the Remix build (build/index.js) are two
// bundles, each with its own copy of this module; they must share one storage.
const KEY = "__atriumRequestScope";
const g = globalThis as typeof globalThis & { [KEY]?: AsyncLocalStorage<Map<string, unknown>> };
const scope = (g[KEY] ??= new AsyncLocalStorage<Map<string, unknown>>());

export function runInRequestScope<T>(method: string, fn: () => T): T {
  return method === "GET" || method === "HEAD" ? scope.run(new Map(), fn) : fn();
}

/** `make()` once per read request and key; outside a request scope, every call makes its own. */
export function requestMemo<T>(key: string, make: () => T): T {
  const store = scope.getStore();
  if (!store) return make();
  if (!store.has(key)) store.set(key, make());
  return store.get(key) as T;
}
