import { eq } from "drizzle-orm";
import { describe, expect, it, onTestFinished } from "vitest";
import { getDb } from "../../app/db/client.server";
import { sessions } from "../../app/db/schema";
import { deactivateUser, signIn } from "../../app/identity/accounts.server";
import {
  createSession,
  getCurrentUser,
  revokeSession,
  sessionCookie,
  validateSessionToken,
} from "../../app/identity/session.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser, TEST_PASSWORD } from "../../scripts/lib/factories";

const req = (token?: string, url = "http://localhost/") =>
  new Request(url, { headers: token ? { Cookie: `atrium_session=${encodeURIComponent(token)}` } : {} });

describe("sessions", () => {
  it("stores only a hash of the secret, never the token", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    const { token, id } = await createSession(user.id);
    const [id2, secret] = token.split(".");
    expect(id2).toBe(id);
    // 120 bits in base32 = 24 characters each
    expect(id).toHaveLength(24);
    expect(secret).toHaveLength(24);
    const db = await getDb();
    const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect((await validateSessionToken(token))?.id).toBe(user.id);
  });

  it("rejects a token whose secret is wrong", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    const { id } = await createSession(user.id);
    expect(await validateSessionToken(`${id}.aaaaaaaaaaaaaaaaaaaaaaaa`)).toBeNull();
    expect(await validateSessionToken("garbage")).toBeNull();
  });

  it("enforces the idle timeout", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    testClock.freeze(new Date("2026-01-05T09:00:00Z"));
    const { token } = await createSession(user.id);
    testClock.advance(29 * 60_000);
    expect(await validateSessionToken(token)).not.toBeNull(); // activity slides the window
    testClock.advance(29 * 60_000);
    expect(await validateSessionToken(token)).not.toBeNull();
    testClock.advance(31 * 60_000);
    expect(await validateSessionToken(token)).toBeNull();
  });

  it("enforces the absolute lifetime even for an active session", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    testClock.freeze(new Date("2026-01-05T08:00:00Z"));
    const { token } = await createSession(user.id);
    for (let i = 0; i < 11 * 3 + 2; i++) {
      testClock.advance(20 * 60_000);
      expect(await validateSessionToken(token)).not.toBeNull();
    }
    // 11h40 so far; 12h absolute
    testClock.advance(20 * 60_000);
    expect(await validateSessionToken(token)).toBeNull();
  });

  it("rejects a revoked session and a deactivated user's session", async () => {
    const org = await makeOrg();
    const admin = await makeUser(org.id, { roles: ["admin"] });
    const user = await makeUser(org.id);
    const a = await createSession(user.id);
    const b = await createSession(user.id);
    expect(await revokeSession(a.id, user.id)).toBe(true);
    expect(await validateSessionToken(a.token)).toBeNull();
    expect(await validateSessionToken(b.token)).not.toBeNull();
    expect(await deactivateUser(org.id, user.id, admin.id)).toBe(true);
    expect(await validateSessionToken(b.token)).toBeNull();
    expect(await getCurrentUser(req(b.token))).toBeNull();
  });

  it("sets a __Host- Secure cookie over HTTPS only", async () => {
    const exp = new Date(Date.now() + 1000);
    const https = sessionCookie(new Request("https://atrium.example/"), "t", exp);
    expect(https).toMatch(/^__Host-atrium_session=t; Path=\/; HttpOnly; SameSite=Lax;.*; Secure$/);
    const http = sessionCookie(new Request("http://localhost/"), "t", exp);
    expect(http.startsWith("atrium_session=")).toBe(true);
    expect(http).not.toContain("Secure");
    expect(http).toContain("HttpOnly");
  });
});

