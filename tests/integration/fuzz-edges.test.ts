import fs from "node:fs";
import net from "node:net";
import { flatRoutes } from "@remix-run/dev/dist/config/flat-routes.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encodeCursor, decodeCursor } from "../../app/feed/feed-cursor";
import { createSession, readSessionCookie } from "../../app/identity/session.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { rng } from "../../scripts/lib/rng";
import { rawRequest, startAppServer, type AppServer } from "../support/http-app";
import { callRoute, ORIGIN } from "../support/remix";

// Hostile input at every edge: every `$param` route (found from app/routes, so a new one is
// fuzzed without anyone listing it), the session cookie parser and the feed cursor parser.
// Random bytes, NUL, invalid UTF-8 percent sequences, huge and negative numbers, very long
// strings → a 4xx (or a normal page where the parameter is free text), never a 5xx.

const SEED = 20261201;
const UUID = "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5";

/** Hostile values of a path parameter, as the route receives them (already decoded). */
function hostileValues(r: () => number): string[] {
  const randomChars = (n: number) => Array.from({ length: n }, () => String.fromCharCode(Math.floor(r() * 0x10000))).join("");
  const randomLatin1 = (n: number) => Array.from({ length: n }, () => String.fromCharCode(Math.floor(r() * 256))).join("");
  return [
    "\u0000", `${UUID}\u0000`, `\u0000${UUID}`, "abc\u0000def", "research\u0000",
    "%E0%A4%A", "%C0%AF", "%FF%FE", "%ED%A0%80", "\ud800", "\udfff\ud800",
    "99999999999999999999999999", "1e309", "-1", "-0", "0", "NaN", "Infinity", String(Number.MAX_SAFE_INTEGER + 2), "-9223372036854775809",
    "x".repeat(10_000), "é".repeat(3000), UUID.toUpperCase(), `${UUID} `, ` ${UUID}`, "../../etc/passwd", "'; drop table posts; --", "{}", "[]", "$", "#",
    randomChars(1 + Math.floor(r() * 40)), randomChars(200), randomLatin1(30), randomLatin1(500),
  ];
}

// Route files with parameters, and the names of their parameters, from the file names.
const ROUTE_FILES = fs.readdirSync("app/routes").filter((f) => f.includes("$")).sort();
const paramNames = (file: string) => [...file.matchAll(/\$([A-Za-z]+)/g)].map((m) => m[1]);
const FORMS = ["intent=follow", "intent=unfollow", "intent=delete", "intent=join", "intent=leave", "intent=edit&body=%7B%7D", "intent=react&reaction=like", "name=Mallory&password=a+long+enough+password", "intent=%00", ""];

/** Percent-encodes the UTF-8 bytes of any string (lone surrogates included, as U+FFFD). */
const enc = (s: string) => [...Buffer.from(s, "utf8")].map((b) => "%" + b.toString(16).padStart(2, "0").toUpperCase()).join("");

let token: string;
let cookie: string;

beforeAll(async () => {
  const org = await makeOrg("Fuzz Bank");
  // every role, so no route stops at the door before its parameters are used
  const user = await makeUser(org.id, { roles: ["member", "curator", "compliance", "hr", "admin"] });
  token = (await createSession(user.id)).token;
  cookie = `atrium_session=${encodeURIComponent(token)}`;
});

function request(path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("Cookie", cookie);
  return new Request(ORIGIN + path, { ...init, headers });
}

describe("every $param route, called as Remix calls it", () => {
  it("finds the routes (the splat included)", () => {
    expect(ROUTE_FILES.length).toBeGreaterThanOrEqual(15);
    expect(ROUTE_FILES).toContain("posts.$id.tsx");
    expect(ROUTE_FILES).toContain("compliance.items.$id.export.ts");
  });

  for (const file of ROUTE_FILES) {
    it(`${file}: hostile parameters answer 2xx/3xx/4xx, never 5xx`, { timeout: 120_000 }, async () => {
      const mod = await import(/* @vite-ignore */ `../../app/routes/${file}`);
      const names = paramNames(file);
      const r = rng(SEED + file.length);
      const values = hostileValues(r);
      for (const [i, value] of values.entries()) {
        const params = Object.fromEntries(names.map((n) => [n === "" ? "*" : n, value]));
        if (file === "$.tsx") params["*"] = value;
        if (mod.loader) {
          const res = await callRoute(mod.loader, request("/x?cursor=" + enc(value)), params);
          expect(res.status, `GET ${file} ${JSON.stringify(value.slice(0, 60))}`).toBeLessThan(500);
        }
        if (mod.action) {
          const body = FORMS[i % FORMS.length];
          const res = await callRoute(mod.action, request("/x", { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } }), params);
          expect(res.status, `POST ${file} ${JSON.stringify(value.slice(0, 60))} ${body}`).toBeLessThan(500);
        }
      }
    });
  }
});

