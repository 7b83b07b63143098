import { eq, sql } from "drizzle-orm";
import { getDb, query, type Db } from "~/db/client.server";
import { users } from "~/db/schema";
import { ts } from "~/db/sql.server";
import { env } from "~/env.server";
import { DEFAULT_LOCALE, pluralRules, toLocale, translate, type Locale, type MessageKey } from "~/i18n";
import { sign, verify } from "~/platform/secret.server";
import { loadContentFacts } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { loadViewer } from "~/policy/viewer.server";
import { now } from "~/utils/clock.server";
import { sendMail } from "~/platform/mail/mail.server";
import { logLine } from "~/platform/outbox.server";
import { NOTIFICATION_TEXT, type NotificationKind } from "./kinds";

// Email digests of unread notifications, daily or weekly per user. Every app instance
// runs them (workers.server.ts): a user is claimed with one conditional UPDATE (autocommit,
// its own short statement) before the email is sent, so two instances never send the same
// digest; the send runs outside any transaction, with a deadline (sendMail).

export const DIGEST_FREQUENCIES = ["off", "daily", "weekly"] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

const PERIOD_MS = { daily: 24 * 3600_000, weekly: 7 * 24 * 3600_000 } as const;
const PAGE = 200;
const LISTED = 20; // items written out in one email; the rest are counted
const FETCHED = 200;


type Candidate = { id: string; email: string; name: string; locale: string | null; digest: "daily" | "weekly"; last_digest_at: string | Date | null };

type Row = {
  id: string;
  kind: string;
  subject_id: string;
  post_id: string;
  actor_name: string | null;
  excerpt: string;
  created_at: string | Date;
};

export type DigestItem = { kind: NotificationKind; actorName: string | null; excerpt: string; url: string };

export type DigestRun = { sent: number; empty: number; skipped: number; failed: number };

/** A highlighted item in the weekly digest ("What's working"), already checked against the recipient's access. */
export type HighlightItem = { id: string; topic: string; excerpt: string };
/** Supplies "What's working" for a recipient over (since, until]; wired by app/boot.server.ts. */
export type HighlightSource = (db: Db, viewer: Viewer, since: Date, until: Date) => Promise<HighlightItem[]>;

