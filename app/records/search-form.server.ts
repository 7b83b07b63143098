import { z } from "zod";
import type { Db } from "~/db/client.server";
import type { Viewer } from "~/policy/policy";
import { calendarDay } from "~/utils/calendar-day";
import { custodianId, type ArchiveSearch } from "./search.server";

const DAY_MS = 86_400_000;
const day = z.union([z.literal(""), calendarDay]).default("");
import { ARCHIVE_KINDS } from "./archive-kinds";
export { ARCHIVE_KINDS };

/** One schema for the archive search form (GET) and the export request (POST). */
export const ArchiveSearchForm = z
  .object({
    q: z.string().trim().max(200).default(""),
    custodian: z.union([z.literal(""), z.string().trim().max(254).email("form.invalidEmail")]).default(""),
    space: z.string().trim().max(64).default(""),
    kind: z.union([z.literal(""), z.enum(ARCHIVE_KINDS)]).default(""),
    from: day,
    to: day,
    deleted: z.string().optional(),
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { path: ["to"], message: "compliance.search.error.range" });

export type ArchiveSearchValues = z.infer<typeof ArchiveSearchForm>;

/** The parsed form as a search (the custodian's email resolved in the officer's org: 400 when unknown). */
export async function toArchiveSearch(viewer: Viewer, p: ArchiveSearchValues, includeDeleted: boolean, db?: Db): Promise<ArchiveSearch> {
  return {
    q: p.q,
    custodianIds: p.custodian ? [await custodianId(viewer, p.custodian, db)] : [],
    spaceId: p.space || null,
    kinds: p.kind ? [p.kind] : [],
    from: p.from ? new Date(`${p.from}T00:00:00Z`) : null,
    // the end date is inclusive
    to: p.to ? new Date(Date.parse(`${p.to}T00:00:00Z`) + DAY_MS) : null,
    includeDeleted,
  };
}
