import { beforeAll, describe, expect, it } from "vitest";
import { loadContentFacts, loadSpaceFacts, loadUserFacts } from "../../app/policy/facts.server";
import { ANONYMOUS, can, orgFacts, type Resource, type Viewer } from "../../app/policy/policy";
import { createContent, deleteContent } from "../../app/content/content.server";
import { makeComment, paragraphDoc } from "../../scripts/lib/factories";
import { buildWorld, doc, type World } from "../fixtures/world";

// Every persona × action × resource cell. A row lists who is allowed; everyone
// else is an explicit denial and is asserted as such.

const PERSONAS = ["admin", "compliance", "hr", "curator", "alice", "bob", "carol", "ivan", "dave", "outsider", "anonymous"] as const;
type Persona = (typeof PERSONAS)[number];
const ORG: Persona[] = ["admin", "compliance", "hr", "curator", "alice", "bob", "carol", "ivan"];
const except = (...out: Persona[]) => ORG.filter((p) => !out.includes(p));

type Row = [resource: string, action: string, allowed: Persona[]];

const SPACE_ROWS: Row[] = [
  ["open", "read", ORG],
  ["open", "list", ORG],
  ["open", "join", except("alice", "bob")],
  ["open", "request_join", []],
  ["open", "leave", ["alice", "bob"]],
  ["open", "post", ["alice", "bob"]],
  ["open", "manage", ["alice", "admin"]],
  ["open", "review", ["compliance"]],
  ["priv", "read", ["alice"]],
  ["priv", "list", ORG],
  ["priv", "join", []],
  ["priv", "request_join", except("alice")],
  ["priv", "leave", ["alice"]],
  ["priv", "post", ["alice"]],
  ["priv", "manage", ["alice", "admin"]],
  ["priv", "review", ["compliance"]],
  ["secret", "read", ["bob"]],
  ["secret", "list", ["bob"]],
  ["secret", "join", []],
  ["secret", "request_join", []],
  ["secret", "leave", ["bob"]],
  ["secret", "post", ["bob"]],
  ["secret", "manage", ["bob"]],
  ["secret", "review", ["compliance"]],
  // open but limited to Research: others neither read nor see it; IB is walled off
  ["research", "read", ["bob"]],
  ["research", "list", ["bob"]],
  ["research", "join", []],
  ["research", "request_join", []],
  ["research", "leave", ["bob"]],
  ["research", "post", ["bob"]],
  ["research", "manage", ["bob"]],
  ["research", "review", ["compliance"]],
];

const readers: Record<string, Persona[]> = {
  openByAlice: ORG,
  openByBob: except("ivan"), // Research author, IB viewer: barrier
  privByAlice: ["alice"],
  secretByBob: ["bob"],
  researchByBob: ["bob"],
  orgByCarol: ORG,
  deletedByAlice: [],
};
const authors: Record<string, Persona> = {
  openByAlice: "alice",
  openByBob: "bob",
  privByAlice: "alice",
  secretByBob: "bob",
  researchByBob: "bob",
  orgByCarol: "carol",
  deletedByAlice: "alice",
};
const deleters: Record<string, Persona[]> = {
  openByAlice: ["alice", "admin"],
  openByBob: ["bob", "admin", "alice"], // alice administers the open space
  privByAlice: ["alice"],
  secretByBob: ["bob"],
  researchByBob: ["bob"],
  orgByCarol: ["carol", "admin"],
  deletedByAlice: [],
};
const CONTENT_ROWS: Row[] = Object.keys(readers).flatMap((k): Row[] => [
  [k, "read", readers[k]],
  [k, "history", readers[k]],
  [k, "react", readers[k]],
  [k, "comment", readers[k]],
  [k, "edit", readers[k].includes(authors[k]) ? [authors[k]] : []],
  [k, "delete", deleters[k]],
  [k, "restore", k === "deletedByAlice" ? ["compliance", "admin"] : []],
  [k, "review", ["compliance"]],
  [k, "save", readers[k]],
  [k, "share", readers[k]],
  [k, "nominate", readers[k]],
  // curators and admins, on what they can read, never on their own content
  [k, "curate", readers[k].filter((p) => (p === "curator" || p === "admin") && p !== authors[k])],
]);

