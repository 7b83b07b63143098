import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { runCommand } from "~/compliance/command.server";
import { getDb, query, type Db } from "~/db/client.server";
import { supervisionPolicies, supervisionSampling } from "~/db/schema";
import { authorizeOrg } from "~/policy/authorize.server";
import type { Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids";
import { notFound } from "~/utils/http.server";
import { checkPattern } from "./safe-regex.server";
import { newSeed, seedFingerprint } from "./sampling.server";

// Lexicon policies and sampling settings: set by compliance officers (the `compliance` org
// action; 404 to anyone else), every change in the audit chain with its full new state.

import { SEVERITIES } from "./vocabulary";
export { SEVERITIES };
export type Severity = (typeof SEVERITIES)[number];

/** One entry per line; blank lines dropped, duplicates folded. */
const lines = (max: number, each: number) =>
  z
    .string()
    .max(20_000)
    .default("")
    .transform((v) => [...new Set(v.split(/\r?\n/).map((l) => l.trim()).filter(Boolean))])
    .refine((l) => l.length <= max, "supervision.error.tooMany")
    .refine((l) => l.every((x) => x.length <= each), "supervision.error.entryTooLong");

export const PolicyInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    severity: z.enum(SEVERITIES),
    terms: lines(200, 100),
    patterns: lines(20, 200).superRefine((ps, ctx) => {
      for (const p of ps) {
        const problem = checkPattern(p);
        if (problem) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `supervision.error.pattern.${problem}` });
          return;
        }
      }
    }),
    exceptions: lines(200, 100),
    // active unless switched off ("off"/"false"): a new policy applies at once
    active: z.union([z.enum(["on", "off", "true", "false"]), z.boolean()]).optional().transform((v) => v !== "off" && v !== "false" && v !== false),
  })
  .refine((p) => p.terms.length + p.patterns.length > 0, { path: ["terms"], message: "supervision.error.noTerms" });
export type PolicyInput = z.input<typeof PolicyInput>;

export type PolicyView = { id: string; name: string; severity: Severity; terms: string[]; patterns: string[]; exceptions: string[]; active: boolean; updatedAt: string };

export async function listPolicies(viewer: Viewer, db?: Db): Promise<PolicyView[]> {
  const d = db ?? (await getDb());
  const { orgId } = authorizeOrg(viewer, "compliance");
  const rows = await d.select().from(supervisionPolicies).where(eq(supervisionPolicies.orgId, orgId)).orderBy(supervisionPolicies.name);
  return rows.map((r) => ({ id: r.id, name: r.name, severity: r.severity as Severity, terms: r.terms, patterns: r.patterns, exceptions: r.exceptions, active: r.active, updatedAt: r.updatedAt.toISOString() }));
}

/** Creates (no id) or replaces a policy. Bad input throws a 400 Response, nothing stored. */
export async function savePolicy(viewer: Viewer, input: PolicyInput & { id?: string | null }, db?: Db) {
  const d = db ?? (await getDb());
  const { orgId, actorId } = authorizeOrg(viewer, "compliance");
  const parsed = PolicyInput.safeParse(input);
  if (!parsed.success) throw new Response(parsed.error.issues[0]?.message ?? "invalid policy", { status: 400 });
  const p = parsed.data;
  const t = now();
  return runCommand(d, async ({ tx, audit }) => {
    let id = input.id ?? null;
    if (id) {
      const updated = await tx
        .update(supervisionPolicies)
        .set({ name: p.name, severity: p.severity, terms: p.terms, patterns: p.patterns, exceptions: p.exceptions, active: p.active, updatedAt: t })
        .where(and(eq(supervisionPolicies.id, id), eq(supervisionPolicies.orgId, orgId)))
        .returning({ id: supervisionPolicies.id });
      if (!updated.length) notFound();
    } else {
      id = newId();
      await tx.insert(supervisionPolicies).values({ id, orgId, name: p.name, severity: p.severity, terms: p.terms, patterns: p.patterns, exceptions: p.exceptions, active: p.active, createdBy: actorId, createdAt: t, updatedAt: t });
    }
    await audit({ orgId, actorId, action: input.id ? "supervision.policy.updated" : "supervision.policy.created", targetKind: "supervision_policy", targetId: id, data: { ...p } });
    return id;
  });
}

// ---------- sampling ----------

export const SamplingInput = z.object({
  /** '' for org-wide */
  spaceId: z.string().max(64).default(""),
  /** percent, 0 to 100 */
  percent: z.coerce.number().min(0).max(100),
});

export type SamplingView = { spaceId: string; spaceName: string | null; percent: number; seedFingerprint: string; updatedAt: string };

export async function listSampling(viewer: Viewer, db?: Db): Promise<SamplingView[]> {
  const d = db ?? (await getDb());
  const { orgId } = authorizeOrg(viewer, "compliance");
  const rows = await query<{ space_id: string; name: string | null; rate: number; seed: string; updated_at: string }>(
    d,
    sql`select ss.space_id, s.name, ss.rate, ss.seed, ss.updated_at from supervision_sampling ss left join spaces s on s.id = ss.space_id
        where ss.org_id = ${orgId} order by ss.space_id = '' desc, s.name`,
  );
  return rows.map((r) => ({ spaceId: r.space_id, spaceName: r.name, percent: Math.round(Number(r.rate) * 100_000) / 1000, seedFingerprint: seedFingerprint(r.seed), updatedAt: new Date(r.updated_at).toISOString() }));
}

/** Sets the share of new content drawn for review, org-wide or for one space (a new seed each time, recorded by fingerprint). */
export async function setSampling(viewer: Viewer, input: z.input<typeof SamplingInput> & { seed?: string }, db?: Db) {
  const d = db ?? (await getDb());
  const { orgId, actorId } = authorizeOrg(viewer, "compliance");
  const parsed = SamplingInput.safeParse(input);
  if (!parsed.success) throw new Response("invalid sampling rate", { status: 400 });
  const { spaceId, percent } = parsed.data;
  if (spaceId) {
    const [s] = await query<{ id: string }>(d, sql`select id from spaces where id = ${spaceId} and org_id = ${orgId}`);
    if (!s) notFound();
  }
  const seed = input.seed ?? newSeed();
  const rate = percent / 100;
  return runCommand(d, async ({ tx, audit }) => {
    await tx
      .insert(supervisionSampling)
      .values({ orgId, spaceId, rate, seed, updatedBy: actorId, updatedAt: now() })
      .onConflictDoUpdate({ target: [supervisionSampling.orgId, supervisionSampling.spaceId], set: { rate, seed, updatedBy: actorId, updatedAt: now() } });
    await audit({ orgId, actorId, action: "supervision.sampling.set", targetKind: spaceId ? "space" : "org", targetId: spaceId || orgId, data: { rate, seedFingerprint: seedFingerprint(seed) } });
  });
}
