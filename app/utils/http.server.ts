/** What the viewer may not see does not exist for them: always 404, never 403. */
export function notFound(): never {
  throw new Response("Not found", { status: 404, statusText: "Not Found" });
}

export function forbidden(): never {
  throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

export function invariantFound<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) notFound();
  return value;
}