// Comments and replies are judged on their thread: the root's space, the root's author's
// barrier side, the root deleted or not, plus their own author. Built in beforeAll.
const commentReaders: Record<string, Persona[]> = {
  aliceOnBobsOpenPost: except("ivan"), // Sales author, Research root: IB is walled off by the root
  aliceReplyOnBobsOpenPost: except("ivan"), // a reply two levels down, same root
  bobOnAlicesOpenPost: except("ivan"), // Research author on a Sales root
  ivanOnAlicesOpenPost: except("bob"), // IB author on a Sales root
  aliceOnPrivPost: ["alice"],
  bobOnSecretPost: ["bob"],
  bobOnDeletedPost: [], // the post was deleted after the comment: the thread is closed
  aliceReplyOnDeletedPost: [],
  aliceDeletedOnOpenPost: [], // deleted itself
};
const commentAuthors: Record<string, Persona> = {
  aliceOnBobsOpenPost: "alice",
  aliceReplyOnBobsOpenPost: "alice",
  bobOnAlicesOpenPost: "bob",
  ivanOnAlicesOpenPost: "ivan",
  aliceOnPrivPost: "alice",
  bobOnSecretPost: "bob",
  bobOnDeletedPost: "bob",
  aliceReplyOnDeletedPost: "alice",
  aliceDeletedOnOpenPost: "alice",
};
// Delete: readers only, and then the author, an org admin, or an admin of the thread's space.
const commentDeleters: Record<string, Persona[]> = {
  aliceOnBobsOpenPost: ["alice", "admin"],
  aliceReplyOnBobsOpenPost: ["alice", "admin"],
  bobOnAlicesOpenPost: ["bob", "admin", "alice"],
  ivanOnAlicesOpenPost: ["ivan", "admin", "alice"],
  aliceOnPrivPost: ["alice"],
  bobOnSecretPost: ["bob"],
  bobOnDeletedPost: [],
  aliceReplyOnDeletedPost: [],
  aliceDeletedOnOpenPost: [],
};
const COMMENT_ROWS: Row[] = Object.keys(commentReaders).flatMap((k): Row[] => [
  [k, "read", commentReaders[k]],
  [k, "history", commentReaders[k]],
  [k, "react", commentReaders[k]],
  [k, "comment", commentReaders[k]],
  [k, "edit", commentReaders[k].includes(commentAuthors[k]) ? [commentAuthors[k]] : []],
  [k, "delete", commentDeleters[k]],
  [k, "pin", []], // only posts are pinned
  [k, "label_topics", []],
  [k, "restore", k === "aliceDeletedOnOpenPost" ? ["compliance", "admin"] : []],
  [k, "review", ["compliance"]],
]);
// Q&A: a question by alice in the open space (she administers it) with carol's answer,
// and a question by alice in the private space with her own answer.
const QA_ACTIONS = ["answer", "vote", "accept", "close", "verify"] as const;
const QA_ROWS: Row[] = [
  ["qOpen", "read", ORG],
  ["qOpen", "comment", ORG],
  ["qOpen", "answer", ORG],
  ["qOpen", "vote", except("alice")],
  ["qOpen", "accept", ["alice"]],
  ["qOpen", "close", ["alice", "curator", "admin"]],
  ["qOpen", "verify", []],
  ["qOpen", "edit", ["alice"]],
  ["qOpen", "delete", ["alice", "admin"]],
  ["aOpen", "read", ORG],
  ["aOpen", "comment", ORG],
  ["aOpen", "answer", []],
  ["aOpen", "vote", except("carol")],
  ["aOpen", "accept", []],
  ["aOpen", "close", []],
  ["aOpen", "verify", ["curator", "admin"]],
  ["aOpen", "edit", ["carol"]],
  ["aOpen", "delete", ["carol", "admin", "alice"]],
  // a question by bob (Research): ivan is walled off from it
  ["qBob", "read", except("ivan")],
  ["qBob", "answer", except("ivan")],
  ["qBob", "vote", except("ivan", "bob")],
  ["qBob", "accept", ["bob", "alice"]],
  ["qBob", "close", ["bob", "alice", "curator", "admin"]],
  // the private space: alice alone (dave, its other member, is deactivated)
  ["qPriv", "read", ["alice"]],
  ["qPriv", "answer", ["alice"]],
  ["qPriv", "vote", []],
  ["qPriv", "accept", ["alice"]],
  ["qPriv", "close", ["alice"]],
  ["aPriv", "read", ["alice"]],
  ["aPriv", "comment", ["alice"]],
  ["aPriv", "vote", []],
  ["aPriv", "verify", []],
  // Q&A actions never apply to posts
  ...QA_ACTIONS.map((a): Row => ["openByAlice", a, []]),
];

