import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../app/db/client.server";
import { users } from "../../app/db/schema";
import { dataDir } from "../../app/env.server";
import { deleteContent } from "../../app/content/content.server";
import { digestFrequency, runDigests, setDigestFrequency, unsubscribeToken, unsubscribeTokenValid } from "../../app/notifications/digest.server";
import { sinkMessages, type SinkMessage } from "../../app/platform/mail/mail.server";
import { parseMessage } from "../../app/platform/mail/mail-sink.server";
import { createPost } from "../../app/content/posts.server";
import { createSpace, setMember } from "../../app/spaces/spaces.server";
import { createSession } from "../../app/identity/session.server";
import { drainAll } from "../../app/platform/outbox.server";
import { loadViewer } from "../../app/policy/viewer.server";
import * as devMail from "../../app/routes/dev.mail";
import * as unsubscribePage from "../../app/routes/digest.unsubscribe";
import * as settingsPage from "../../app/routes/settings.notifications";
import { now, testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { callRoute, getRequest, postRequest, readJson } from "../support/remix";

const PUBLIC = "https://atrium.bank.test";
const HOUR = 3600_000;
const DAY = 24 * HOUR;
// Far from the wall clock, so notifications other test files left behind are outside every window.
const T0 = new Date("2031-03-03T08:00:00.000Z");

const doc = (...content: object[]) => ({ type: "doc", content: [{ type: "paragraph", content }] });
const text = (t: string) => ({ type: "text", text: t });
const mention = (u: { id: string; name: string }) => ({ type: "mention", attrs: { id: u.id, label: u.name.replace(/[<>]/g, "") } });

const mailTo = (email: string): SinkMessage[] => sinkMessages().filter((m) => m.envelopeTo.includes(email));
const tokenIn = (m: SinkMessage) => decodeURIComponent(/\/digest\/unsubscribe\?token=(\S+)/.exec(m.text)?.[1] ?? "");

type U = Awaited<ReturnType<typeof makeUser>>;
async function postMentioning(author: U, text_: string, mentioned: U[], spaceId: string | null = null) {
  const viewer = await loadViewer(await getDb(), author.id);
  const p = await createPost(viewer, { spaceId, body: doc(text(text_ + " "), ...mentioned.flatMap((m) => [mention(m), text(" ")])) });
  await drainAll();
  return p;
}

let savedPublicUrl: string | undefined;
beforeAll(() => {
  savedPublicUrl = process.env.PUBLIC_URL;
  process.env.PUBLIC_URL = `${PUBLIC}/`;
});
afterAll(() => {
  if (savedPublicUrl === undefined) delete process.env.PUBLIC_URL;
  else process.env.PUBLIC_URL = savedPublicUrl;
});
beforeEach(() => {
  testClock.freeze(T0);
});

describe("email digest", () => {
  it("sends a due user one email with the excerpt, escaped, a link and a working unsubscribe token", async () => {
    const org = await makeOrg();
    const alice = await makeUser(org.id, { name: "Alice Martin" });
    const bob = await makeUser(org.id, { name: "Bob <Admin>" });
    const p = await postMentioning(alice, "Q3 <b>numbers</b> & outlook digestmarker1", [bob]);

    const res = await runDigests(now());
    expect(res.sent).toBeGreaterThanOrEqual(1);
    const mails = mailTo(bob.email);
    expect(mails).toHaveLength(1);
    const m = mails[0];
    expect(m.subject).toBe("Atrium: 1 unread notification");
    expect(m.headers.from).toContain("no-reply@atrium.local");
    expect(m.text).toContain("Hello Bob <Admin>,");
    expect(m.text).toContain("Alice Martin mentioned you");
    expect(m.text).toContain("Q3 <b>numbers</b> & outlook digestmarker1");
    expect(m.text).toContain(`${PUBLIC}/posts/${p.id}`);
    // The HTML part is built from plain text: the user's "<b>" arrives escaped, never as markup.
    expect(m.html).toContain("Q3 &lt;b&gt;numbers&lt;/b&gt; &amp; outlook digestmarker1");
    expect(m.html).toContain("Bob &lt;Admin&gt;");
    expect(m.html).not.toMatch(/<b>|<Admin>/);
    expect(m.html).toContain(`href="${PUBLIC}/posts/${p.id}"`);
    expect(m.headers["list-unsubscribe"]).toMatch(new RegExp(`^<${PUBLIC}/digest/unsubscribe\\?token=`));

    // Kept on disk as an .eml under the data directory.
    expect(path.dirname(m.file)).toBe(path.join(dataDir(), "mail"));
    expect(fs.readFileSync(m.file, "utf8")).toContain("Subject: Atrium: 1 unread notification");

    const token = tokenIn(m);
    expect(unsubscribeTokenValid(token)).toBe(true);
    expect(token).toBe(unsubscribeToken(bob.id));

    const [row] = await (await getDb()).select({ at: users.lastDigestAt }).from(users).where(eq(users.id, bob.id));
    expect(row.at?.toISOString()).toBe(T0.toISOString());
  });

  it("sends once: twice in a row and twice at the same time", async () => {
    const org = await makeOrg();
    const alice = await makeUser(org.id);
    const bob = await makeUser(org.id);
    const carol = await makeUser(org.id);
    await postMentioning(alice, "Twice digestmarker2", [bob, carol]);

    await Promise.all([runDigests(now()), runDigests(now()), runDigests(now())]);
    expect(mailTo(bob.email)).toHaveLength(1);
    expect(mailTo(carol.email)).toHaveLength(1);

    await runDigests(now());
    testClock.advance(HOUR);
    await runDigests(now());
    expect(mailTo(bob.email)).toHaveLength(1);
    expect(mailTo(carol.email)).toHaveLength(1);
  });

  it("waits 7 days for weekly users and 24 hours for daily users; never sends to 'off'", async () => {
    const org = await makeOrg();
    const alice = await makeUser(org.id);
    const weekly = await makeUser(org.id);
    const daily = await makeUser(org.id);
    const off = await makeUser(org.id);
    await setDigestFrequency(daily.id, "daily");
    await setDigestFrequency(off.id, "off");

    await postMentioning(alice, "First digestmarker3a", [weekly, daily, off]);
    await runDigests(now());
    expect(mailTo(weekly.email)).toHaveLength(1);
    expect(mailTo(daily.email)).toHaveLength(1);
    expect(mailTo(off.email)).toHaveLength(0);

    testClock.advance(HOUR);
    await postMentioning(alice, "Second digestmarker3b", [weekly, daily, off]);

    testClock.advance(22 * HOUR); // T0 + 23 h
    await runDigests(now());
    expect(mailTo(daily.email)).toHaveLength(1);

    testClock.advance(HOUR); // T0 + 24 h
    await runDigests(now());
    expect(mailTo(daily.email)).toHaveLength(2);
    expect(mailTo(weekly.email)).toHaveLength(1);
    const second = mailTo(daily.email)[1];
    expect(second.text).toContain("Second digestmarker3b");
    expect(second.text).not.toContain("First digestmarker3a"); // only what arrived since the last digest
    expect(second.text).toContain("daily summary");

    testClock.advance(6 * DAY - HOUR); // T0 + 7 days - 1 h
    await runDigests(now());
    expect(mailTo(weekly.email)).toHaveLength(1);

    testClock.advance(HOUR); // T0 + 7 days
    await runDigests(now());
    const weeklyMails = mailTo(weekly.email);
    expect(weeklyMails).toHaveLength(2);
    expect(weeklyMails[1].text).toContain("Second digestmarker3b");
    expect(weeklyMails[1].text).not.toContain("First digestmarker3a");
    expect(weeklyMails[1].text).toContain("weekly summary");
    expect(mailTo(off.email)).toHaveLength(0);
  });

  it("leaves out what the user may no longer read: deleted posts, spaces they left", async () => {
    const org = await makeOrg();
    const alice = await makeUser(org.id);
    const bob = await makeUser(org.id);
    const carol = await makeUser(org.id);
    const aliceV = await loadViewer(await getDb(), alice.id);
    const priv = await createSpace(aliceV, { name: "Deal room", slug: `deal-${org.id.slice(0, 8)}`, visibility: "private", joinPolicy: "invite" });
    const aliceAdmin = await loadViewer(await getDb(), alice.id); // now the space's admin
    await setMember(aliceAdmin, priv.id, bob.id, true);

    const kept = await postMentioning(alice, "Still here digestmarker4a", [bob]);
    const gone = await postMentioning(alice, "Deleted later digestmarker4b", [bob, carol]);
    const secret = await postMentioning(alice, "Private room digestmarker4c", [bob], priv.id);
    await deleteContent(aliceAdmin, gone.id);
    await setMember(aliceAdmin, priv.id, bob.id, false);

    await runDigests(now());
    const [m] = mailTo(bob.email);
    expect(m.subject).toBe("Atrium: 1 unread notification");
    expect(m.text).toContain("Still here digestmarker4a");
    expect(m.text).toContain(kept.id);
    for (const hidden of [gone, secret]) expect(m.text + m.html).not.toContain(hidden.id);
    expect(m.text + m.html).not.toMatch(/digestmarker4b|digestmarker4c/);
    // Carol's only notification is about a deleted post: no email at all.
    expect(mailTo(carol.email)).toHaveLength(0);
  });

  it("writes in the user's language", async () => {
    const org = await makeOrg();
    const alice = await makeUser(org.id, { name: "Alice" });
    const chloe = await makeUser(org.id, { name: "Chloé", locale: "fr" });
    await postMentioning(alice, "Réunion à 9 h digestmarker5", [chloe]);
    await runDigests(now());
    const [m] = mailTo(chloe.email);
    expect(m.subject).toBe("Atrium\u00a0: 1\u00a0notification non lue");
    expect(m.text).toContain("Bonjour Chloé,");
    expect(m.text).toContain("Alice vous a mentionné");
    expect(m.text).toContain("Réunion à 9 h digestmarker5");
    expect(m.text).toContain("Se désabonner de ces e-mails");
    expect(m.html).toContain('<html lang="fr">');
  });
});

describe("unsubscribe", () => {
  it("shows a button on GET without unsubscribing; the POST turns digests off", async () => {
    const org = await makeOrg();
    const alice = await makeUser(org.id);
    const bob = await makeUser(org.id);
    await postMentioning(alice, "Unsubscribe me digestmarker6", [bob]);
    await runDigests(now());
    const token = tokenIn(mailTo(bob.email)[0]);

    const page = await callRoute(unsubscribePage.loader, getRequest(`/digest/unsubscribe?token=${encodeURIComponent(token)}`));
    expect(page.status).toBe(200);
    expect(await readJson(page)).toEqual({ token, valid: true });
    expect(await digestFrequency(bob.id)).toBe("weekly");

    const done = await callRoute(unsubscribePage.action, postRequest("/digest/unsubscribe", { token }));
    expect(done.status).toBe(200);
    expect(await readJson(done)).toEqual({ done: true });
    expect(await digestFrequency(bob.id)).toBe("off");

    // Off means off, even a week later with new notifications.
    testClock.advance(8 * DAY);
    await postMentioning(alice, "After unsubscribing digestmarker6b", [bob]);
    await runDigests(now());
    expect(mailTo(bob.email)).toHaveLength(1);
  });

  it("answers 400 to a bad, truncated or forged token and changes nothing", async () => {
    const org = await makeOrg();
    const bob = await makeUser(org.id);
    const carol = await makeUser(org.id);
    const good = unsubscribeToken(bob.id);
    const [, sig] = good.split(".");
    const forged = `${Buffer.from(carol.id).toString("base64url")}.${sig}`; // Bob's signature on Carol's id
    for (const token of ["", "nonsense", good.slice(0, -3), forged, `${good}x`]) {
      const page = await callRoute(unsubscribePage.loader, getRequest(`/digest/unsubscribe?token=${encodeURIComponent(token)}`));
      expect(page.status).toBe(400);
      expect((await readJson(page)).valid).toBe(false);
      const res = await callRoute(unsubscribePage.action, postRequest("/digest/unsubscribe", { token }));
      expect(res.status).toBe(400);
    }
    expect(await digestFrequency(bob.id)).toBe("weekly");
    expect(await digestFrequency(carol.id)).toBe("weekly");
  });
});

describe("notification settings", () => {
  it("shows and changes the signed-in user's digest frequency", async () => {
    const org = await makeOrg();
    const bob = await makeUser(org.id);
    const { token } = await createSession(bob.id);

    const signedOut = await callRoute(settingsPage.loader, getRequest("/settings/notifications"));
    expect(signedOut.status).toBe(302);

    expect(await readJson(await callRoute(settingsPage.loader, getRequest("/settings/notifications", { token })))).toEqual({ digest: "weekly" });
    const saved = await callRoute(settingsPage.action, postRequest("/settings/notifications", { digest: "daily" }, { token }));
    expect(saved.status).toBe(200);
    expect(await digestFrequency(bob.id)).toBe("daily");

    const bad = await callRoute(settingsPage.action, postRequest("/settings/notifications", { digest: "hourly" }, { token }));
    expect(bad.status).toBe(400);
    expect(await digestFrequency(bob.id)).toBe("daily");
  });
});

describe("development mailbox", () => {
  it("lists what the sink received, to admins only", async () => {
    const org = await makeOrg();
    const alice = await makeUser(org.id);
    const bob = await makeUser(org.id);
    const admin = await makeUser(org.id, { roles: ["admin", "member"] });
    await postMentioning(alice, "Mailbox digestmarker7", [bob]);
    await runDigests(now());
    const page = await readJson(await callRoute(devMail.loader, getRequest("/dev/mail", { token: (await createSession(admin.id)).token })));
    const mine = page.messages.filter((m: { to: string }) => m.to === bob.email);
    expect(mine).toHaveLength(1);
    expect(mine[0].text).toContain("Mailbox digestmarker7");
    expect((await callRoute(devMail.loader, getRequest("/dev/mail", { token: (await createSession(bob.id)).token }))).status).toBe(404);
  });
});

describe("mail sink parsing", () => {
  it("decodes encoded-word headers and quoted-printable / base64 parts", () => {
    const raw = [
      "Subject: =?UTF-8?Q?R=C3=A9sum=C3=A9?= =?UTF-8?B?IGR1IGpvdXI=?=",
      'Content-Type: multipart/alternative; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Caf=C3=A9 et =",
      "croissant",
      "--b1",
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("<p>Café</p>").toString("base64"),
      "--b1--",
      "",
    ].join("\r\n");
    const m = parseMessage(raw);
    expect(m.headers.subject).toBe("Résumé du jour");
    expect(m.text).toBe("Café et croissant");
    expect(m.html).toBe("<p>Café</p>");
  });
});
