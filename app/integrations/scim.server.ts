import { createHash } from "node:crypto";
import { and, eq, ne, sql } from "drizzle-orm";
import { filter as scimFilter, parse as parseFilter, type Filter } from "scim2-parse-filter";
import { runCommand, type Command } from "~/compliance/command.server";
import { getDb, type Db } from "~/db/client.server";
import { spaceMembers, spaces, users } from "~/db/schema";
import { revokeAllSessions } from "~/identity/session.server";
import { scimGroupTarget } from "~/identity/sso-settings.server";
import { provisionMembership } from "~/spaces/spaces.server";
import { now } from "~/utils/clock.server";
import { newId } from "~/utils/ids";

// SCIM 2.0 (RFC 7643/7644) provisioning for one organisation: Users are Atrium people (userName,
// externalId, name, title, emails, active, the enterprise department and manager); Groups are
// departments (a member's department is the group's name) or, where the admin chose so on Admin → Single
// sign-on, spaces (a group is an existing space of the same name; its members are the space's plain members). Deactivation (active=false) revokes every
// session and keeps the person's content; DELETE does the same and hides them from SCIM. Every
// change is one command with an audit entry and, for deactivation, the user.deactivated event.

export const SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const SCIM_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const SCIM_ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const SCIM_LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const SCIM_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
export const SCIM_TYPE = "application/scim+json";

export class ScimError extends Error {
  constructor(
    public status: number,
    public detail: string,
    public scimType?: "invalidFilter" | "invalidValue" | "invalidSyntax" | "invalidPath" | "noTarget" | "uniqueness" | "mutability" | "invalidVers",
  ) {
    super(detail);
  }
}

export const scimErrorBody = (status: number, detail: string, scimType?: string) => ({
  schemas: [SCIM_ERROR],
  status: String(status),
  ...(scimType ? { scimType } : {}),
  detail,
});

type UserRow = typeof users.$inferSelect;
type Actor = { orgId: string; actorId: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const MAX_COUNT = 200;

/** A weak ETag over the resource's content (meta excluded), so it changes exactly when the resource does. */
export const etagOf = (resource: Json) => {
  const { meta: _meta, ...rest } = resource;
  return `W/"${createHash("sha256").update(JSON.stringify(rest)).digest("hex").slice(0, 20)}"`;
};

function withMeta(resource: Json, type: "User" | "Group", id: string, created: Date, base: string): Json {
  const version = etagOf(resource);
  return { ...resource, meta: { resourceType: type, created: created.toISOString(), lastModified: now().toISOString(), location: `${base}/${type}s/${id}`, version } };
}

function splitName(name: string) {
  const i = name.lastIndexOf(" ");
  return i > 0 ? { givenName: name.slice(0, i), familyName: name.slice(i + 1) } : { givenName: name, familyName: "" };
}

export function userResource(u: UserRow, base: string): Json {
  const r: Json = {
    schemas: [SCIM_USER, SCIM_ENTERPRISE],
    id: u.id,
    ...(u.externalId ? { externalId: u.externalId } : {}),
    userName: u.scimUserName ?? u.email,
    name: { formatted: u.name, ...splitName(u.name) },
    displayName: u.name,
    title: u.title,
    ...(u.locale ? { locale: u.locale } : {}),
    emails: [{ value: u.email, type: "work", primary: true }],
    active: u.status === "active",
    [SCIM_ENTERPRISE]: { department: u.department, ...(u.managerId ? { manager: { value: u.managerId } } : {}) },
  };
  return withMeta(r, "User", u.id, u.createdAt, base);
}

// ---------- input ----------

const str = (v: unknown, field: string, max = 254): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || v.length > max || /[\u0000-\u001f\u007f]/.test(v)) throw new ScimError(400, `${field} must be a string`, "invalidValue");
  return v.trim();
};

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type UserFields = { userName: string; email: string; name: string; title: string; department: string; externalId: string | null; active: boolean; locale: string | null; managerId: string | null };

