import { randomUUID } from "node:crypto";

/** Every row id is a random UUID, lower-case as `randomUUID` writes it. */
export const newId = () => randomUUID();

const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True when `raw` has the shape `newId` produces; nothing else can be one of our ids. */
export function isId(raw: unknown): raw is string {
  return typeof raw === "string" && ID_RE.test(raw);
}