// Pre-approval: "gated" is alice's open space with two tiers (bob approves tier 1, carol tier 2).
// A held post is seen by its author and its current tier's approvers only, and nothing public
// happens to it (no comment, reaction, save, share, nomination) until the last tier approves.
const HELD = ["save", "share", "nominate", "curate", "pin", "label_topics", "comment", "react", "answer", "vote"] as const;
const APPROVAL_ROWS: Row[] = [
  ["gated", "approvals", ["alice", "bob", "carol"]],
  ["open", "approvals", []],
  ["gated", "post", ["alice", "bob", "carol"]],
  // alice's post waits at tier 1: bob approves; alice never approves her own (she approves tier 1 too)
  ["heldByAlice", "read", ["alice", "bob"]],
  ["heldByAlice", "history", ["alice", "bob"]],
  ["heldByAlice", "approve", ["bob"]],
  ["heldByAlice", "edit", ["alice"]],
  ["heldByAlice", "delete", ["alice"]],
  ["heldByAlice", "resubmit", []],
  ["heldByAlice", "review", ["compliance"]],
  ...HELD.map((a): Row => ["heldByAlice", a, []]),
  // bob's post passed tier 1 (alice approved it): at tier 2 only carol sees it besides bob
  ["heldByBobTier2", "read", ["bob", "carol"]],
  ["heldByBobTier2", "approve", ["carol"]],
  ...HELD.map((a): Row => ["heldByBobTier2", a, []]),
  // carol's post was rejected at tier 1: back to carol alone
  ["rejectedByCarol", "read", ["carol"]],
  ["rejectedByCarol", "approve", []],
  ["rejectedByCarol", "resubmit", ["carol"]],
  ["rejectedByCarol", "edit", ["carol"]],
  ...HELD.map((a): Row => ["rejectedByCarol", a, []]),
  // published after both tiers: an ordinary post of an open space
  ["approvedByAlice", "read", ORG],
  ["approvedByAlice", "comment", ORG],
  ["approvedByAlice", "approve", []],
  ["approvedByAlice", "resubmit", []],
];

const USER_ROWS: Row[] = [
  ["alice", "read", ORG],
  ["alice", "mention", except("alice")],
  ["alice", "deactivate", ["admin"]],
  ["alice", "review", ["compliance"]],
  ["alice", "edit_profile", ["alice", "admin"]],
  ["alice", "endorse", except("alice")],
  ["bob", "read", except("ivan")],
  ["bob", "mention", except("ivan", "bob")],
  ["bob", "deactivate", ["admin"]],
  ["bob", "review", ["compliance"]],
  ["bob", "edit_profile", ["bob", "admin"]],
  ["bob", "endorse", except("ivan", "bob")],
  ["ivan", "read", except("bob")],
  ["ivan", "mention", except("bob", "ivan")],
  ["ivan", "deactivate", ["admin"]],
  ["ivan", "review", ["compliance"]],
  ["ivan", "edit_profile", ["ivan", "admin"]],
  ["ivan", "endorse", except("bob", "ivan")],
  ["dave", "read", ["admin", "compliance"]],
  ["dave", "mention", []],
  ["dave", "deactivate", []],
  ["dave", "review", ["compliance"]],
  ["dave", "edit_profile", []],
  ["dave", "endorse", []],
  // each person sees their own analytics figures, nobody else's
  ["alice", "view_analytics", ["alice"]],
  ["bob", "view_analytics", ["bob"]],
  ["ivan", "view_analytics", ["ivan"]],
  ["dave", "view_analytics", []],
];

// A reporting line: only its own manager sees its analytics, and only when it has reports.
const LINE_ROWS: Row[] = [
  ["aliceLine", "view_analytics", ["alice"]],
  ["bobEmptyLine", "view_analytics", []],
];

