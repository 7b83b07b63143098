import { getDb, type Db } from "~/db/client.server";
import { postableSpaces } from "~/content/composer.server";
import { loadContentFacts } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { approvalStatus } from "./library.server";
import { isSaved, shareCards, type ShareCard } from "./saves.server";
import { recordView } from "./signals.server";

// What the post page shows of the discovery loop: a first view counted, save/share/nominate
// abilities, the approval badge, and — for a share — the original as this viewer may see it.

export type PostDiscovery = {
  saved: boolean;
  approval: Awaited<ReturnType<typeof approvalStatus>>;
  share: ShareCard | null;
  shareSpaces: { id: string; name: string }[];
  can: { save: boolean; share: boolean; nominate: boolean };
};

/** Call only after the post itself passed the policy (the page loader has hydrated it). */
export async function postDiscovery(viewer: Viewer, postId: string, db?: Db): Promise<PostDiscovery> {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [postId])).get(postId);
  const abilities = {
    save: !!facts && can(viewer, "save", facts),
    share: !!facts && can(viewer, "share", facts),
    nominate: !!facts && can(viewer, "nominate", facts),
  };
  const [, saved, approval, shares, spaces] = await Promise.all([
    recordView(viewer, postId, d),
    isSaved(viewer, postId, d),
    approvalStatus(viewer, postId, d),
    shareCards(viewer, [postId], d),
    abilities.share ? postableSpaces(viewer, d) : Promise.resolve([]),
  ]);
  return {
    saved,
    approval,
    share: shares[postId] ?? null,
    shareSpaces: spaces.filter((s) => s.id !== facts?.space?.id).map((s) => ({ id: s.id, name: s.name })),
    can: abilities,
  };
}
