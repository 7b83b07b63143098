import type { Db } from "~/db/client.server";
import type { Viewer } from "~/policy/policy";
import { notFound } from "~/utils/http.server";
import { setFollow } from "~/feed/follows.server";
import { tagFeed } from "~/feed/feeds.server";
import { isValidCashtag, isValidHashtag, normalizeHashtag } from "~/content/rich-text";

export type TagKind = "hashtag" | "cashtag";

/** "/tags/Conformité" → "#conformité", "/cashtags/bnp" → "$BNP"; anything that is not a tag is 404. */
export function tagFromParam(kind: TagKind, raw: string | undefined): string {
  const value = (raw ?? "").trim();
  if (kind === "hashtag") {
    const bare = value.replace(/^#/, "");
    if (!isValidHashtag(bare)) notFound();
    return `#${normalizeHashtag(bare)}`;
  }
  const symbol = value.replace(/^\$/, "").toUpperCase();
  if (!isValidCashtag(symbol)) notFound();
  return `$${symbol}`;
}

export async function tagPage(viewer: Viewer, kind: TagKind, raw: string | undefined, cursor: string | null, db?: Db) {
  const tag = tagFromParam(kind, raw);
  return { tag, ...(await tagFeed(viewer, tag, cursor, db)) };
}

export async function followTag(viewer: Viewer, kind: TagKind, raw: string | undefined, on: boolean, db?: Db) {
  const tag = tagFromParam(kind, raw);
  await setFollow(viewer, "tag", tag, on, db);
  return tag;
}
