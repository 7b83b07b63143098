import { createOrg, createUser, type NewUser } from "../app/identity/accounts.server";
import type { OrgRole } from "../app/identity/roles";

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
