import { isId } from "~/utils/ids";

export type FeedCursor = { at: string; id: string };

// A cursor points at a post's (created_at, id). Its instant must be one PostgreSQL and
// toISOString both write as "YYYY-MM-DDTHH:mm:ss.sssZ": years 1970 to 9999.
const AT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function encodeCursor(c: FeedCursor): string {
  return Buffer.from(`${c.at}|${c.id}`).toString("base64url");
}

/** Parses a cursor from the URL; anything malformed or out of range is null (first page). */
export function decodeCursor(raw: string | null | undefined): FeedCursor | null {
  if (!raw || raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  const parts = Buffer.from(raw, "base64url").toString("utf8").split("|");
  if (parts.length !== 2) return null;
  const [at, id] = parts;
  if (!AT_RE.test(at) || !isId(id)) return null;
  const ms = Date.parse(at);
  if (Number.isNaN(ms) || ms < MIN_MS || ms > MAX_MS) return null;
  const iso = new Date(ms).toISOString();
  // "2026-02-31T..." parses (rolls over) in some engines: only a date that round-trips is real.
  if (iso.slice(0, 19) !== at.slice(0, 19)) return null;
  return { at: iso, id };
}
