// The server's route matching with patches/@remix-run+router (applied by `npm install`'s postinstall),
// and the document render's routes built once per build (patches/@remix-run+react, react-router-dom):
// a route tree's ranked branches and the compiled path patterns are kept instead of rebuilt on every
// match (three matches a request, ~0.4 ms each on this app's 98 routes). These tests hold the cache
// to the uncached behaviour: the same matches on the app's real routes, and no pattern answering
// for another's options.
import fs from "node:fs";
import { createRequire } from "node:module";
import { flatRoutes } from "@remix-run/dev/dist/config/flat-routes.js";
import { matchPath, matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import { describe, expect, it } from "vitest";

type Entry = { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean };

/** The app's route tree as Remix builds it for the server (a fresh copy per call). */
function appRoutes(): AgnosticRouteObject[] {
  const manifest: Record<string, Entry> = { root: { id: "root", path: "" }, ...flatRoutes("app", ["**/.*", "**/*.test.{ts,tsx}"]) };
  const children = (parentId: string): AgnosticRouteObject[] =>
    Object.values(manifest)
      .filter((r) => (r.parentId ?? (r.id === "root" ? undefined : "root")) === parentId && r.id !== "root")
      .map((r) => (r.index ? { id: r.id, path: r.path, index: true } : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: children(r.id) }));
  return [{ id: "root", path: "", children: children("root") }];
}

const leaf = (routes: AgnosticRouteObject[], url: string) => {
  const m = matchRoutes(routes, url);
  return m ? { id: m[m.length - 1].route.id, params: m[m.length - 1].params } : null;
};

describe("route matching with the kept branches and patterns", () => {
  it("runs the patched router (postinstall applied patches/)", () => {
    const require = createRequire(import.meta.url);
    expect(fs.readFileSync(require.resolve("@remix-run/router"), "utf8")).toContain("rankedBranchesCache");
    // the document render builds the server routes once per build, and converts them once
    expect(fs.readFileSync(require.resolve("@remix-run/react/dist/server.js"), "utf8")).toContain("serverRoutesCache");
    expect(fs.readFileSync(require.resolve("react-router-dom/server.js"), "utf8")).toContain("dataRoutesCache");
  });

  it("converts a route tree once; each request's static router keeps its own matches", async () => {
    const { createStaticHandler, createStaticRouter } = createRequire(import.meta.url)("react-router-dom/server.js") as typeof import("react-router-dom/server");
    const routes = [{ id: "root", path: "/", children: [{ id: "a", path: "a" }, { id: "b", path: "b/:x" }] }];
    const handler = createStaticHandler(routes);
    const contextOf = async (url: string) => {
      const c = await handler.query(new Request(`http://localhost${url}`));
      if (c instanceof Response) throw new Error("not a context");
      return c;
    };
    const [ra, rb] = [createStaticRouter(routes, await contextOf("/a")), createStaticRouter(routes, await contextOf("/b/7"))];
    expect(ra.routes).toBe(rb.routes); // converted once
    expect(ra.state.matches.map((m) => m.route.id)).toEqual(["root", "a"]);
    expect(rb.state.matches.map((m) => [m.route.id, m.params.x])).toEqual([["root", "7"], ["b", "7"]]);
    expect(rb.state.matches[1].route).toBe(rb.routes[0].children![1]); // matched to the converted routes
    // another tree (another build) is converted on its own
    const other = [{ id: "root", path: "/", children: [{ id: "a", path: "a" }] }];
    expect(createStaticRouter(other, await contextOf("/a")).routes).not.toBe(ra.routes);
  });

  it("matches the app's URLs to the same routes and params, first call or hundredth, shared tree or fresh", () => {
    const shared = appRoutes();
    const cases: [string, string, Record<string, string | undefined>][] = [
      ["/", "routes/_index", {}],
      ["/posts/abc-123", "routes/posts.$id", { id: "abc-123" }],
      ["/posts/abc-123/edit", "routes/posts.$id_.edit", { id: "abc-123" }],
      ["/questions", "routes/questions._index", {}],
      ["/questions/new", "routes/questions.new", {}],
      ["/questions/q1", "routes/questions.$id", { id: "q1" }],
      ["/api/v1/openapi.json", "routes/api.v1.openapi[.]json", {}],
      ["/api/v1/posts/p9/comments", "routes/api.v1.posts.$id.comments", { id: "p9" }],
      ["/no/such/page", "routes/$", { "*": "no/such/page" }],
      // a branch's static first segment filters before its matcher runs: case and encoding as before
      ["/QUESTIONS/New", "routes/questions.new", {}],
      ["/Posts/%C3%A9t%C3%A9", "routes/posts.$id", { id: "été" }],
      ["/questionsx", "routes/$", { "*": "questionsx" }],
      ["//posts/p1", "routes/$", {}],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [url, id, params] of cases) {
        expect(leaf(shared, url), `${url} (round ${round})`).toEqual({ id, params: expect.objectContaining(params) });
        expect(leaf(appRoutes(), url), `${url} on a fresh tree`).toEqual(leaf(shared, url));
      }
    }
  });

  it("keeps one tree's branches from answering for another tree", () => {
    const a: AgnosticRouteObject[] = [{ id: "a", path: "/only-a" }];
    const b: AgnosticRouteObject[] = [{ id: "b", path: "/only-b" }];
    expect(matchRoutes(a, "/only-a")?.[0].route.id).toBe("a");
    expect(matchRoutes(b, "/only-a")).toBeNull();
    expect(matchRoutes(b, "/only-b")?.[0].route.id).toBe("b");
    expect(matchRoutes(a, "/only-b")).toBeNull();
  });

  it("keeps a case-sensitive route's first segment case-sensitive", () => {
    const routes: AgnosticRouteObject[] = [
      { id: "exact", path: "/Reports/:id", caseSensitive: true },
      { id: "any", path: "/reports-any/:id" },
      { id: "rest", path: "*" },
    ];
    expect(matchRoutes(routes, "/Reports/r1")?.[0].route.id).toBe("exact");
    expect(matchRoutes(routes, "/reports/r1")?.[0].route.id).toBe("rest");
    expect(matchRoutes(routes, "/REPORTS-ANY/r1")?.[0].route.id).toBe("any");
  });

  it("compiles a pattern separately for each end and case-sensitivity", () => {
    expect(matchPath({ path: "/Spaces/:id", end: false }, "/Spaces/s1/members")?.params).toEqual({ id: "s1" });
    expect(matchPath({ path: "/Spaces/:id", end: true }, "/Spaces/s1/members")).toBeNull();
    expect(matchPath({ path: "/Spaces/:id", caseSensitive: false }, "/spaces/s1")?.params).toEqual({ id: "s1" });
    expect(matchPath({ path: "/Spaces/:id", caseSensitive: true }, "/spaces/s1")).toBeNull();
    expect(matchPath({ path: "/Spaces/:id", caseSensitive: true }, "/Spaces/s1")?.params).toEqual({ id: "s1" });
    expect(matchPath({ path: "/Spaces/:id", end: false }, "/Spaces/s2/x")?.params).toEqual({ id: "s2" });
  });
});
