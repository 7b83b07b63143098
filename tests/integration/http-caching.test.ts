import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../app/identity/session.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { rawRequest, startAppServer, type AppServer } from "../support/http-app";

// Through the real HTTP stack: pages are private and never stored; fingerprinted assets are
// cached for a year; a response that sets or clears the session cookie is never cacheable.

let app: AppServer;
let cookie: string;
const publicDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-public-"));

beforeAll(async () => {
  fs.mkdirSync(path.join(publicDir, "build"), { recursive: true });
  fs.writeFileSync(path.join(publicDir, "build", "entry.client-ABC123.js"), "console.log(1)");
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

  it("a /build asset keeps long, immutable caching", async () => {
    const res = await rawRequest(app.port, "GET", "/build/entry.client-ABC123.js");
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });
});