export function publicUrl(): string {
  const e = env();
  return (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
}

/** Sends every digest due at `at`. Safe to run from any number of instances at once. */
export async function runDigests(at: Date = now(), db?: Db, highlights?: HighlightSource): Promise<DigestRun> {
  const d = db ?? (await getDb());
  const result: DigestRun = { sent: 0, empty: 0, skipped: 0, failed: 0 };
  const dueDaily = new Date(at.getTime() - PERIOD_MS.daily);
  const dueWeekly = new Date(at.getTime() - PERIOD_MS.weekly);
  const dueOf = sql`case when u.digest = 'daily' then ${ts(dueDaily)} else ${ts(dueWeekly)} end`;
  let after = "";
  for (;;) {
    // Due users with at least one unread notification since their last digest.
    const page = await query<Candidate>(
      d,
      sql`select u.id, u.email, u.name, u.locale, u.digest, u.last_digest_at
          from users u
          where u.status = 'active' and u.digest in ('daily', 'weekly') and u.id > ${after}
            and (u.last_digest_at is null or u.last_digest_at <= ${dueOf})
            and exists (
              select 1 from notifications n
              where n.user_id = u.id and n.read_at is null and n.created_at <= ${ts(at)}
                and n.created_at > coalesce(u.last_digest_at, ${dueOf}))
          order by u.id
          limit ${PAGE}`,
    );
    for (const c of page) {
      const outcome = await digestOne(d, c, at, highlights);
      result[outcome]++;
    }
    if (page.length < PAGE) return result;
    after = page[page.length - 1].id;
  }
}

async function digestOne(db: Db, c: Candidate, at: Date, highlights?: HighlightSource): Promise<keyof DigestRun> {
  const prev = c.last_digest_at === null ? null : new Date(c.last_digest_at);
  const due = new Date(at.getTime() - PERIOD_MS[c.digest]);
  // The claim: whoever moves last_digest_at first sends this digest; everyone else matches no row.
  const claimed = await query<{ id: string }>(
    db,
    sql`update users set last_digest_at = ${ts(at)}
        where id = ${c.id} and status = 'active' and digest = ${c.digest}
          and (last_digest_at is null or last_digest_at <= ${ts(due)})
        returning id`,
  );
  if (!claimed.length) return "skipped"; // another run got there first

  const since = prev ?? due;
  const locale: Locale = toLocale(c.locale) ?? DEFAULT_LOCALE;
  const { items, total } = await readableItems(db, c.id, since, at);
  if (!items.length) return "empty"; // nothing the user may still read: the period is over all the same
  const working = c.digest === "weekly" && highlights ? await highlights(db, await loadViewer(db, c.id), since, at) : [];

  try {
    await sendMail(composeDigest({ to: c.email, name: c.name, userId: c.id, frequency: c.digest, locale, items, total, working }));
    return "sent";
  } catch (e) {
    // Give the claim back so a later run retries; only if no one has moved it since.
    await db.execute(
      sql`update users set last_digest_at = ${prev ? ts(prev) : sql`null`}
          where id = ${c.id} and last_digest_at = ${ts(at)}`,
    );
    logLine("error", { msg: "digest not sent", consumer: "digest", userId: c.id, error: (e as Error).message, nextAttemptAt: "next digest run" });
    return "failed";
  }
}

/** Unread notifications in (since, until], newest first, re-checked against the policy today. */
async function readableItems(db: Db, userId: string, since: Date, until: Date) {
  const rows = await query<Row>(
    db,
    sql`select n.id, n.kind, n.subject_id, a.name as actor_name, left(c.body_text, 300) as excerpt, n.created_at,
          coalesce(c.root_id, c.id) as post_id
        from notifications n
          join content c on c.id = n.subject_id
          left join users a on a.id = n.actor_id
        where n.user_id = ${userId} and n.read_at is null and c.deleted_at is null
          and n.created_at > ${ts(since)} and n.created_at <= ${ts(until)}
        order by n.created_at desc, n.id desc
        limit ${FETCHED}`,
  );
  const known = rows.filter((r) => r.kind in NOTIFICATION_TEXT && r.post_id);
  if (!known.length) return { items: [], total: 0 };
  const viewer = await loadViewer(db, userId);
  const facts = await loadContentFacts(db, [...new Set(known.flatMap((r) => [r.subject_id, r.post_id]))]);
  // Both the notified item and the post it belongs to must still be readable (and not
  // deleted): the same rule as the in-app list, judged on the whole thread.
  const readable = known.filter((r) =>
    [r.subject_id, r.post_id].every((id) => {
      const f = facts.get(id);
      return f !== undefined && !f.deleted && can(viewer, "read", f);
    }),
  );
  const base = publicUrl();
  const items: DigestItem[] = readable.slice(0, LISTED).map((r) => ({
    kind: r.kind as NotificationKind,
    actorName: r.actor_name,
    excerpt: excerptOf(r.excerpt),
    url: `${base}/posts/${encodeURIComponent(r.post_id)}${r.post_id === r.subject_id ? "" : `#post-${encodeURIComponent(r.subject_id)}`}`,
  }));
  return { items, total: readable.length };
}

function excerptOf(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  return flat.length > 140 ? `${flat.slice(0, 139).trimEnd()}…` : flat;
}

// ---------- the email ----------

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

function plural(locale: Locale, count: number, one: MessageKey, other: MessageKey) {
  return translate(locale, pluralRules(locale).select(count) === "one" ? one : other, { count });
}

export function composeDigest(input: {
  to: string;
  name: string;
  userId: string;
  frequency: "daily" | "weekly";
  locale: Locale;
  items: DigestItem[];
  total: number;
  working?: HighlightItem[];
}) {
  const { locale, items } = input;
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const base = publicUrl();
  const unsubscribeUrl = `${base}/digest/unsubscribe?token=${encodeURIComponent(unsubscribeToken(input.userId))}`;
  const settingsUrl = `${base}/settings/notifications`;
  const allUrl = `${base}/notifications`;
  const more = input.total - items.length;
  const line = (i: DigestItem) => t(NOTIFICATION_TEXT[i.kind], { name: i.actorName ?? t("notifications.someone") });
  const why = t(input.frequency === "daily" ? "digest.why.daily" : "digest.why.weekly");
  const working = (input.working ?? []).map((w) => ({ topic: w.topic, excerpt: excerptOf(w.excerpt), url: `${base}/posts/${encodeURIComponent(w.id)}` }));

  const text = [
    t("digest.greeting", { name: input.name }),
    "",
    t(input.frequency === "daily" ? "digest.intro.daily" : "digest.intro.weekly"),
    "",
    ...items.flatMap((i) => [`- ${line(i)}`, ...(i.excerpt ? [`  "${i.excerpt}"`] : []), `  ${i.url}`, ""]),
    ...(more > 0 ? [plural(locale, more, "digest.more.one", "digest.more.other")] : []),
    ...(working.length ? [t("digest.whatsWorking"), "", ...working.flatMap((w) => [`- [${w.topic}] ${w.excerpt}`, `  ${w.url}`, ""])] : []),
    `${t("digest.allNotifications")}: ${allUrl}`,
    "",
    "-- ",
    why,
    `${t("digest.changeFrequency")}: ${settingsUrl}`,
    `${t("digest.unsubscribeLink")}: ${unsubscribeUrl}`,
    "",
  ].join("\n");

  // Built from plain text only, every value escaped: no user HTML reaches the email.
  const e = escapeHtml;
  const a = (href: string, label: string) => `<a href="${e(href)}" style="color:#1d4ed8">${e(label)}</a>`;
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${e(plural(locale, input.total, "digest.subject.one", "digest.subject.other"))}</title></head>
<body style="margin:0;padding:24px;background:#f8fafc;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#0f172a">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e2e8f0;border-radius:12px;padding:24px">
<p style="margin:0 0 8px">${e(t("digest.greeting", { name: input.name }))}</p>
<p style="margin:0 0 16px;color:#475569">${e(t(input.frequency === "daily" ? "digest.intro.daily" : "digest.intro.weekly"))}</p>
<ul style="list-style:none;margin:0;padding:0">
${items
  .map(
    (i) => `<li style="margin:0 0 12px;padding:12px;border:1px solid #e2e8f0;border-radius:8px">
<p style="margin:0;font-weight:600">${e(line(i))}</p>
${i.excerpt ? `<p style="margin:4px 0 0;color:#475569">${e(i.excerpt)}</p>` : ""}
<p style="margin:6px 0 0">${a(i.url, t("digest.open"))}</p>
</li>`,
  )
  .join("\n")}
</ul>
${more > 0 ? `<p style="margin:0 0 8px">${e(plural(locale, more, "digest.more.one", "digest.more.other"))}</p>` : ""}
${
  working.length
    ? `<h2 style="margin:16px 0 8px;font-size:16px">${e(t("digest.whatsWorking"))}</h2>
<ul style="list-style:none;margin:0 0 12px;padding:0">
${working.map((w) => `<li style="margin:0 0 8px"><strong>${e(w.topic)}</strong> — ${e(w.excerpt)} ${a(w.url, t("digest.open"))}</li>`).join("\n")}
</ul>`
    : ""
}
<p style="margin:0">${a(allUrl, t("digest.allNotifications"))}</p>
</div>
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#64748b">${e(why)}<br>${a(settingsUrl, t("digest.changeFrequency"))} · ${a(unsubscribeUrl, t("digest.unsubscribeLink"))}</p>
</body></html>`;

  return {
    to: input.to,
    subject: plural(locale, input.total, "digest.subject.one", "digest.subject.other"),
    text,
    html,
    headers: { "List-Unsubscribe": `<${unsubscribeUrl}>` },
  };
}

// ---------- unsubscribe and settings ----------

const PURPOSE = "digest-unsubscribe";

/** "<base64url user id>.<HMAC>": works without a session, for this user and this purpose only. */
export function unsubscribeToken(userId: string): string {
  return `${Buffer.from(userId, "utf8").toString("base64url")}.${sign(PURPOSE, userId)}`;
}

function userIdFromToken(token: string): string | null {
  const m = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!m) return null;
  const userId = Buffer.from(m[1], "base64url").toString("utf8");
  return verify(PURPOSE, userId, m[2]) ? userId : null;
}

export function unsubscribeTokenValid(token: string): boolean {
  return userIdFromToken(token) !== null;
}

/** Turns digests off for the token's user. False for a bad token or an unknown user. */
export async function unsubscribeDigest(token: string, db?: Db): Promise<boolean> {
  const userId = userIdFromToken(token);
  if (!userId) return false;
  const d = db ?? (await getDb());
  const rows = await d.update(users).set({ digest: "off" }).where(eq(users.id, userId)).returning({ id: users.id });
  return rows.length > 0;
}

export async function digestFrequency(userId: string, db?: Db): Promise<DigestFrequency> {
  const d = db ?? (await getDb());
  const [u] = await d.select({ digest: users.digest }).from(users).where(eq(users.id, userId)).limit(1);
  const f = u?.digest;
  return (DIGEST_FREQUENCIES as readonly string[]).includes(f ?? "") ? (f as DigestFrequency) : "off";
}

export async function setDigestFrequency(userId: string, frequency: DigestFrequency, db?: Db): Promise<void> {
  const d = db ?? (await getDb());
  await d.update(users).set({ digest: frequency }).where(eq(users.id, userId));
}
