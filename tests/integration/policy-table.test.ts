import { beforeAll, describe, expect, it } from "vitest";
import { loadContentFacts, loadSpaceFacts, loadUserFacts } from "../../app/policy/facts.server";
import { ANONYMOUS, can, orgFacts, type Resource, type Viewer } from "../../app/policy/policy";
import { buildWorld, type World } from "../fixtures/world";

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
]);

const USER_ROWS: Row[] = [
  ["alice", "read", ORG],
  ["alice", "mention", except("alice")],
  ["alice", "deactivate", ["admin"]],
  ["alice", "review", ["compliance"]],
  ["bob", "read", except("ivan")],
  ["bob", "mention", except("ivan", "bob")],
  ["bob", "deactivate", ["admin"]],
  ["bob", "review", ["compliance"]],
  ["ivan", "read", except("bob")],
  ["ivan", "mention", except("bob", "ivan")],
  ["ivan", "deactivate", ["admin"]],
  ["ivan", "review", ["compliance"]],
  ["dave", "read", ["admin", "compliance"]],
  ["dave", "mention", []],
  ["dave", "deactivate", []],
  ["dave", "review", ["compliance"]],
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
  ["org", "compliance", ["compliance"]],
  ["org", "manage_barriers", ["compliance"]],
  ["org", "view_audit", ["compliance"]],
  ["org", "view_analytics", ["hr", "admin"]],
  ["org", "curate", ["curator", "admin"]],
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
  resources.org = orgFacts(world.org.id);
  resources.aliceLine = { kind: "line", orgId: world.org.id, managerId: world.users.alice.id, reports: 3 };
  resources.bobEmptyLine = { kind: "line", orgId: world.org.id, managerId: world.users.bob.id, reports: 0 };
});

describe.each([
  ["space", SPACE_ROWS],
  ["content", CONTENT_ROWS],
  ["user", USER_ROWS],
  ["org", ORG_ROWS],
  ["line", LINE_ROWS],
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
