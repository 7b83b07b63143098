import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as login from "../../app/routes/login";
import { safeRedirect } from "../../app/utils/safe-redirect";
import { makeOrg, makeUser, TEST_PASSWORD } from "../../scripts/lib/factories";
import { rng } from "../../scripts/lib/rng";
import { callRoute, getRequest, ORIGIN, postRequest } from "../support/remix";
import { rawRequest, startAppServer, type AppServer } from "../support/http-app";

// Every redirect parameter goes through safeRedirect: whatever the target, the result is a
// path on this site. Targets are generated from hostile pieces a browser would reinterpret.

const CONTROLS = ["\t", "\r", "\n", "\r\n", "\u0000", "\u0001", "\u000b", "\u000c", "\u001b", "\u007f", "\u0085", "\u2028", "\ufeff", " "];
const HOSTS = ["evil.example", "evil.example:443", "127.0.0.1", "[::1]", "localhost:3000.evil.example", "user:pass@evil.example", "localhost:3000@evil.example", "%65vil.example"];
const PREFIXES = ["", "/", "//", "///", "\\\\", "/\\", "\\/", "/%2F", "/%2f", "%2F%2F", "/%5C", "/%252F", "/./", "/../", "/.//", "/..//", "/%2e%2e//", "http:", "https:", "HtTpS:", "javascript:", "JaVaScRiPt:", "data:", "vbscript:", "file:", "ftp:", "mailto:", "http://", "https://", "https:/", "https:\\\\", " /", "\t/"];
const TAILS = ["", "/", "/x", "?a=1", "#h", "/%0d%0aSet-Cookie:x=1", "/path?next=//evil.example", "alert(1)", "%0a%0dLocation:%20//evil"];

function hostile(r: () => number): string {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  let s = pick(PREFIXES) + (r() < 0.7 ? pick(HOSTS) : "") + pick(TAILS);
  // a control character (or several) anywhere: browsers strip tab/CR/LF before parsing
  const n = Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (s.length + 1));
    s = s.slice(0, at) + pick(CONTROLS) + s.slice(at);
  }
  if (r() < 0.05) s = s + "/" + "a".repeat(3000);
  if (r() < 0.1) s = s.toUpperCase();
  return s;
}

function expectSameOriginPath(result: string, target: string) {
  expect(result.startsWith("/"), JSON.stringify(target)).toBe(true);
  expect(result.startsWith("//") || result.startsWith("/\\"), JSON.stringify(target)).toBe(false);
  expect(/[\u0000-\u001f\u007f-\u009f\\]/.test(result), JSON.stringify(target)).toBe(false);
  expect(new URL(result, ORIGIN).origin, JSON.stringify(target)).toBe(ORIGIN);
  // a header value the platform accepts: a redirect to it can never throw
  expect(() => new Headers({ Location: result })).not.toThrow();
}

const FIXED = [
  "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\r\n/evil.example", "\t//evil.example",
  "/%2F/evil.example", "/%2f%2fevil.example", "/%5C/evil.example", "/%252F%252Fevil.example", "https://other.example/x",
  "HTTPS://other.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "/.//evil.example",
  "/..//evil.example", "/%2e%2e//evil.example", "http://localhost:3000@evil.example/", "//user:pass@evil.example",
  "/\u0000/evil.example", "/\u2028/evil.example", "/x\r\nSet-Cookie: a=1", "/" + "x".repeat(5000), "", " ", "?", "#",
];

describe("safeRedirect", () => {
  it("keeps same-origin paths as they are", () => {
    for (const ok of ["/", "/spaces?a=1", "/posts/123#comments", "/search?q=%2F%2Fx", "/tags/conformit%C3%A9", "/@someone"]) {
      expect(safeRedirect(ok)).toBe(ok);
    }
    expect(safeRedirect("/a b")).toBe("/a%20b");
  });

  it("sends every fixed hostile target to a same-origin path (the fallback)", () => {
    for (const t of FIXED) {
      const out = safeRedirect(t, "/home");
      expectSameOriginPath(out, t);
      expect(out, JSON.stringify(t)).toBe("/home");
    }
  });

  it("sends 5,000 generated hostile targets to a same-origin path", () => {
    const r = rng(20261201);
    let fellBack = 0;
    for (let i = 0; i < 5000; i++) {
      const t = hostile(r);
      const out = safeRedirect(t);
      expectSameOriginPath(out, t);
      if (out === "/") fellBack++;
    }
    // the generator really is hostile: nearly everything is refused
    expect(fellBack).toBeGreaterThan(4000);
  });

  it("refuses non-strings and the empty string", () => {
    for (const v of [undefined, null, 42, {}, ["/x"], ""]) expect(safeRedirect(v, "/f")).toBe("/f");
  });
});

describe("sign-in with a hostile redirect parameter", () => {
  let email: string;
  beforeAll(async () => {
    const org = await makeOrg();
    email = (await makeUser(org.id)).email;
  });

  it("the form carries a safe target and sign-in redirects to a same-origin path, never 500", { timeout: 180_000 }, async () => {
    const r = rng(7);
    const targets = [...FIXED, ...Array.from({ length: 16 }, () => hostile(r))];
    for (const [i, t] of targets.entries()) {
      const page = await callRoute(login.loader, getRequest(`/login?redirectTo=${encodeURIComponent(t)}`));
      expect(page.status).toBe(200);
      const shown = (await page.json()).redirectTo as string;
      expectSameOriginPath(shown, t);
      // and the action, given the raw hostile value (as a forged form would send it)
      const res = await callRoute(login.action, postRequest("/login", { email, password: TEST_PASSWORD, redirectTo: t }), {}, { clientIp: `10.77.${i % 250}.1` });
      expect(res.status, JSON.stringify(t)).toBe(302);
      expectSameOriginPath(res.headers.get("Location")!, t);
      expect(res.headers.get("Set-Cookie")).toMatch(/^atrium_session=/);
    }
  });
});

describe("through the real HTTP stack", () => {
  let app: AppServer;
  let email: string;
  beforeAll(async () => {
    app = await startAppServer();
    const org = await makeOrg();
    email = (await makeUser(org.id)).email;
  });
  afterAll(() => app.close());

  it("CR/LF, tab and backslash targets answer a same-origin redirect after sign-in", { timeout: 60_000 }, async () => {
    for (const t of ["/\r\n/evil.example", "/\t/evil.example", "/\\evil.example", "//evil.example", "/ok?x=1"]) {
      const body = new URLSearchParams({ email, password: TEST_PASSWORD, redirectTo: t }).toString();
      const res = await rawRequest(app.port, "POST", "/login", { Origin: app.origin, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(Buffer.byteLength(body)) }, body);
      expect(res.status, JSON.stringify(t)).toBe(302);
      const location = String(res.headers.location);
      expect(new URL(location, app.origin).origin).toBe(app.origin);
      expect(location).toBe(t === "/ok?x=1" ? "/ok?x=1" : "/");
      expect(res.headers["cache-control"]).toBe("private, no-store");
    }
  });
});