const ORG_ROWS: Row[] = [
  ["org", "admin", ["admin"]],
  ["org", "invite", ["admin"]],
  ["org", "manage_spaces_any", ["admin"]],
  ["org", "view_dead_letters", ["admin"]],
  ["org", "manage_synonyms", ["admin"]],
  ["org", "manage_webhooks", ["admin"]],
  ["org", "view_archive_stream", ["compliance"]],
  ["org", "manage_skills", ["admin"]],
  ["org", "manage_integrations", ["admin"]],
  ["org", "manage_usage_policy", ["admin"]],
  ["org", "manage_sso", ["admin"]],
  ["org", "compliance", ["compliance"]],
  ["org", "manage_barriers", ["compliance"]],
  ["org", "view_audit", ["compliance"]],
  ["org", "view_analytics", ["hr", "admin"]],
  ["org", "curate", ["curator", "admin"]],
  ["org", "erase_person", ["admin", "compliance"]],
  ["org", "create_space", ORG],
];

let world: World;
const viewers = {} as Record<Persona, Viewer>;
const resources: Record<string, Resource> = {};

beforeAll(async () => {
  world = await buildWorld();
  for (const p of PERSONAS) {
    viewers[p] = p === "anonymous" ? ANONYMOUS : await world.viewer(world.users[p as Exclude<Persona, "anonymous">].id);
  }
  for (const [k, s] of Object.entries(world.spaces)) resources[k] = (await loadSpaceFacts(world.db, s.id))!;
  const facts = await loadContentFacts(world.db, Object.values(world.posts).map((p) => p.id));
  for (const [k, p] of Object.entries(world.posts)) resources[k] = facts.get(p.id)!;
  for (const k of ["alice", "bob", "ivan", "dave"] as const) resources[k] = (await loadUserFacts(world.db, world.users[k].id))!;
  const alice = await world.viewer(world.users.alice.id);
  const bob = await world.viewer(world.users.bob.id);
  const ivan = await world.viewer(world.users.ivan.id);
  const doomed = await createContent(alice, { kind: "post", spaceId: world.spaces.open.id, ...doc("Soon deleted, with a thread") });
  const aliceOnBobsOpenPost = await makeComment(alice, world.posts.openByBob.id);
  const bobOnDeletedPost = await makeComment(bob, doomed.id);
  const comments = {
    aliceOnBobsOpenPost,
    aliceReplyOnBobsOpenPost: await makeComment(alice, aliceOnBobsOpenPost.id),
    bobOnAlicesOpenPost: await makeComment(bob, world.posts.openByAlice.id),
    ivanOnAlicesOpenPost: await makeComment(ivan, world.posts.openByAlice.id),
    aliceOnPrivPost: await makeComment(alice, world.posts.privByAlice.id),
    bobOnSecretPost: await makeComment(bob, world.posts.secretByBob.id),
    bobOnDeletedPost,
    aliceReplyOnDeletedPost: await makeComment(alice, bobOnDeletedPost.id),
    aliceDeletedOnOpenPost: await makeComment(alice, world.posts.openByAlice.id),
  };
  await deleteContent(alice, comments.aliceDeletedOnOpenPost.id);
  await deleteContent(alice, doomed.id);
  const commentFacts = await loadContentFacts(world.db, Object.values(comments).map((c) => c.id));
  for (const [k, c] of Object.entries(comments)) resources[k] = commentFacts.get(c.id)!;
  resources.org = orgFacts(world.org.id);
  const { askQuestion, answerQuestion } = await import("../../app/qa/questions.server");
  const qOpen = await askQuestion(alice, { title: "Open question by Alice", body: paragraphDoc("q"), tags: [], spaceId: world.spaces.open.id });
  const aOpen = await answerQuestion(viewers.carol, qOpen.id, paragraphDoc("a"));
  const qBob = await askQuestion(viewers.bob, { title: "Open question by Bob", body: paragraphDoc("q"), tags: [], spaceId: world.spaces.open.id });
  const qPriv = await askQuestion(alice, { title: "Private question by Alice", body: paragraphDoc("q"), tags: [], spaceId: world.spaces.priv.id });
  const aPriv = await answerQuestion(alice, qPriv.id, paragraphDoc("a"));
  const qaFacts = await loadContentFacts(world.db, [qOpen.id, aOpen.id, qBob.id, qPriv.id, aPriv.id]);
  Object.assign(resources, { qOpen: qaFacts.get(qOpen.id)!, aOpen: qaFacts.get(aOpen.id)!, qBob: qaFacts.get(qBob.id)!, qPriv: qaFacts.get(qPriv.id)!, aPriv: qaFacts.get(aPriv.id)! });
  {
    const { setApprovalSettings, decideApproval } = await import("../../app/spaces/approvals.server");
    const { joinSpace } = await import("../../app/spaces/spaces.server");
    const { makeSpace } = await import("../../scripts/lib/factories");
    const gated = await makeSpace(alice, { name: "Gated", visibility: "open", joinPolicy: "open" });
    await joinSpace(bob, gated.id);
    await joinSpace(viewers.carol, gated.id);
    const seats = [
      { tier: 1, userId: world.users.bob.id },
      { tier: 1, userId: world.users.alice.id },
      { tier: 2, userId: world.users.carol.id },
    ];
    expect(await setApprovalSettings(await world.viewer(world.users.alice.id), gated.id, { tiers: 2, seats })).toEqual({ ok: true });
    const a = await world.viewer(world.users.alice.id);
    const b = await world.viewer(world.users.bob.id);
    const c = await world.viewer(world.users.carol.id);
    for (const [k, x] of [["alice", a], ["bob", b], ["carol", c]] as const) viewers[k] = x;
    const heldByAlice = await createContent(a, { kind: "post", spaceId: gated.id, ...doc("Held by Alice") });
    const heldByBobTier2 = await createContent(b, { kind: "post", spaceId: gated.id, ...doc("Held by Bob") });
    await decideApproval(a, heldByBobTier2.id, { decision: "approve" });
    const rejectedByCarol = await createContent(c, { kind: "post", spaceId: gated.id, ...doc("Rejected") });
    await decideApproval(b, rejectedByCarol.id, { decision: "reject", reason: "tone" });
    const approvedByAlice = await createContent(a, { kind: "post", spaceId: gated.id, ...doc("Approved") });
    await decideApproval(b, approvedByAlice.id, { decision: "approve" });
    await decideApproval(c, approvedByAlice.id, { decision: "approve" });
    resources.gated = (await loadSpaceFacts(world.db, gated.id))!;
    const held = await loadContentFacts(world.db, [heldByAlice.id, heldByBobTier2.id, rejectedByCarol.id, approvedByAlice.id]);
    Object.assign(resources, {
      heldByAlice: held.get(heldByAlice.id)!,
      heldByBobTier2: held.get(heldByBobTier2.id)!,
      rejectedByCarol: held.get(rejectedByCarol.id)!,
      approvedByAlice: held.get(approvedByAlice.id)!,
    });
  }
  resources.aliceLine = { kind: "line", orgId: world.org.id, managerId: world.users.alice.id, reports: 3 };
  resources.bobEmptyLine = { kind: "line", orgId: world.org.id, managerId: world.users.bob.id, reports: 0 };
});

describe.each([
  ["space", SPACE_ROWS],
  ["content", CONTENT_ROWS],
  ["comment", COMMENT_ROWS],
  ["q&a", QA_ROWS],
  ["user", USER_ROWS],
  ["org", ORG_ROWS],
  ["line", LINE_ROWS],
  ["pre-approval", APPROVAL_ROWS],
] as const)("policy table: %s", (_kind, rows) => {
  it.each(rows)("%s × %s", (resource, action, allowed) => {
    const r = resources[resource];
    expect(r, resource).toBeDefined();
    const got = PERSONAS.filter((p) => can(viewers[p], action as never, r));
    // Deactivated users, other firms and anonymous visitors are denied every cell.
    expect(got.sort()).toEqual([...allowed].sort());
  });
});

describe("viewer facts", () => {
  it("a deactivated user resolves to the null viewer", () => {
    expect(viewers.dave.id).toBeNull();
  });
  it("the barrier puts Research and Investment Banking on opposite sides", () => {
    expect(viewers.bob.blockedDepartments).toEqual(["Investment Banking"]);
    expect(viewers.ivan.blockedDepartments).toEqual(["Research"]);
    expect(viewers.alice.blockedDepartments).toEqual([]);
  });
});
