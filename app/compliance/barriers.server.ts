import { eq, and } from "drizzle-orm";
import { authorizeOrg } from "~/policy/authorize.server";
import { runCommand } from "./command.server";
import { getDb, type Db } from "~/db/client.server";
import { barriers } from "~/db/schema";
import { type Viewer } from "~/policy/policy";
import { notFound } from "~/utils/http.server";
import { newId } from "~/utils/ids";

export type BarrierInput = { name: string; sideA: string[]; sideB: string[] };

/** Barriers are compliance tooling: to anyone else they do not exist (404, never 403). */
export function requireBarrierManager(viewer: Viewer): string {
  return authorizeOrg(viewer, "manage_barriers").orgId;
}

export async function listBarriers(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const orgId = requireBarrierManager(viewer);
  return d.select().from(barriers).where(eq(barriers.orgId, orgId)).orderBy(barriers.name);
}

/** Compliance raises a wall between two groups of departments. */
export async function createBarrier(viewer: Viewer, input: BarrierInput, db?: Db) {
  const d = db ?? (await getDb());
  requireBarrierManager(viewer);
  const overlap = input.sideA.filter((x) => input.sideB.includes(x));
  if (overlap.length || !input.sideA.length || !input.sideB.length) {
    throw new Response("A barrier needs two non-empty, separate sides.", { status: 400 });
  }
  return runCommand(d, async ({ tx, audit, emit }) => {
    const [row] = await tx
      .insert(barriers)
      .values({ id: newId(), orgId: viewer.orgId!, name: input.name, sideA: input.sideA, sideB: input.sideB })
      .returning();
    await audit({
      orgId: row.orgId,
      actorId: viewer.id,
      action: "barrier.create",
      targetKind: "barrier",
      targetId: row.id,
      data: { name: row.name, sideA: row.sideA, sideB: row.sideB },
    });
    await emit({ orgId: row.orgId, topic: "barrier.changed", subjectId: row.id, payload: { departments: [...row.sideA, ...row.sideB] } });
    return row;
  });
}

export async function removeBarrier(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  requireBarrierManager(viewer);
  await runCommand(d, async ({ tx, audit, emit }) => {
    const [row] = await tx.delete(barriers).where(and(eq(barriers.id, id), eq(barriers.orgId, viewer.orgId!))).returning();
    if (!row) notFound();
    await audit({
      orgId: row.orgId,
      actorId: viewer.id,
      action: "barrier.remove",
      targetKind: "barrier",
      targetId: row.id,
      data: { name: row.name, sideA: row.sideA, sideB: row.sideB },
    });
    await emit({ orgId: row.orgId, topic: "barrier.changed", subjectId: row.id, payload: { departments: [...row.sideA, ...row.sideB] } });
  });
}
