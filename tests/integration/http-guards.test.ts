import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimit, originCheck } from "../../app/platform/http.server";

// The real middlewares in front of a trivial handler, over real HTTP.

const LIMIT = 1024;
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer();
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  port = (server.address() as AddressInfo).port;
  // The allowed origins are configuration (PUBLIC_URL's origin + TRUSTED_ORIGINS), as in server.ts.
  const app = express();
  app.use(bodyLimit(LIMIT));
  app.use(originCheck([own(), "https://trusted.example"]));
  app.all("*", (req, res) => {
    req.resume();
    req.on("end", () => res.status(200).type("text/plain").send(`handled ${req.method}`));
  });
  server.on("request", app);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function send(method: string, headers: Record<string, string> = {}, body?: string, path = "/anything") {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: { Connection: "close", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

const own = () => `http://127.0.0.1:${port}`;
const form = (body: string) => ({ "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(Buffer.byteLength(body)) });

describe("http guards", () => {
  it("refuses a cross-origin POST with 403", async () => {
    const res = await send("POST", { Origin: "https://evil.example", ...form("a=1") }, "a=1");
    expect(res.status).toBe(403);
    expect(res.text).not.toContain("handled");
  });

  it("refuses a POST without an Origin header with 403", async () => {
    const res = await send("POST", form("a=1"), "a=1");
    expect(res.status).toBe(403);
  });

  it("lets a bearer-token call to /api/v1 or /scim/v2 through without Origin (no cookie is read there), nothing else", async () => {
    const bearer = { Authorization: "Bearer atr_x", ...form("a=1") };
    expect((await send("POST", bearer, "a=1", "/api/v1/posts")).status).toBe(200);
    expect((await send("PATCH", bearer, "a=1", "/scim/v2/Users/1")).status).toBe(200);
    // no bearer: the cookie could be riding along, so the Origin rule applies
    expect((await send("POST", form("a=1"), "a=1", "/api/v1/posts")).status).toBe(403);
    // a bearer header does not open the pages
    expect((await send("POST", bearer, "a=1", "/posts/1")).status).toBe(403);
    expect((await send("POST", bearer, "a=1", "/api/v1x")).status).toBe(403);
  });

  it("refuses Origin: null (sandboxed frames, some redirects)", async () => {
    expect((await send("POST", { Origin: "null", ...form("a=1") }, "a=1")).status).toBe(403);
  });

  it("lets a same-origin POST and a trusted origin's POST through", async () => {
    const same = await send("POST", { Origin: own(), ...form("a=1") }, "a=1");
    expect(same).toEqual({ status: 200, text: "handled POST" });
    const trusted = await send("DELETE", { Origin: "https://trusted.example", ...form("a=1") }, "a=1");
    expect(trusted).toEqual({ status: 200, text: "handled DELETE" });
  });

  it("never trusts the Host header: an attacker's Host with a matching Origin is refused (DNS rebinding)", async () => {
    const evil = `evil.example:${port}`;
    const res = await send("POST", { Host: evil, Origin: `http://${evil}`, ...form("a=1") }, "a=1");
    expect(res.status).toBe(403);
    expect(res.text).not.toContain("handled");
    // the configured origin still passes whatever the Host says
    expect((await send("POST", { Host: evil, Origin: own(), ...form("a=1") }, "a=1")).status).toBe(200);
  });

  it("refuses a body over the limit with 413 before the handler reads it", async () => {
    const big = "a=" + "x".repeat(LIMIT);
    const res = await send("POST", { Origin: own(), ...form(big) }, big);
    expect(res.status).toBe(413);
    expect(res.text).not.toContain("handled");
    const atLimit = "a=" + "x".repeat(LIMIT - 2);
    expect((await send("POST", { Origin: own(), ...form(atLimit) }, atLimit)).status).toBe(200);
  });

  it("asks for a length when a body arrives chunked (411)", async () => {
    const res = await send("POST", { Origin: own(), "Transfer-Encoding": "chunked" }, "a=1");
    expect(res.status).toBe(411);
  });

  it("leaves GET alone, with or without Origin", async () => {
    expect(await send("GET")).toEqual({ status: 200, text: "handled GET" });
    expect((await send("GET", { Origin: "https://evil.example" })).status).toBe(200);
    expect((await send("HEAD")).status).toBe(200);
  });
});
