import { isId } from "~/utils/ids";

// The library and the review queue page by the same key: an item's rank key (which orders like
// its decayed score) and then its content id. Opaque in the URL.

export type RankCursor = { rank: number; id: string };

export function encodeRankCursor(c: RankCursor): string {
  return Buffer.from(`${c.rank}|${c.id}`).toString("base64url");
}

/** Anything malformed is null (the library shows its first page; the review queue answers 400). */
export function decodeRankCursor(raw: string | null | undefined): RankCursor | null {
  if (!raw || raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  const [rank, id, extra] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  const r = Number(rank);
  if (extra !== undefined || !rank || !Number.isFinite(r) || !isId(id ?? "")) return null;
  return { rank: r, id };
}
