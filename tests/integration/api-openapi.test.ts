import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../app/integrations/api-openapi.server";
import * as openapiRoute from "../../app/routes/api.v1.openapi[.]json";

// Every route file under app/routes/api.v1.* is in the OpenAPI document with its methods, and
// every path of the document has its route file: the document cannot drift from the routes.

const ROUTES = path.resolve(__dirname, "../../app/routes");

/** "api.v1.posts.$id.comments.ts" → "/api/v1/posts/{id}/comments"; "[.]" escapes a dot. */
function pathOf(file: string): string {
  const segments = file.replace(/\.tsx?$/, "").replace(/\[\.\]/g, "\u0000").split(".");
  return "/" + segments.map((s) => (s.startsWith("$") ? `{${s.slice(1)}}` : s.replace(/\u0000/g, "."))).join("/");
}

describe("the OpenAPI document", () => {
  it("lists exactly the API's route files, with a GET for each loader and a POST for each action", async () => {
    const doc = openApiDocument() as unknown as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const files = readdirSync(ROUTES).filter((f) => f.startsWith("api.v1."));
    expect(files.length).toBeGreaterThan(10);
    const fromFiles = new Map<string, string[]>();
    for (const f of files) {
      const mod = (await import(path.join(ROUTES, f))) as Record<string, unknown>;
      const methods = [...(mod.loader ? ["get"] : []), ...(mod.action ? ["post"] : [])];
      fromFiles.set(pathOf(f), methods);
    }
    const fromDoc = new Map(Object.entries(doc.paths).map(([p, ops]) => [p, Object.keys(ops).sort()]));
    expect([...fromDoc.keys()].sort()).toEqual([...fromFiles.keys()].sort());
    for (const [p, methods] of fromFiles) expect([p, fromDoc.get(p)]).toEqual([p, methods.sort()]);
  });

  it("describes each operation's parameters, body, security and problem responses from the zod schemas", () => {
    const doc = openApiDocument() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const list = doc.paths["/api/v1/posts"].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["cursor", "limit", "space"]);
    expect(list.security).toEqual([{ bearer: ["read"] }]);
    expect(Object.keys(list.responses).sort()).toEqual(["200", "400", "401", "403", "404", "429"]);
    expect(list.responses["404"].content["application/problem+json"]).toBeTruthy();
    const create = doc.paths["/api/v1/posts"].post;
    expect(create.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/NewPost");
    expect(doc.components.schemas.ContentItem.properties.kind.enum).toEqual(["post", "comment", "question", "answer"]);
    expect(doc.paths["/api/v1/posts/{id}"].get.parameters[0]).toMatchObject({ name: "id", in: "path", required: true });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("is served at /api/v1/openapi.json", async () => {
    const res = (await openapiRoute.loader()) as Response;
    expect(res.status).toBe(200);
    expect((await res.json()).info.title).toBe("Atrium API");
  });
});
