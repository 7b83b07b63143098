// `npm run chaos` (issue 18): two production servers (build/server.js) on one PostgreSQL and
// one Meilisearch child process; a stream of posts and comments through the real forms, sent
// to both instances in turn; at seeded random moments Meilisearch and one instance are
// SIGKILLed and restarted. Then: every acknowledged write is in PostgreSQL, intact in the
// archive chain and in the index (scripts/lib/load-check.ts), the org's whole archive verifies
// (verifyArchive), and the time the index took to converge after the last restart.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkpointKey } from "../../app/compliance/checkpoints.server";
import { verifyArchive } from "../../app/compliance/verify.server";
import type { Db } from "../../app/db/client.server";
import { startMeilisearch, type MeilisearchProcess } from "../../search/process";
import { checkWrites, signInAll, type Ack, type WriteCheck } from "./load-check";
import { rng } from "./rng";
import { startServer, waitFor, type ServerChild } from "./server-process";

export type ChaosOptions = { databaseUrl: string; ports: [number, number]; durationSeconds: number; writers: number; seed: number; log?: (s: string) => void };

export type ChaosEvent = { at: number; what: string };
export type ChaosReport = {
  seed: number;
  durationSeconds: number;
  events: ChaosEvent[];
  writes: { sent: number; acknowledged: number; refused: number; serverErrors: number };
  check: WriteCheck;
  archive: { ok: boolean; checked: number; problem?: string };
  /** null: not converged within the wait */
  convergeSeconds: number | null;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function kill9(p: { pid?: number; exitCode?: number | null }) {
  try {
    if (p.pid) process.kill(p.pid, "SIGKILL");
  } catch {
    /* already gone */
  }
}

async function healthy(base: string) {
  const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(3_000) }).catch(() => null);
  if (!res) return false;
  const body = (await res.json().catch(() => ({}))) as { db?: string };
  return res.status === 200 && body.db === "ok";
}

