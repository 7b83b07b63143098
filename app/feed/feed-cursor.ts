export type FeedCursor = { at: string; id: string };

export function encodeCursor(c: FeedCursor): string {
  return Buffer.from(`${c.at}|${c.id}`).toString("base64url");
}

/** Parses a cursor from the URL; anything malformed is null (first page). */
export function decodeCursor(raw: string | null | undefined): FeedCursor | null {
  if (!raw || raw.length > 200) return null;
  const [at, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) return null;
  return { at: new Date(at).toISOString(), id };
}