describe("feed cursors", () => {
  const cursorOf = (text: string) => Buffer.from(text).toString("base64url");
  const OUT_OF_RANGE = [
    `-010000-01-01T00:00:00.000Z|${UUID}`, `+275760-09-13T00:00:00.000Z|${UUID}`, `+010000-01-01T00:00:00.000Z|${UUID}`, `0000-01-01T00:00:00Z|${UUID}`,
    `0001-01-01T00:00:00Z|${UUID}`, `-4714-11-24T00:00:00Z|${UUID}`, `9999-12-31T23:59:60Z|${UUID}`, `2026-02-31T00:00:00Z|${UUID}`, `2026-13-01T00:00:00Z|${UUID}`,
    `2026-01-01|${UUID}`, `1e309|${UUID}`, `-1|${UUID}`, `2026-01-01T00:00:00.000Z|${UUID}\u0000`, `2026-01-01T00:00:00.000Z\u0000|${UUID}`,
    `2026-01-01T00:00:00.000Z|${UUID}|x`, `2026-01-01T00:00:00.000Z|'; drop table posts; --`, `Sat, 01 Jan 100000 00:00:00 GMT|${UUID}`,
  ];

  it("decodeCursor returns null or an in-range cursor for anything, and round-trips real ones", () => {
    const r = rng(SEED);
    const inputs = [...OUT_OF_RANGE.map(cursorOf), ...hostileValues(r), ...Array.from({ length: 2000 }, () => cursorOf(hostileValues(r)[Math.floor(r() * 30)] + "|" + UUID))];
    for (const raw of inputs) {
      const c = decodeCursor(raw);
      if (c === null) continue;
      expect(c.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(c.at >= "1970").toBe(true); // four-digit years only (the pattern above)
      expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    for (const c of OUT_OF_RANGE) expect(decodeCursor(cursorOf(c)), c).toBeNull();
    const real = { at: "2026-12-01T10:00:00.123Z", id: UUID };
    expect(decodeCursor(encodeCursor(real))).toEqual(real);
  });

  it("every feed that takes a cursor answers out-of-range and garbage cursors without a 5xx", { timeout: 120_000 }, async () => {
    const feeds: { file: string; params: Record<string, string>; q: string }[] = [
      { file: "_index.tsx", params: {}, q: "cursor" },
      { file: "feed.new.ts", params: {}, q: "since" },
      { file: "tags.$tag.tsx", params: { tag: "conformité" }, q: "cursor" },
      { file: "cashtags.$ticker.tsx", params: { ticker: "BNP" }, q: "cursor" },
      { file: "spaces.$slug._index.tsx", params: { slug: "no-such-space" }, q: "cursor" },
    ];
    const r = rng(SEED + 1);
    const cursors = [...OUT_OF_RANGE.map(cursorOf), ...hostileValues(r).slice(0, 12)];
    for (const f of feeds) {
      const mod = await import(/* @vite-ignore */ `../../app/routes/${f.file}`);
      for (const c of cursors) {
        const res = await callRoute(mod.loader, request(`/x?${f.q}=${enc(c)}&page=${enc(c)}`), f.params);
        expect(res.status, `${f.file} ${f.q}=${c.slice(0, 60)}`).toBeLessThan(500);
      }
    }
  });
});

describe("session cookie", () => {
  it("the parser reads any header without throwing; only a well-formed token is a token", () => {
    const r = rng(SEED + 2);
    const values = [...hostileValues(r), "%", "%%", "%E0%A4%A", "%00", "a.b", "a.b.c", `${"a".repeat(24)}.${"b".repeat(24)}%00`, "=", "\"quoted\""];
    for (const v of values) {
      for (const header of [`atrium_session=${v}`, `x=1; atrium_session=${v}; y=2`, `atrium_session=${enc(v)}`]) {
        const req = new Request(ORIGIN + "/", { headers: { Cookie: header.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?") } });
        const read = readSessionCookie(req);
        if (read.token !== null) expect(read.token).toMatch(/^[a-z2-7]{24}\.[a-z2-7]{24}$/);
      }
    }
  });
});

describe("through the real HTTP server", () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startAppServer();
    // Remix logs every unmatched URL; the statuses are what this test judges.
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await app.close();
  });

  // URL patterns of the $param routes, from the same route table Remix builds.
  const manifest = flatRoutes("app", ["**/.*", "**/*.test.{ts,tsx}"]);
  const fullPath = (id: string): string => {
    const r = manifest[id];
    if (!r) return "";
    const parent = r.parentId && r.parentId !== "root" ? fullPath(r.parentId) : "";
    return [parent, r.path ?? ""].filter(Boolean).join("/");
  };
  const patterns = Object.values(manifest).filter((r) => r.file.includes("$")).map((r) => ({ id: r.id, pattern: "/" + fullPath(r.id) }));
  const ENCODED = ["%00", `${UUID}%00`, "%E0%A4%A", "%C0%AF", "%FF", "%ED%A0%80", "%25", "99999999999999999999999", "-1", "1e309", "x".repeat(3000), "%0D%0ALocation:%20//evil", "%2F%2Fevil", "..%2F..%2F"];

  it("every $param URL with hostile bytes answers without a 5xx: page, data and form post", { timeout: 240_000 }, async () => {
    expect(patterns.length).toBe(ROUTE_FILES.length);
    for (const { id, pattern } of patterns) {
      for (const v of ENCODED) {
        const path = pattern.replace(/:[A-Za-z]+|\*$/g, v);
        const page = await rawRequest(app.port, "GET", path, { Cookie: cookie });
        expect(page.status, `GET ${path.slice(0, 80)}`).toBeLessThan(500);
        const data = await rawRequest(app.port, "GET", `${path}?_data=${encodeURIComponent(id)}`, { Cookie: cookie });
        expect(data.status, `GET ${path.slice(0, 80)} data`).toBeLessThan(500);
        const body = "intent=follow";
        const post = await rawRequest(app.port, "POST", `${path}?_data=${encodeURIComponent(id)}`, { Cookie: cookie, Origin: app.origin, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length) }, body);
        expect(post.status, `POST ${path.slice(0, 80)}`).toBeLessThan(500);
      }
    }
  });

  it("an unreadable session cookie is no session, on every page including sign-in, and is cleared", { timeout: 120_000 }, async () => {
    const r = rng(SEED + 3);
    const latin1 = () => Array.from({ length: 1 + Math.floor(r() * 60) }, () => String.fromCharCode(0x20 + Math.floor(r() * 0xe0))).join("").replace(/[\x7f]/g, "");
    const values = ["%E0%A4%A", "%", "%00", "%0D%0A", "%FF%FE", `${"a".repeat(24)}.${"b".repeat(24)}%00`, "x".repeat(4000), ...Array.from({ length: 12 }, latin1)];
    for (const v of values) {
      for (const path of ["/login", "/", "/posts/" + UUID, "/spaces", "/notifications?_data=routes%2Fnotifications"]) {
        const res = await rawRequest(app.port, "GET", path, { Cookie: `atrium_session=${v}` });
        expect(res.status, `${path} with cookie ${JSON.stringify(v.slice(0, 40))}`).toBeLessThan(500);
        if (path === "/login") {
          expect(res.status).toBe(200);
          expect(String(res.headers["set-cookie"]), JSON.stringify(v)).toMatch(/atrium_session=; .*Max-Age=0/);
        }
      }
    }
    // a well-formed cookie is left alone
    const ok = await rawRequest(app.port, "GET", "/login", { Cookie: cookie });
    expect(ok.headers["set-cookie"]).toBeUndefined();
  });

  it("raw NUL and control bytes in the request line or a header never reach the app as a 5xx", async () => {
    const raw = (bytes: string) =>
      new Promise<string>((resolve, reject) => {
        // write without half-closing: the server closes after answering (Connection: close)
        const s = net.connect(app.port, "127.0.0.1", () => s.write(Buffer.from(bytes, "latin1")));
        let out = "";
        s.on("data", (d) => (out += d.toString("latin1")));
        s.on("end", () => resolve(out));
        s.on("error", reject);
      });
    for (const req of [
      "GET /posts/\u0000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nCookie: atrium_session=\u0000abc\r\nConnection: close\r\n\r\n",
      "GET /login HTTP/1.1\r\nHost: x\r\nCookie: atrium_session=\u00ff\u00fe%E0\r\nConnection: close\r\n\r\n",
    ]) {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(await raw(req))?.[1] ?? 0);
      expect(status, JSON.stringify(req.slice(0, 50))).toBeGreaterThanOrEqual(200);
      expect(status, JSON.stringify(req.slice(0, 50))).toBeLessThan(500);
    }
  });
});