export async function runChaos(db: Db, o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => undefined);
  const r = rng(o.seed);
  const meiliDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-chaos-meili-"));
  let meili: MeilisearchProcess = await startMeilisearch({ dataDir: meiliDir });
  const meiliPort = Number(new URL(meili.url).port);
  const dirs = [0, 1].map((i) => fs.mkdtempSync(path.join(os.tmpdir(), `atrium-chaos-app${i}-`)));
  // one checkpoint key for both instances (as production must have), the installation's own, so
  // `npm run archive:verify` still knows every signature afterwards
  const signingKey = checkpointKey().privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const start = (i: number) =>
    startServer({ port: o.ports[i], dataDir: dirs[i], databaseUrl: o.databaseUrl, meiliUrl: meili.url, meiliKey: meili.masterKey, env: { ATRIUM_CHECKPOINT_KEY: signingKey } });
  const servers: ServerChild[] = [start(0), start(1)];
  try {
    for (const s of servers) await waitFor(() => healthy(s.base), 240_000, () => `the server to answer; it said:\n${s.output()}`, 200);

    // an org of its own: a space, a few people (the real commands), signed in on instance 0
    const { registerConsumers } = await import("../../app/boot.server");
    registerConsumers();
    const { makeOrg, makeUser, makeSpace, makePost, TEST_PASSWORD } = await import("./factories");
    const { loadViewer } = await import("../../app/policy/viewer.server");
    const { joinSpace } = await import("../../app/spaces/spaces.server");
    const org = await makeOrg("Chaos Bank");
    const owner = await makeUser(org.id, { roles: ["admin", "member"] });
    const space = await makeSpace(await loadViewer(db, owner.id), { name: "Chaos desk" });
    const people = [];
    for (let i = 0; i < o.writers; i++) {
      const u = await makeUser(org.id);
      await joinSpace(await loadViewer(db, u.id), space.id, db);
      people.push({ id: u.id, email: u.email, spaces: [space.id] });
    }
    const seedPost = await makePost(await loadViewer(db, owner.id), { spaceId: space.id, text: "Chaos thread: comments land here" });
    const signed = await signInAll(servers[0].base, people, TEST_PASSWORD, 2);

    // the seeded schedule: Meilisearch down first, then one app instance
    const D = o.durationSeconds * 1000;
    const meiliKillAt = Math.round(D * (0.15 + 0.2 * r()));
    const meiliDownFor = Math.round(2000 + 4000 * r());
    const appKillAt = Math.round(D * (0.45 + 0.2 * r()));
    const appDownFor = Math.round(1000 + 3000 * r());
    const victim = r() < 0.5 ? 0 : 1;
    const events: ChaosEvent[] = [];
    const t0 = performance.now();
    const at = () => Math.round(performance.now() - t0);
    const marker = `ch${Math.random().toString(36).slice(2, 10)}`;
    log(`[chaos] seed ${o.seed}: Meilisearch SIGKILL at ${meiliKillAt} ms for ${meiliDownFor} ms; instance ${victim} SIGKILL at ${appKillAt} ms for ${appDownFor} ms; marker ${marker}`);

    const acks: Ack[] = [];
    let sent = 0;
    let refused = 0;
    let serverErrors = 0;
    let writing = true;
    // as a load balancer would: an instance leaves the rotation when killed and returns once
    // /healthz answers (while it starts it answers 503 "starting", which a balancer never sees)
    const up = [true, true];
    const writer = async (w: number) => {
      const p = signed[w];
      for (let n = 0; writing; n++) {
        const i = up[(w + n) % 2] ? (w + n) % 2 : 1 - ((w + n) % 2);
        const s = servers[i];
        const token = `${marker}w${w}x${n}`;
        const comment = n % 3 === 2;
        const body: Record<string, string> = comment ? { intent: "comment", bodyText: `Follow-up ${token}` } : { intent: "post", bodyText: `Chaos stream item ${token} #chaos`, spaceId: space.id };
        sent++;
        const res = await fetch(comment ? `${s.base}/posts/${seedPost.id}` : `${s.base}/?index`, {
          method: "POST",
          redirect: "manual",
          headers: { Cookie: p.cookie, Origin: s.base, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(body),
          signal: AbortSignal.timeout(15_000),
        }).catch(() => null);
        if (res?.status === 302) {
          const id = comment ? /#post-([0-9a-f-]{36})/.exec(res.headers.get("location") ?? "")?.[1] : undefined;
          acks.push({ kind: comment ? "comment" : "post", token, userId: p.id, ...(id ? { id } : {}) });
        } else {
          refused++;
          if (res && res.status >= 500) {
            serverErrors++;
            log(`[chaos] ${at()} ms: instance ${i} answered ${res.status}: ${(await res.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ")}`);
          }
        }
        if (!res?.bodyUsed) await res?.body?.cancel().catch(() => undefined);
        await sleep(40);
      }
    };
    const writers = Array.from({ length: o.writers }, (_, w) => writer(w));
    let lastRestart = 0;
    const chaos = (async () => {
      await sleep(meiliKillAt);
      kill9({ pid: meili.pid });
      events.push({ at: at(), what: "SIGKILL Meilisearch" });
      await sleep(meiliDownFor);
      meili = await startMeilisearch({ dataDir: meiliDir, port: meiliPort });
      events.push({ at: at(), what: "Meilisearch restarted" });
      lastRestart = performance.now();
      await sleep(Math.max(0, appKillAt - at()));
      up[victim] = false;
      kill9({ pid: servers[victim].proc.pid });
      events.push({ at: at(), what: `SIGKILL app instance ${victim}` });
      await sleep(appDownFor);
      servers[victim] = start(victim);
      events.push({ at: at(), what: `app instance ${victim} restarting` });
      await waitFor(() => healthy(servers[victim].base), 240_000, () => `instance ${victim} to come back; it said:\n${servers[victim].output()}`, 100);
      up[victim] = true;
      events.push({ at: at(), what: `app instance ${victim} answers` });
      lastRestart = performance.now();
    })();
    await sleep(D);
    await chaos; // a slow restart keeps the stream going until it is back
    writing = false;
    await Promise.all(writers);
    events.push({ at: at(), what: "write stream stopped" });
    log(`[chaos] ${acks.length} of ${sent} writes acknowledged; ${events.map((e) => `${e.at} ms ${e.what}`).join("; ")}`);

    const check = await checkWrites(db, { orgId: org.id, marker, acks, base: servers[0].base, meili: { url: meili.url, key: meili.masterKey }, indexTimeoutMs: 240_000 });
    // converged: every acknowledged write searchable; measured from the last restart (the stream may run on after it)
    const convergeSeconds = check.lost.index.length ? null : Math.round((performance.now() - lastRestart) / 100) / 10;
    const v = await verifyArchive(db, { orgId: org.id });
    return {
      seed: o.seed,
      durationSeconds: o.durationSeconds,
      events,
      writes: { sent, acknowledged: acks.length, refused, serverErrors },
      check,
      archive: { ok: v.ok, checked: v.checked, problem: v.problem ? `${v.problem.chain} seq ${v.problem.seq}: ${v.problem.reason}` : undefined },
      convergeSeconds,
    };
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    await meili.stop().catch(() => undefined);
    for (const d of [meiliDir, ...dirs]) fs.rmSync(d, { recursive: true, force: true });
  }
}

export function printChaosReport(r: ChaosReport, print: (s: string) => void = console.log) {
  const c = r.check;
  print(
    [
      `chaos (seed ${r.seed}, ${r.durationSeconds} s write stream, two app instances on one PostgreSQL, one Meilisearch):`,
      ...r.events.map((e) => `  ${String(e.at).padStart(7)} ms  ${e.what}`),
      `  writes: ${r.writes.sent} sent, ${r.writes.acknowledged} acknowledged, ${r.writes.refused} not acknowledged (instance down or refused; ${r.writes.serverErrors} answered 5xx)`,
      `  acknowledged content ${c.content.acknowledged}: in PostgreSQL ${c.content.inDatabase}, in the archive chain ${c.content.inArchive}, in the index ${c.content.inIndex}`,
      `  lost writes: ${c.lost.database.length + c.lost.archive.length + c.lost.index.length} (target 0)${c.lost.index.length ? `; not in the index: ${c.lost.index.slice(0, 5).join(", ")}` : ""}${c.lost.database.length ? `; not in the database: ${c.lost.database.slice(0, 5).join(", ")}` : ""}`,
      `  archive: ${r.archive.ok ? `OK, ${r.archive.checked} records verified` : `BROKEN: ${r.archive.problem}`}`,
      r.convergeSeconds === null
        ? `  index NOT converged (${c.lost.index.length} acknowledged writes missing after ${c.indexWaitSeconds} s)`
        : `  index converged ${r.convergeSeconds} s after the last restart, ${c.indexWaitSeconds} s after the stream stopped (target ≤ 60 s)`,
    ].join("\n"),
  );
}