/** A User resource as Atrium's fields; what cannot be stored is a 400 (invalidValue), nothing partial. */
function userFields(body: Json): UserFields {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ScimError(400, "The body must be a User resource.", "invalidSyntax");
  const userName = str(body.userName, "userName");
  if (!userName) throw new ScimError(400, "userName is required.", "invalidValue");
  const emails = Array.isArray(body.emails) ? body.emails : [];
  const primary = emails.find((e: Json) => e?.primary === true) ?? emails.find((e: Json) => e?.type === "work") ?? emails[0];
  const email = (str(primary?.value, "emails.value") ?? (EMAIL_RE.test(userName) ? userName : "")).toLowerCase();
  if (!EMAIL_RE.test(email)) throw new ScimError(400, "A work email is required (emails or an email userName).", "invalidValue");
  const n = body.name && typeof body.name === "object" ? body.name : {};
  const composed = [str(n.givenName, "name.givenName", 120), str(n.familyName, "name.familyName", 120)].filter(Boolean).join(" ");
  const name = str(body.displayName, "displayName", 120) || str(n.formatted, "name.formatted", 120) || composed || userName;
  const ent = body[SCIM_ENTERPRISE] && typeof body[SCIM_ENTERPRISE] === "object" ? body[SCIM_ENTERPRISE] : {};
  // some identity providers send "True"/"False"
  const active = typeof body.active === "string" && /^(true|false)$/i.test(body.active) ? body.active.toLowerCase() === "true" : body.active;
  if (active !== undefined && typeof active !== "boolean") throw new ScimError(400, "active must be a boolean.", "invalidValue");
  const manager = ent.manager && typeof ent.manager === "object" ? str(ent.manager.value, "manager.value", 64) : undefined;
  return {
    userName,
    email,
    name: name.slice(0, 120),
    title: str(body.title, "title", 120) ?? "",
    department: str(ent.department, "department", 120) ?? "",
    externalId: str(body.externalId, "externalId") || null,
    active: active ?? true,
    locale: str(body.locale, "locale", 10) || null,
    managerId: manager || null,
  };
}

// ---------- users ----------

async function findUser(db: Db, orgId: string, id: string): Promise<UserRow | null> {
  const [u] = await db.select().from(users).where(and(eq(users.id, id), eq(users.orgId, orgId), ne(users.status, "deleted")));
  return u ?? null;
}

export async function getScimUser(orgId: string, id: string, base: string, db?: Db) {
  const d = db ?? (await getDb());
  const u = await findUser(d, orgId, id);
  if (!u) throw new ScimError(404, `User ${id} not found.`);
  return userResource(u, base);
}

/** Only `userName eq`, `externalId eq` go to SQL; any other valid filter runs over the org's people. */
function sqlFilter(f: Filter | null) {
  if (f && f.op === "eq" && typeof (f as { compValue: unknown }).compValue === "string") {
    const { attrPath, compValue } = f as { attrPath: string; compValue: string };
    if (attrPath.toLowerCase() === "username") return sql`lower(coalesce(${users.scimUserName}, ${users.email})) = ${compValue.toLowerCase()}`;
    if (attrPath.toLowerCase() === "externalid") return sql`${users.externalId} = ${compValue}`;
  }
  return null;
}

function parsed(filterRaw: string | null): Filter | null {
  if (!filterRaw) return null;
  try {
    return parseFilter(filterRaw);
  } catch {
    throw new ScimError(400, "The filter is not valid SCIM filter syntax.", "invalidFilter");
  }
}

/** RFC 7644 §3.4.2: 1-based startIndex, count (0 allowed: totals only). */
export function paging(params: URLSearchParams) {
  const int = (name: string, fallback: number) => {
    const raw = params.get(name);
    if (raw === null || raw === "") return fallback;
    if (!/^-?\d{1,9}$/.test(raw)) throw new ScimError(400, `${name} must be an integer.`, "invalidValue");
    return Number(raw);
  };
  return { startIndex: Math.max(1, int("startIndex", 1)), count: Math.min(MAX_COUNT, Math.max(0, int("count", 100))) };
}

function listResponse(all: Json[], startIndex: number, count: number) {
  const page = all.slice(startIndex - 1, startIndex - 1 + count);
  return { schemas: [SCIM_LIST], totalResults: all.length, startIndex, itemsPerPage: page.length, Resources: page };
}

export async function listScimUsers(orgId: string, params: URLSearchParams, base: string, db?: Db) {
  const d = db ?? (await getDb());
  const f = parsed(params.get("filter"));
  const { startIndex, count } = paging(params);
  const fast = sqlFilter(f);
  const rows = await d
    .select()
    .from(users)
    .where(and(eq(users.orgId, orgId), ne(users.status, "deleted"), fast ?? sql`true`))
    .orderBy(users.createdAt, users.id);
  let resources = rows.map((u) => userResource(u, base));
  if (f && !fast) {
    try {
      resources = resources.filter(scimFilter(f));
    } catch {
      throw new ScimError(400, "The filter cannot be applied.", "invalidFilter");
    }
  }
  return listResponse(resources, startIndex, count);
}

