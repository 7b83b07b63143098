import { createOrg, createUser, type NewUser } from "../../app/identity/accounts.server";
import { createComment, createPost } from "../../app/content/posts.server";
import type { Viewer } from "../../app/policy/policy";
import type { OrgRole } from "../../app/policy/roles";
import { createSpace, type SpaceInput } from "../../app/spaces/spaces.server";

let n = 0;
const uniq = () => `${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export const TEST_PASSWORD = "correct horse battery staple";

export async function makeOrg(name = "Test Bank") {
  return createOrg(`${name} ${uniq()}`);
}

export async function makeUser(
  orgId: string,
  overrides: Partial<Omit<NewUser, "orgId">> & { roles?: OrgRole[] } = {},
) {
  const id = uniq();
  return createUser({
    orgId,
    email: overrides.email ?? `user-${id}@example.test`,
    name: overrides.name ?? `User ${id}`,
    password: overrides.password === undefined ? TEST_PASSWORD : overrides.password,
    department: overrides.department ?? "Operations",
    region: overrides.region ?? "EMEA",
    ...overrides,
  });
}

/** A space created by `owner` (who becomes its admin); slug and name are unique unless given. */
export async function makeSpace(
  owner: Viewer,
  overrides: Partial<SpaceInput> = {},
) {
  const id = uniq();
  return createSpace(owner, {
    name: overrides.name ?? `Space ${id}`,
    slug: overrides.slug ?? `space-${id}`.toLowerCase(),
    visibility: overrides.visibility ?? "open",
    joinPolicy: overrides.joinPolicy ?? "open",
    ...overrides,
  });
}

/** A rich-text document with one paragraph, as the editor would submit it. */
export const paragraphDoc = (text: string) => ({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });

/** A post through the real write path (rich-text validation, mentions, tags, archive, outbox). */
export async function makePost(author: Viewer, overrides: { spaceId?: string | null; text?: string } = {}) {
  return createPost(author, { spaceId: overrides.spaceId ?? null, body: paragraphDoc(overrides.text ?? `Post ${uniq()}`) });
}

/** A comment (or a reply, when `parentId` is a comment) through the real write path. */
export async function makeComment(author: Viewer, parentId: string, text = `Comment ${uniq()}`) {
  return createComment(author, { parentId, body: paragraphDoc(text) });
}
