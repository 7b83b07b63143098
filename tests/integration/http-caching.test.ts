import fs from "node:fs";
import os from "node:os";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { negotiateEncoding } from "../../app/platform/compression.server";
import { topPublicFiles } from "../../app/platform/server-app.server";
import { createSession } from "../../app/identity/session.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { rawRequest, startAppServer, type AppServer } from "../support/http-app";

// Through the real HTTP stack: pages are private and never stored; fingerprinted assets are
// cached for a year; a response that sets or clears the session cookie is never cacheable;
// HTML, JS, CSS and JSON travel compressed (brotli or gzip) when the browser accepts it.

let app: AppServer;
// repetitive like real bundles, and well over the 1 KB below which nothing is compressed
const bigScript = Array.from({ length: 400 }, (_, i) => `export function f${i}(a){return a+${i};}`).join("\n");
const bigCss = Array.from({ length: 300 }, (_, i) => `.c${i}{margin:${i}px;color:#123456}`).join("\n");

type BinaryResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** One request whose body is kept as bytes (as sent, still compressed). */
function binaryRequest(port: number, method: string, p: string, headers: Record<string, string> = {}): Promise<BinaryResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: p, headers: { Connection: "close", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

function decode(res: BinaryResponse): string {
  const enc = res.headers["content-encoding"];
  if (enc === "br") return zlib.brotliDecompressSync(res.body).toString("utf8");
  if (enc === "gzip") return zlib.gunzipSync(res.body).toString("utf8");
  return res.body.toString("utf8");
}
let cookie: string;
const publicDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-public-"));

beforeAll(async () => {
  fs.mkdirSync(path.join(publicDir, "build"), { recursive: true });
  fs.writeFileSync(path.join(publicDir, "build", "entry.client-ABC123.js"), "console.log(1)");
  fs.writeFileSync(path.join(publicDir, "build", "chunk-BIG123.js"), bigScript);
  fs.writeFileSync(path.join(publicDir, "build", "app-CSS123.css"), bigCss);
  fs.writeFileSync(path.join(publicDir, "robots.txt"), "User-agent: *\nDisallow: /\n");
  fs.mkdirSync(path.join(publicDir, "icons"));
  fs.writeFileSync(path.join(publicDir, "icons", "mark.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  app = await startAppServer({ publicDir });
  const org = await makeOrg();
  const user = await makeUser(org.id);
  cookie = `atrium_session=${encodeURIComponent((await createSession(user.id)).token)}`;
});

afterAll(async () => {
  await app.close();
  fs.rmSync(publicDir, { recursive: true, force: true });
});

describe("Cache-Control", () => {
  it("a signed-in page (document and its data) is private, no-store", async () => {
    const page = await rawRequest(app.port, "GET", "/notifications", { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.headers["cache-control"]).toBe("private, no-store");
    const data = await rawRequest(app.port, "GET", "/notifications?_data=routes%2Fnotifications", { Cookie: cookie });
    expect(data.status).toBe(200);
    expect(data.headers["cache-control"]).toBe("private, no-store");
  });

  it("a route's own no-store stays one value, not two", async () => {
    const res = await rawRequest(app.port, "GET", "/feed/new", { Cookie: cookie });
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("the sign-in page and the redirect that clears a session are not cacheable", async () => {
    const login = await rawRequest(app.port, "GET", "/login");
    expect(login.status).toBe(200);
    expect(login.headers["cache-control"]).toBe("private, no-store");
    const out = await rawRequest(app.port, "POST", "/logout", { Cookie: cookie, Origin: app.origin, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": "0" }, "");
    expect(out.status).toBe(302);
    expect(String(out.headers["set-cookie"])).toContain("Max-Age=0");
    expect(out.headers["cache-control"]).toBe("private, no-store");
  });

  it("the public folder's other files, known at start, are served for an hour; pages are not looked for on disk", async () => {
    expect([...topPublicFiles(publicDir)].sort()).toEqual(["/icons/mark.svg", "/robots.txt"]);
    const robots = await rawRequest(app.port, "GET", "/robots.txt");
    expect(robots.status).toBe(200);
    expect(robots.headers["cache-control"]).toBe("public, max-age=3600");
    expect(robots.text).toContain("Disallow: /");
    expect((await rawRequest(app.port, "GET", "/icons/mark.svg")).status).toBe(200);
    // a file that appears later is not served (the set is read once), and a page is still a page
    fs.writeFileSync(path.join(publicDir, "late.txt"), "late");
    expect((await rawRequest(app.port, "GET", "/late.txt")).status).toBe(404);
    const page = await rawRequest(app.port, "GET", "/login");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
  });

  it("a /build asset keeps long, immutable caching", async () => {
    const res = await rawRequest(app.port, "GET", "/build/entry.client-ABC123.js");
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });
});

describe("compression", () => {
  it("a fingerprinted script travels as brotli, still immutable, and decodes to the file", async () => {
    const res = await binaryRequest(app.port, "GET", "/build/chunk-BIG123.js", { "Accept-Encoding": "gzip, deflate, br" });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers["vary"]).toMatch(/Accept-Encoding/i);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["content-length"]).toBeUndefined();
    expect(res.headers["etag"]).toMatch(/^W\//); // the compressed bytes are not the file's
    expect(res.body.length).toBeLessThan(bigScript.length / 4);
    expect(decode(res)).toBe(bigScript);
  });

  it("gzip when brotli is refused or not offered; CSS too", async () => {
    const js = await binaryRequest(app.port, "GET", "/build/chunk-BIG123.js", { "Accept-Encoding": "br;q=0, gzip" });
    expect(js.headers["content-encoding"]).toBe("gzip");
    expect(decode(js)).toBe(bigScript);
    const css = await binaryRequest(app.port, "GET", "/build/app-CSS123.css", { "Accept-Encoding": "gzip" });
    expect(css.headers["content-encoding"]).toBe("gzip");
    expect(css.headers["content-type"]).toContain("text/css");
    expect(decode(css)).toBe(bigCss);
  });

  it("identity with a length when the client accepts no encoding, a range, or a tiny file", async () => {
    const plain = await binaryRequest(app.port, "GET", "/build/chunk-BIG123.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(Number(plain.headers["content-length"])).toBe(Buffer.byteLength(bigScript));
    expect(plain.headers["vary"]).toMatch(/Accept-Encoding/i); // a shared cache must not hand it to a br client blindly
    const range = await binaryRequest(app.port, "GET", "/build/chunk-BIG123.js", { "Accept-Encoding": "br", Range: "bytes=0-9" });
    expect(range.status).toBe(206);
    expect(range.headers["content-encoding"]).toBeUndefined();
    expect(range.body.toString()).toBe(bigScript.slice(0, 10));
    const tiny = await binaryRequest(app.port, "GET", "/build/entry.client-ABC123.js", { "Accept-Encoding": "br" });
    expect(tiny.headers["content-encoding"]).toBeUndefined();
    expect(tiny.body.toString()).toBe("console.log(1)");
  });

  it("a revalidation answers 304 without a body", async () => {
    const first = await binaryRequest(app.port, "GET", "/build/chunk-BIG123.js", { "Accept-Encoding": "br" });
    const again = await binaryRequest(app.port, "GET", "/build/chunk-BIG123.js", { "Accept-Encoding": "br", "If-None-Match": String(first.headers["etag"]) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it("a signed-in page and its data are compressed and stay private, no-store", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    const cookie = `atrium_session=${encodeURIComponent((await createSession(user.id)).token)}`; // the one above was signed out
    const page = await binaryRequest(app.port, "GET", "/notifications", { Cookie: cookie, "Accept-Encoding": "br, gzip" });
    expect(page.status).toBe(200);
    expect(page.headers["content-encoding"]).toBe("br");
    expect(page.headers["cache-control"]).toBe("private, no-store");
    const html = decode(page);
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain("</html>");
    const data = await binaryRequest(app.port, "GET", "/notifications?_data=routes%2Fnotifications", { Cookie: cookie, "Accept-Encoding": "gzip" });
    expect(data.status).toBe(200);
    expect(data.headers["cache-control"]).toBe("private, no-store");
    expect(() => JSON.parse(decode(data))).not.toThrow();
    const head = await binaryRequest(app.port, "HEAD", "/notifications", { Cookie: cookie, "Accept-Encoding": "br" });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it("Accept-Encoding is read with its weights", () => {
    expect(negotiateEncoding(undefined)).toBeNull();
    expect(negotiateEncoding("identity")).toBeNull();
    expect(negotiateEncoding("gzip, deflate, br")).toBe("br");
    expect(negotiateEncoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(negotiateEncoding("*")).toBe("br");
    expect(negotiateEncoding("*;q=0, gzip")).toBe("gzip");
    expect(negotiateEncoding("gzip;q=0")).toBeNull();
  });
});
