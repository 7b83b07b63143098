import { sql } from "drizzle-orm";
import { appendAudit } from "~/compliance/audit.server";
import { query, type Tx } from "~/db/client.server";
import type { OutboxEvent } from "~/platform/outbox.server";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids";
import { matchLexicon } from "./lexicon.server";
import { sampleDraw, seedFingerprint } from "./sampling.server";

// The supervision consumer: every new or edited post, comment, question and answer is
// checked against the org's active lexicon policies, and new items are drawn for the random
// sample. It runs from the outbox (never in the request), in the transaction that marks the
// batch done, so each flag is written exactly once; (content, version, source) is unique too.

export const SUPERVISION_TOPICS = ["content.created", "content.updated"];
const KINDS = new Set(["post", "comment", "question", "answer"]);

type Item = { id: string; org_id: string; kind: string; author_id: string; space_id: string | null; version: number; title: string; body_text: string; deleted: boolean };
type PolicyRow = { id: string; terms: string[]; patterns: string[]; exceptions: string[]; severity: string };

/** The text that is checked and shown highlighted: the title (questions) then the body. */
export const flagText = (title: string, body: string) => (title ? `${title}\n\n${body}` : body);

export async function scanEvents(events: OutboxEvent[], tx: Tx) {
  // three reads per batch, not per event: the seed and bulk imports replay thousands of events
  const ids = [...new Set(events.map((e) => e.subjectId))];
  const orgs = [...new Set(events.map((e) => e.orgId))];
  if (!ids.length) return;
  const list = (xs: string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);
  const items = new Map(
    (
      await query<Item>(
        tx,
        sql`select c.id, c.org_id, c.kind, c.author_id, coalesce(r.space_id, c.space_id) as space_id, c.version, c.title, c.body_text,
              (c.deleted_at is not null) as deleted
            from content c left join content r on r.id = c.root_id where c.id in (${list(ids)})`,
      )
    ).map((i) => [i.id, i]),
  );
  const policies = await query<PolicyRow & { org_id: string; created_at: string | Date }>(
    tx,
    sql`select id, org_id, terms, patterns, exceptions, severity, created_at from supervision_policies where org_id in (${list(orgs)}) and active order by id`,
  );
  const sampling = await query<SamplingRow>(tx, sql`select org_id, space_id, rate, seed, updated_at from supervision_sampling where org_id in (${list(orgs)})`);
  for (const e of events) {
    const item = items.get(e.subjectId);
    if (!item || item.deleted || !KINDS.has(item.kind)) continue;
    // an edit event names its version; a later edit already superseded it is checked on its own event
    const version = Number(e.payload.version ?? item.version);
    if (version !== Number(item.version)) continue;
    // a policy (and a sampling rate) applies to what is written after it was set, not to the history
    const at = new Date(e.createdAt).getTime();
    const text = flagText(item.title, item.body_text);
    for (const p of policies) {
      if (p.org_id !== item.org_id || new Date(p.created_at).getTime() > at) continue;
      const result = await matchLexicon(tx, text, { terms: p.terms, patterns: p.patterns, exceptions: p.exceptions });
      if (result.timedOut.length) console.error(JSON.stringify({ supervision: "pattern timed out", policy: p.id, content: item.id, patterns: result.timedOut }));
      if (!result.spans.length) continue;
      await addFlag(tx, item, version, text, { source: `policy:${p.id}`, policyId: p.id, severity: p.severity, detail: { spans: result.spans } });
    }
    if (e.topic === "content.created") await drawSample(tx, item, version, text, at, sampling);
  }
}

type SamplingRow = { org_id: string; space_id: string; rate: number; seed: string; updated_at: string | Date };

async function drawSample(tx: Tx, item: Item, version: number, text: string, at: number, sampling: SamplingRow[]) {
  // a space's own setting wins over the org-wide one
  const live = sampling.filter((s) => s.org_id === item.org_id && new Date(s.updated_at).getTime() <= at);
  const setting = live.find((s) => item.space_id && s.space_id === item.space_id) ?? live.find((s) => s.space_id === "");
  if (!setting || Number(setting.rate) <= 0) return;
  const draw = sampleDraw(setting.seed, item.id);
  if (draw >= Number(setting.rate)) return;
  await addFlag(tx, item, version, text, {
    source: "sample",
    policyId: null,
    severity: "low",
    detail: { sample: { scope: setting.space_id || "org", rate: Number(setting.rate), draw, seedFingerprint: seedFingerprint(setting.seed) } },
  });
}

async function addFlag(tx: Tx, item: Item, version: number, text: string, f: { source: string; policyId: string | null; severity: string; detail: Record<string, unknown> }) {
  const id = newId();
  const inserted = await query<{ id: string }>(
    tx,
    sql`insert into supervision_flags (id, org_id, content_id, content_version, author_id, space_id, source, policy_id, severity, detail, text, state, created_at)
        values (${id}, ${item.org_id}, ${item.id}, ${version}, ${item.author_id}, ${item.space_id}, ${f.source}, ${f.policyId}, ${f.severity},
          ${JSON.stringify(f.detail)}::jsonb, ${text}, 'open', ${now().toISOString()}::timestamptz)
        on conflict (content_id, content_version, source) do nothing returning id`,
  );
  if (!inserted.length) return;
  await appendAudit(tx, { orgId: item.org_id, actorId: null, action: "supervision.flagged", targetKind: "content", targetId: item.id, data: { flagId: id, version, source: f.source, severity: f.severity, ...f.detail } });
}