describe("sign-in", () => {
  it("gives one generic answer for unknown email and wrong password", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    const a = await signIn(user.email, "wrong password!!", "10.0.0.1");
    const b = await signIn("nobody-here@example.test", TEST_PASSWORD, "10.0.0.1");
    expect(a).toEqual({ ok: false, reason: "invalid" });
    expect(b).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(user.email.toUpperCase(), TEST_PASSWORD, "10.0.0.1")).toEqual({ ok: true, userId: user.id });
  });

  it("rate-limits per account, even with the right password", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    for (let i = 0; i < 5; i++) {
      expect((await signIn(user.email, "nope-nope-nope", `10.1.0.${i}`)).ok).toBe(false);
    }
    expect(await signIn(user.email, TEST_PASSWORD, "10.1.0.99")).toEqual({ ok: false, reason: "rate_limited" });
    testClock.advance(16 * 60_000);
    expect((await signIn(user.email, TEST_PASSWORD, "10.1.0.99")).ok).toBe(true);
  });

  it("an address over its limit keeps refusing the accounts it failed on, not the others (no office lock-out)", async () => {
    const org = await makeOrg();
    const victim = await makeUser(org.id);
    const colleague = await makeUser(org.id);
    const ip = `10.2.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const saved = process.env.LOGIN_MAX_PER_IP;
    process.env.LOGIN_MAX_PER_IP = "6";
    onTestFinished(() => {
      if (saved === undefined) delete process.env.LOGIN_MAX_PER_IP;
      else process.env.LOGIN_MAX_PER_IP = saved;
    });
    for (let i = 0; i < 6; i++) await signIn(`spray-${i}@example.test`, "guess-guess", ip);
    // limited only because of failures on other accounts: the right password still signs in
    expect(await signIn(victim.email, TEST_PASSWORD, ip)).toEqual({ ok: true, userId: victim.id });
    // a wrong password for a new account is judged (and counted), then that account is closed to this address
    expect(await signIn(colleague.email, "wrong-wrong-wrong", ip)).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(colleague.email, TEST_PASSWORD, ip)).toEqual({ ok: false, reason: "rate_limited" });
    expect(await signIn("spray-3@example.test", "guess-again", ip)).toEqual({ ok: false, reason: "rate_limited" });
    // from elsewhere the colleague is fine (one failure is under the per-account limit)
    expect((await signIn(colleague.email, TEST_PASSWORD, "10.3.0.1")).ok).toBe(true);
    testClock.advance(16 * 60_000);
    expect((await signIn(colleague.email, TEST_PASSWORD, ip)).ok).toBe(true);
  });

  it("the per-account limit still applies from a fresh address", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    for (let i = 0; i < 5; i++) expect(await signIn(user.email, `nope ${i}`, `10.5.${i}.1`)).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(user.email, TEST_PASSWORD, "10.5.9.9")).toEqual({ ok: false, reason: "rate_limited" });
  });

  it("successes are not counted: many sign-ins from one address never throttle it", async () => {
    const org = await makeOrg();
    const users = [];
    for (let i = 0; i < 2; i++) users.push(await makeUser(org.id));
    const ip = `10.6.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const saved = process.env.LOGIN_MAX_PER_IP;
    process.env.LOGIN_MAX_PER_IP = "3";
    try {
      // 8 successes (over LOGIN_MAX_PER_IP = 3 here and LOGIN_MAX_PER_ACCOUNT = 5) from one NAT address
      for (let i = 0; i < 8; i++) expect((await signIn(users[i % 2].email, TEST_PASSWORD, ip)).ok).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.LOGIN_MAX_PER_IP;
      else process.env.LOGIN_MAX_PER_IP = saved;
    }
    // and a success forgives the account's own failures
    for (let i = 0; i < 4; i++) await signIn(users[0].email, `typo ${i}`, ip);
    expect((await signIn(users[0].email, TEST_PASSWORD, ip)).ok).toBe(true);
    for (let i = 0; i < 4; i++) await signIn(users[0].email, `typo again ${i}`, ip);
    expect((await signIn(users[0].email, TEST_PASSWORD, ip)).ok).toBe(true);
  });

  it("refuses a deactivated user", async () => {
    const org = await makeOrg();
    const admin = await makeUser(org.id, { roles: ["admin"] });
    const user = await makeUser(org.id);
    await deactivateUser(org.id, user.id, admin.id);
    expect(await signIn(user.email, TEST_PASSWORD, "10.4.0.1")).toEqual({ ok: false, reason: "invalid" });
  });
});
