import { sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, query, type Db } from "~/db/client.server";
import { en, type MessageKey } from "~/i18n/en";
import { translate, type Locale } from "~/i18n";
import type { Viewer } from "~/policy/policy";
import { calendarDay } from "~/utils/calendar-day";
import { runCommand } from "./command.server";
import { requireComplianceViewer } from "./review.server";

// The audit trail in words: each entry as "who did what to which item", in the viewer's
// language, with filters (actor, action, item, dates), paging and a CSV export. Reading
// the trail and exporting it are themselves audited.

export const AuditFilter = z.object({
  actor: z.string().trim().max(254).default(""),
  action: z.string().trim().max(100).regex(/^[a-z_.]*$/, "form.invalidValue").default(""),
  item: z.string().trim().max(100).default(""),
  from: z.union([z.literal(""), calendarDay]).default(""),
  to: z.union([z.literal(""), calendarDay]).default(""),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

export const AUDIT_PAGE_SIZE = 50;
const EXPORT_LIMIT = 50_000;

type Row = {
  seq: number; action: string; actor: string | null; actor_email: string | null; target_kind: string; target_id: string; data: unknown; at: string;
  content_kind: string | null; content_excerpt: string | null; content_author: string | null; user_name: string | null; space_name: string | null;
};

export type AuditEntryView = { seq: number; at: string; action: string; actor: string | null; actorEmail: string | null; targetKind: string; targetId: string; sentence: string; data: string };

const DAY = 86_400_000;

function where(orgId: string, f: AuditFilter) {
  return sql`a.org_id = ${orgId}
    ${f.actor ? sql`and (lower(u.email) = ${f.actor.toLowerCase()} or a.actor_id = ${f.actor})` : sql``}
    ${f.action ? sql`and (a.action = ${f.action} or a.action like ${f.action + ".%"})` : sql``}
    ${f.item ? sql`and (a.target_id = ${f.item} or a.data->>'flagId' = ${f.item})` : sql``}
    ${f.from ? sql`and a.at >= ${`${f.from}T00:00:00Z`}::timestamptz` : sql``}
    ${f.to ? sql`and a.at < ${new Date(Date.parse(`${f.to}T00:00:00Z`) + DAY).toISOString()}::timestamptz` : sql``}`;
}

const SELECT = sql`select a.seq, a.action, u.name as actor, u.email as actor_email, a.target_kind, a.target_id, a.data, a.at,
    c.kind as content_kind, left(coalesce(nullif(c.title, ''), c.body_text), 60) as content_excerpt, cu.name as content_author,
    tu.name as user_name, ts.name as space_name
  from audit_log a left join users u on u.id = a.actor_id
    left join content c on a.target_kind = 'content' and c.id = a.target_id left join users cu on cu.id = c.author_id
    left join users tu on a.target_kind = 'user' and tu.id = a.target_id
    left join spaces ts on a.target_kind = 'space' and ts.id = a.target_id`;

const KIND_KEY: Record<string, MessageKey> = { post: "compliance.kind.post", comment: "compliance.kind.comment", question: "compliance.kind.question", answer: "compliance.kind.answer" };

function target(locale: Locale, r: Row): string {
  switch (r.target_kind) {
    case "content":
      return r.content_kind
        ? translate(locale, "audit.target.content", { kind: translate(locale, KIND_KEY[r.content_kind] ?? "compliance.kind.other"), excerpt: (r.content_excerpt ?? "").trim(), author: r.content_author ?? "?" })
        : translate(locale, "audit.target.contentGone", { id: r.target_id });
    case "user":
      return r.user_name ? translate(locale, "audit.target.user", { name: r.user_name }) : translate(locale, "audit.target.other", { kind: r.target_kind, id: r.target_id });
    case "space":
      return r.space_name ? translate(locale, "audit.target.space", { name: r.space_name }) : translate(locale, "audit.target.other", { kind: r.target_kind, id: r.target_id });
    case "org":
      return translate(locale, "audit.target.org");
    default:
      return translate(locale, "audit.target.other", { kind: r.target_kind, id: r.target_id });
  }
}

/** One entry in a sentence, in the viewer's language; unknown codes still read as a sentence. */
export function describeEntry(locale: Locale, r: Row): string {
  const key = `audit.words.${r.action}`;
  const vars = { actor: r.actor ?? translate(locale, "audit.system"), target: target(locale, r), action: r.action };
  return key in en ? translate(locale, key as MessageKey, vars) : translate(locale, "audit.words.other", vars);
}

const view = (locale: Locale, r: Row): AuditEntryView => ({
  seq: Number(r.seq),
  at: new Date(r.at).toISOString(),
  action: r.action,
  actor: r.actor,
  actorEmail: r.actor_email,
  targetKind: r.target_kind,
  targetId: r.target_id,
  sentence: describeEntry(locale, r),
  data: typeof r.data === "string" ? r.data : JSON.stringify(r.data),
});

/** A page of the trail, newest first (audited: `compliance.audit.view` with the filter). */
export async function readAuditTrail(viewer: Viewer, locale: Locale, filter: Partial<AuditFilter>, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  const f = AuditFilter.parse(filter);
  return runCommand(d, async ({ tx, audit }) => {
    await audit({ orgId, actorId: viewer.id, action: "compliance.audit.view", targetKind: "org", targetId: orgId, data: { ...f } });
    const [{ n }] = await query<{ n: number }>(tx, sql`select count(*)::int as n from audit_log a left join users u on u.id = a.actor_id where ${where(orgId, f)}`);
    const rows = await query<Row>(tx, sql`${SELECT} where ${where(orgId, f)} order by a.seq desc limit ${AUDIT_PAGE_SIZE} offset ${(f.page - 1) * AUDIT_PAGE_SIZE}`);
    const actions = await query<{ action: string }>(tx, sql`select distinct action from audit_log where org_id = ${orgId} order by action`);
    return { entries: rows.map((r) => view(locale, r)), total: Number(n), page: f.page, pages: Math.max(1, Math.ceil(Number(n) / AUDIT_PAGE_SIZE)), actions: actions.map((a) => a.action), filter: f };
  });
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  // a leading = + - @ would run as a formula in a spreadsheet: quote it as text
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The filtered trail as CSV (all pages, up to 50,000 rows); the export is itself an audit entry, written first. */
export async function exportAuditCsv(viewer: Viewer, locale: Locale, filter: Partial<AuditFilter>, db?: Db): Promise<string> {
  const d = db ?? (await getDb());
  const orgId = requireComplianceViewer(viewer);
  const f = AuditFilter.parse({ ...filter, page: 1 });
  return runCommand(d, async ({ tx, audit }) => {
    await audit({ orgId, actorId: viewer.id, action: "compliance.audit.export", targetKind: "org", targetId: orgId, data: { ...f, page: undefined } });
    const rows = await query<Row>(tx, sql`${SELECT} where ${where(orgId, f)} order by a.seq desc limit ${EXPORT_LIMIT}`);
    const header = ["seq", "at", "actor", "actor_email", "action", "target_kind", "target_id", "description", "data"];
    const lines = rows.map((r) => {
      const v = view(locale, r);
      return [v.seq, v.at, v.actor, v.actorEmail, v.action, v.targetKind, v.targetId, v.sentence, v.data].map(csvCell).join(",");
    });
    return [header.join(","), ...lines].join("\r\n") + "\r\n";
  });
}