async function checkUnique(db: Db, orgId: string, fields: UserFields, selfId: string | null) {
  const [byEmail] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${fields.email}`);
  if (byEmail && byEmail.id !== selfId) throw new ScimError(409, "A user with this email already exists.", "uniqueness");
  const [byName] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, orgId), sql`lower(coalesce(${users.scimUserName}, ${users.email})) = ${fields.userName.toLowerCase()}`));
  if (byName && byName.id !== selfId) throw new ScimError(409, "userName is already taken.", "uniqueness");
  if (fields.externalId) {
    const [byExt] = await db.select({ id: users.id }).from(users).where(and(eq(users.orgId, orgId), eq(users.externalId, fields.externalId)));
    if (byExt && byExt.id !== selfId) throw new ScimError(409, "externalId is already taken.", "uniqueness");
  }
  if (fields.managerId) {
    const [m] = await db.select({ id: users.id }).from(users).where(and(eq(users.id, fields.managerId), eq(users.orgId, orgId)));
    if (!m || m.id === selfId) throw new ScimError(400, "manager.value is not a user of this organisation.", "invalidValue");
  }
}

const columns = (f: UserFields) => ({
  email: f.email,
  scimUserName: f.userName.toLowerCase() === f.email ? null : f.userName,
  name: f.name,
  title: f.title,
  department: f.department,
  externalId: f.externalId,
  locale: f.locale,
  managerId: f.managerId,
});

async function setActive(c: Command, actor: Actor, u: UserRow, active: boolean) {
  if (active === (u.status === "active")) return;
  await c.tx
    .update(users)
    .set(active ? { status: "active", deactivatedAt: null } : { status: "deactivated", deactivatedAt: now() })
    .where(eq(users.id, u.id));
  if (!active) {
    await revokeAllSessions(u.id, c.tx);
    await c.emit({ orgId: actor.orgId, topic: "user.deactivated", subjectId: u.id });
  } else {
    // back in the people index
    await c.emit({ orgId: actor.orgId, topic: "user.reactivated", subjectId: u.id });
  }
  await c.audit({ ...actor, action: active ? "scim.user.reactivate" : "user.deactivate", targetKind: "user", targetId: u.id, data: { via: "scim" } });
}

/** POST /Users: a new person, without a password (they sign in through SSO or a reset). */
export async function createScimUser(actor: Actor, body: Json, base: string, db?: Db) {
  const d = db ?? (await getDb());
  const f = userFields(body);
  await checkUnique(d, actor.orgId, f, null);
  const row = await runCommand(d, async (c) => {
    const [u] = await c.tx
      .insert(users)
      .values({ id: newId(), orgId: actor.orgId, ...columns(f), roles: ["member"], status: f.active ? "active" : "deactivated", deactivatedAt: f.active ? null : now() })
      .returning();
    await c.audit({ ...actor, action: "scim.user.create", targetKind: "user", targetId: u.id, data: { userName: f.userName, externalId: f.externalId } });
    // the people index gets the new person
    await c.emit({ orgId: actor.orgId, topic: "user.created", subjectId: u.id });
    return u;
  });
  return userResource(row, base);
}

function checkVersion(current: Json, ifMatch: string | null) {
  if (ifMatch && ifMatch.trim() !== "*" && !ifMatch.split(",").map((s) => s.trim()).includes(current.meta.version)) {
    throw new ScimError(412, "The resource has changed (If-Match).", "invalidVers");
  }
}

/** PUT /Users/{id}: replaces the person's attributes (a missing one is cleared). */
export async function replaceScimUser(actor: Actor, id: string, body: Json, base: string, ifMatch: string | null, db?: Db) {
  const d = db ?? (await getDb());
  const u = await findUser(d, actor.orgId, id);
  if (!u) throw new ScimError(404, `User ${id} not found.`);
  checkVersion(userResource(u, base), ifMatch);
  const f = userFields(body);
  await checkUnique(d, actor.orgId, f, id);
  await runCommand(d, async (c) => {
    await c.tx.update(users).set(columns(f)).where(eq(users.id, id));
    await c.audit({ ...actor, action: "scim.user.update", targetKind: "user", targetId: id, data: { userName: f.userName, externalId: f.externalId } });
    // name and title reindex the person; a department change also moves their content documents
    await c.emit({ orgId: actor.orgId, topic: f.department === u.department ? "user.profile.updated" : "user.updated", subjectId: id });
    await setActive(c, actor, u, f.active);
  });
  return getScimUser(actor.orgId, id, base, d);
}

// ---------- PATCH (RFC 7644 §3.5.2) ----------

type Op = { op: "add" | "replace" | "remove"; path?: string; value?: unknown };

function operations(body: Json): Op[] {
  if (!body || !Array.isArray(body.schemas) || !body.schemas.includes(SCIM_PATCH) || !Array.isArray(body.Operations) || body.Operations.length === 0 || body.Operations.length > 100) {
    throw new ScimError(400, "The body must be a PatchOp with Operations.", "invalidSyntax");
  }
  return body.Operations.map((o: Json) => {
    const op = typeof o?.op === "string" ? o.op.toLowerCase() : "";
    if (!["add", "replace", "remove"].includes(op)) throw new ScimError(400, `Unknown op ${String(o?.op)}.`, "invalidSyntax");
    if (o.path !== undefined && typeof o.path !== "string") throw new ScimError(400, "path must be a string.", "invalidPath");
    return { op, path: o.path, value: o.value } as Op;
  });
}

/** Sets one attribute path on a User resource; paths we do not keep are refused (invalidPath). */
function setUserPath(r: Json, path: string, value: unknown, remove: boolean, ignoreUnknown = false) {
  const p = path.trim();
  const lower = p.toLowerCase();
  const ent = (r[SCIM_ENTERPRISE] ??= {});
  const simple: Record<string, () => void> = {
    username: () => (r.userName = value),
    externalid: () => (remove ? delete r.externalId : (r.externalId = value)),
    displayname: () => (r.displayName = remove ? "" : value),
    title: () => (r.title = remove ? "" : value),
    active: () => (r.active = remove ? false : value),
    locale: () => (remove ? delete r.locale : (r.locale = value)),
    "name.givenname": () => ((r.name ??= {}).givenName = remove ? "" : value),
    "name.familyname": () => ((r.name ??= {}).familyName = remove ? "" : value),
    "name.formatted": () => ((r.name ??= {}).formatted = remove ? "" : value),
    [`${SCIM_ENTERPRISE}:department`.toLowerCase()]: () => (ent.department = remove ? "" : value),
    [`${SCIM_ENTERPRISE}:manager`.toLowerCase()]: () => (remove ? delete ent.manager : (ent.manager = typeof value === "string" ? { value } : value)),
    [`${SCIM_ENTERPRISE}:manager.value`.toLowerCase()]: () => (remove ? delete ent.manager : (ent.manager = { value })),
    emails: () => (r.emails = value),
    'emails[type eq "work"].value': () => (r.emails = [{ value, type: "work", primary: true }]),
  };
  const set = simple[lower];
  // in a value object, attributes Atrium does not keep (nickName, phoneNumbers…) are not stored
  if (!set && ignoreUnknown) return;
  if (!set) throw new ScimError(400, `Unsupported path ${p}.`, "invalidPath");
  if (remove && (lower === "username" || lower.startsWith("emails"))) throw new ScimError(400, `${p} is required.`, "mutability");
  set();
  // a name part changed: the display name follows unless it was set in the same request
  if (lower.startsWith("name.") && !remove) r.displayName = "";
}

export async function patchScimUser(actor: Actor, id: string, body: Json, base: string, ifMatch: string | null, db?: Db) {
  const d = db ?? (await getDb());
  const u = await findUser(d, actor.orgId, id);
  if (!u) throw new ScimError(404, `User ${id} not found.`);
  const current = userResource(u, base);
  checkVersion(current, ifMatch);
  const next: Json = structuredClone(current);
  delete next.meta;
  let nameChanged = false;
  for (const op of operations(body)) {
    if (!op.path) {
      if (op.op === "remove" || !op.value || typeof op.value !== "object" || Array.isArray(op.value)) throw new ScimError(400, "An op without a path needs an object value.", "invalidValue");
      for (const [k, v] of Object.entries(op.value as Json)) {
        if (k === "name" && v && typeof v === "object") for (const [nk, nv] of Object.entries(v as Json)) setUserPath(next, `name.${nk}`, nv, false);
        else if (k === SCIM_ENTERPRISE && v && typeof v === "object") for (const [ek, ev] of Object.entries(v as Json)) setUserPath(next, `${SCIM_ENTERPRISE}:${ek}`, ev, false);
        else if (k !== "schemas" && k !== "id" && k !== "meta") setUserPath(next, k, v, false, true);
        if (k === "name") nameChanged = true;
      }
    } else {
      setUserPath(next, op.path, op.value, op.op === "remove");
      if (op.path.toLowerCase().startsWith("name.")) nameChanged = true;
    }
  }
  if (nameChanged && !next.displayName) next.name.formatted = "";
  return replaceScimUser(actor, id, next, base, null, d);
}

/** DELETE /Users/{id}: the person is deactivated (sessions revoked, content kept) and gone from SCIM. */
export async function deleteScimUser(actor: Actor, id: string, ifMatch: string | null, base: string, db?: Db) {
  const d = db ?? (await getDb());
  const u = await findUser(d, actor.orgId, id);
  if (!u) throw new ScimError(404, `User ${id} not found.`);
  checkVersion(userResource(u, base), ifMatch);
  await runCommand(d, async (c) => {
    await c.tx.update(users).set({ status: "deleted", deactivatedAt: u.deactivatedAt ?? now() }).where(eq(users.id, id));
    await revokeAllSessions(id, c.tx);
    if (u.status === "active") await c.emit({ orgId: actor.orgId, topic: "user.deactivated", subjectId: id });
    await c.audit({ ...actor, action: "scim.user.delete", targetKind: "user", targetId: id, data: { via: "scim" } });
  });
}

// ---------- groups = departments ----------

export const groupId = (department: string) => Buffer.from(department, "utf8").toString("base64url");

function departmentOf(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) throw new ScimError(404, "Group not found.");
  return Buffer.from(id, "base64url").toString("utf8");
}

async function groupResource(db: Db, orgId: string, department: string, base: string): Promise<Json | null> {
  const members = await db
    .select({ id: users.id, name: users.name, createdAt: users.createdAt })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.department, department), ne(users.status, "deleted")))
    .orderBy(users.name, users.id);
  if (!department || members.length === 0) return null;
  const id = groupId(department);
  const created = new Date(Math.min(...members.map((m) => m.createdAt.getTime())));
  const r = { schemas: [SCIM_GROUP], id, displayName: department, members: members.map((m) => ({ value: m.id, display: m.name, $ref: `${base}/Users/${m.id}` })) };
  return withMeta(r, "Group", id, created, base);
}

export async function getScimGroup(orgId: string, id: string, base: string, db?: Db) {
  const d = db ?? (await getDb());
  if ((await scimGroupTarget(d, orgId)) === "space") return getSpaceGroup(d, orgId, id, base);
  const g = await groupResource(d, orgId, departmentOf(id), base);
  if (!g) throw new ScimError(404, "Group not found.");
  return g;
}

export async function listScimGroups(orgId: string, params: URLSearchParams, base: string, db?: Db) {
  const d = db ?? (await getDb());
  const f = parsed(params.get("filter"));
  const { startIndex, count } = paging(params);
  if ((await scimGroupTarget(d, orgId)) === "space") return listSpaceGroups(d, orgId, f, params, startIndex, count, base);
  const rows = await d
    .selectDistinct({ department: users.department })
    .from(users)
    .where(and(eq(users.orgId, orgId), ne(users.department, ""), ne(users.status, "deleted")))
    .orderBy(users.department);
  let groups = (await Promise.all(rows.map((r) => groupResource(d, orgId, r.department, base)))).filter((g): g is Json => g !== null);
  if (f) {
    try {
      groups = groups.filter(scimFilter(f));
    } catch {
      throw new ScimError(400, "The filter cannot be applied.", "invalidFilter");
    }
  }
  if (params.get("excludedAttributes") === "members") groups = groups.map(({ members: _m, ...g }) => g);
  return listResponse(groups, startIndex, count);
}

async function memberIds(db: Db, orgId: string, raw: unknown): Promise<string[]> {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ScimError(400, "members must be a list.", "invalidValue");
  const ids = raw.map((m) => str((m as Json)?.value, "members.value", 64)).filter((v): v is string => !!v);
  for (const id of ids) if (!(await findUser(db, orgId, id))) throw new ScimError(400, `members: unknown user ${id}.`, "invalidValue");
  return [...new Set(ids)];
}

async function setDepartment(c: Command, actor: Actor, ids: string[], department: string) {
  for (const id of ids) {
    const changed = await c.tx
      .update(users)
      .set({ department })
      .where(and(eq(users.id, id), eq(users.orgId, actor.orgId), ne(users.department, department)))
      .returning({ id: users.id });
    if (changed.length) await c.emit({ orgId: actor.orgId, topic: "user.updated", subjectId: id });
  }
  if (ids.length) await c.audit({ ...actor, action: "scim.group.members", targetKind: "department", targetId: department || "(none)", data: { users: ids } });
}

/** POST /Groups: a department with its members (their department becomes its name). */
export async function createScimGroup(actor: Actor, body: Json, base: string, db?: Db) {
  const d = db ?? (await getDb());
  const name = str(body?.displayName, "displayName", 120);
  if (!name) throw new ScimError(400, "displayName is required.", "invalidValue");
  if ((await scimGroupTarget(d, actor.orgId)) === "space") return createSpaceGroup(d, actor, name, body, base);
  if (await groupResource(d, actor.orgId, name, base)) throw new ScimError(409, "A group with this displayName exists.", "uniqueness");
  const ids = await memberIds(d, actor.orgId, body.members);
  if (ids.length === 0) throw new ScimError(400, "A department exists through its members: give at least one.", "invalidValue");
  await runCommand(d, (c) => setDepartment(c, actor, ids, name));
  return getScimGroup(actor.orgId, groupId(name), base, d);
}

export async function patchScimGroup(actor: Actor, id: string, body: Json, base: string, ifMatch: string | null, db?: Db) {
  const d = db ?? (await getDb());
  if ((await scimGroupTarget(d, actor.orgId)) === "space") return patchSpaceGroup(d, actor, id, body, base, ifMatch);
  let department = departmentOf(id);
  const current = await groupResource(d, actor.orgId, department, base);
  if (!current) throw new ScimError(404, "Group not found.");
  checkVersion(current, ifMatch);
  const ops = operations(body);
  await runCommand(d, async (c) => {
    for (const op of ops) {
      const path = (op.path ?? "").trim();
      const memberFilter = /^members\[value eq "([^"]{1,64})"\]$/i.exec(path);
      if (op.op === "add" && (path.toLowerCase() === "members" || (!path && (op.value as Json)?.members))) {
        const raw = path ? op.value : (op.value as Json).members;
        await setDepartment(c, actor, await memberIds(d, actor.orgId, raw), department);
      } else if (op.op === "remove" && memberFilter) {
        await setDepartment(c, actor, [memberFilter[1]].filter((m) => current.members.some((x: Json) => x.value === m)), "");
      } else if (op.op === "remove" && path.toLowerCase() === "members") {
        const raw = op.value === undefined ? current.members : op.value;
        const ids = (await memberIds(d, actor.orgId, raw)).filter((m) => current.members.some((x: Json) => x.value === m));
        await setDepartment(c, actor, ids, "");
      } else if (op.op === "replace" && path.toLowerCase() === "members") {
        const ids = await memberIds(d, actor.orgId, op.value);
        await setDepartment(c, actor, current.members.map((m: Json) => m.value as string).filter((m: string) => !ids.includes(m)), "");
        await setDepartment(c, actor, ids, department);
      } else if (op.op === "replace" && (path.toLowerCase() === "displayname" || (!path && typeof (op.value as Json)?.displayName === "string"))) {
        const name = str(path ? op.value : (op.value as Json).displayName, "displayName", 120);
        if (!name) throw new ScimError(400, "displayName is required.", "invalidValue");
        const moved = await c.tx
          .update(users)
          .set({ department: name })
          .where(and(eq(users.orgId, actor.orgId), eq(users.department, department)))
          .returning({ id: users.id });
        for (const m of moved) await c.emit({ orgId: actor.orgId, topic: "user.updated", subjectId: m.id });
        await c.audit({ ...actor, action: "scim.group.rename", targetKind: "department", targetId: department, data: { to: name } });
        department = name;
      } else {
        throw new ScimError(400, `Unsupported operation ${op.op} ${path}.`, "invalidPath");
      }
    }
  });
  const after = await groupResource(d, actor.orgId, department, base);
  return after;
}

/** DELETE /Groups/{id}: the department is cleared from its members (the people stay). */
export async function deleteScimGroup(actor: Actor, id: string, base: string, db?: Db) {
  const d = db ?? (await getDb());
  if ((await scimGroupTarget(d, actor.orgId)) === "space") return deleteSpaceGroup(d, actor, id, base);
  const g = await groupResource(d, actor.orgId, departmentOf(id), base);
  if (!g) throw new ScimError(404, "Group not found.");
  await runCommand(d, (c) => setDepartment(c, actor, g.members.map((m: Json) => m.value as string), ""));
}

// ---------- groups = spaces (the admin's choice) ----------

// A group is an existing space of the same name (the identity provider cannot create spaces: their
// visibility and barriers are decided in Atrium); its members are the space's plain members, so space
// admins are never removed by the directory. Each change is a membership command (event + audit).

async function spaceGroupResource(db: Db, orgId: string, spaceId: string, base: string): Promise<Json | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(spaceId)) return null;
  const [space] = await db.select().from(spaces).where(and(eq(spaces.id, spaceId), eq(spaces.orgId, orgId)));
  if (!space) return null;
  const members = await db
    .select({ id: users.id, name: users.name })
    .from(spaceMembers)
    .innerJoin(users, eq(users.id, spaceMembers.userId))
    .where(and(eq(spaceMembers.spaceId, space.id), eq(spaceMembers.role, "member"), ne(users.status, "deleted")))
    .orderBy(users.name, users.id);
  const r = { schemas: [SCIM_GROUP], id: space.id, displayName: space.name, members: members.map((m) => ({ value: m.id, display: m.name, $ref: `${base}/Users/${m.id}` })) };
  return withMeta(r, "Group", space.id, space.createdAt, base);
}

async function getSpaceGroup(db: Db, orgId: string, id: string, base: string) {
  const g = await spaceGroupResource(db, orgId, id, base);
  if (!g) throw new ScimError(404, "Group not found.");
  return g;
}

async function listSpaceGroups(db: Db, orgId: string, f: Filter | null, params: URLSearchParams, startIndex: number, count: number, base: string) {
  const rows = await db.select({ id: spaces.id }).from(spaces).where(eq(spaces.orgId, orgId)).orderBy(spaces.name, spaces.id);
  let groups = (await Promise.all(rows.map((r) => spaceGroupResource(db, orgId, r.id, base)))).filter((g): g is Json => g !== null);
  if (f) {
    try {
      groups = groups.filter(scimFilter(f));
    } catch {
      throw new ScimError(400, "The filter cannot be applied.", "invalidFilter");
    }
  }
  if (params.get("excludedAttributes") === "members") groups = groups.map(({ members: _m, ...g }) => g);
  return listResponse(groups, startIndex, count);
}

async function setSpaceMembers(c: Command, actor: Actor, spaceId: string, ids: string[], member: boolean) {
  for (const id of ids) await provisionMembership(c, actor.orgId, spaceId, id, member, actor.actorId);
}

/** POST /Groups: the space of that name, its members added (the space must exist in Atrium). */
async function createSpaceGroup(db: Db, actor: Actor, name: string, body: Json, base: string) {
  const [space] = await db.select({ id: spaces.id }).from(spaces).where(and(eq(spaces.orgId, actor.orgId), sql`lower(${spaces.name}) = ${name.toLowerCase()}`));
  if (!space) throw new ScimError(400, `No space is named ${name}: groups map to spaces, create the space in Atrium first.`, "invalidValue");
  const ids = await memberIds(db, actor.orgId, body.members);
  await runCommand(db, (c) => setSpaceMembers(c, actor, space.id, ids, true));
  return getSpaceGroup(db, actor.orgId, space.id, base);
}

async function patchSpaceGroup(db: Db, actor: Actor, id: string, body: Json, base: string, ifMatch: string | null) {
  const current = await getSpaceGroup(db, actor.orgId, id, base);
  checkVersion(current, ifMatch);
  const ops = operations(body);
  const present = (m: string) => current.members.some((x: Json) => x.value === m);
  await runCommand(db, async (c) => {
    for (const op of ops) {
      const path = (op.path ?? "").trim();
      const memberFilter = /^members\[value eq "([^"]{1,64})"\]$/i.exec(path);
      if (op.op === "add" && (path.toLowerCase() === "members" || (!path && (op.value as Json)?.members))) {
        await setSpaceMembers(c, actor, id, await memberIds(db, actor.orgId, path ? op.value : (op.value as Json).members), true);
      } else if (op.op === "remove" && memberFilter) {
        await setSpaceMembers(c, actor, id, [memberFilter[1]].filter(present), false);
      } else if (op.op === "remove" && path.toLowerCase() === "members") {
        const ids = op.value === undefined ? current.members.map((m: Json) => m.value as string) : (await memberIds(db, actor.orgId, op.value)).filter(present);
        await setSpaceMembers(c, actor, id, ids, false);
      } else if (op.op === "replace" && path.toLowerCase() === "members") {
        const ids = await memberIds(db, actor.orgId, op.value);
        await setSpaceMembers(c, actor, id, current.members.map((m: Json) => m.value as string).filter((m: string) => !ids.includes(m)), false);
        await setSpaceMembers(c, actor, id, ids, true);
      } else if (op.op === "replace" && (path.toLowerCase() === "displayname" || (!path && (op.value as Json)?.displayName !== undefined))) {
        const name = str(path ? op.value : (op.value as Json).displayName, "displayName", 120);
        // a space is renamed in Atrium, not by the directory; the same name is accepted (Entra ID resends it)
        if (name !== current.displayName) throw new ScimError(400, "A space's name is changed in Atrium, not through SCIM.", "mutability");
      } else {
        throw new ScimError(400, `Unsupported operation ${op.op} ${path}.`, "invalidPath");
      }
    }
  });
  return getSpaceGroup(db, actor.orgId, id, base);
}

/** DELETE /Groups/{id}: the group's members leave the space; the space, its admins and its content stay. */
async function deleteSpaceGroup(db: Db, actor: Actor, id: string, base: string) {
  const g = await getSpaceGroup(db, actor.orgId, id, base);
  await runCommand(db, (c) => setSpaceMembers(c, actor, id, g.members.map((m: Json) => m.value as string), false));
}

// ---------- discovery (RFC 7644 §4) ----------

export function serviceProviderConfig(base: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    documentationUri: "/api/docs",
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [{ type: "oauthbearertoken", name: "Bearer token", description: "A SCIM token from the Integrations admin page.", primary: true }],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypes(base: string) {
  const list = [
    { schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], id: "User", name: "User", endpoint: "/Users", schema: SCIM_USER, schemaExtensions: [{ schema: SCIM_ENTERPRISE, required: false }], meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` } },
    { schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], id: "Group", name: "Group", endpoint: "/Groups", description: "A department", schema: SCIM_GROUP, meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` } },
  ];
  return { schemas: [SCIM_LIST], totalResults: list.length, startIndex: 1, itemsPerPage: list.length, Resources: list };
}

const attr = (name: string, type: string, extra: Json = {}) => ({ name, type, multiValued: false, required: false, caseExact: false, mutability: "readWrite", returned: "default", uniqueness: "none", ...extra });

export function schemas(base: string) {
  const list = [
    {
      id: SCIM_USER,
      name: "User",
      attributes: [
        attr("userName", "string", { required: true, uniqueness: "server" }),
        attr("externalId", "string", { caseExact: true }),
        attr("name", "complex", { subAttributes: [attr("formatted", "string"), attr("givenName", "string"), attr("familyName", "string")] }),
        attr("displayName", "string"),
        attr("title", "string"),
        attr("locale", "string"),
        attr("active", "boolean"),
        attr("emails", "complex", { multiValued: true, subAttributes: [attr("value", "string"), attr("type", "string"), attr("primary", "boolean")] }),
      ],
    },
    { id: SCIM_ENTERPRISE, name: "EnterpriseUser", attributes: [attr("department", "string"), attr("manager", "complex", { subAttributes: [attr("value", "string")] })] },
    { id: SCIM_GROUP, name: "Group", attributes: [attr("displayName", "string", { required: true }), attr("members", "complex", { multiValued: true, subAttributes: [attr("value", "string"), attr("display", "string")] })] },
  ].map((s) => ({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"], ...s, meta: { resourceType: "Schema", location: `${base}/Schemas/${s.id}` } }));
  return { schemas: [SCIM_LIST], totalResults: list.length, startIndex: 1, itemsPerPage: list.length, Resources: list };
}
