import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import {
  ContentItem,
  ContentListQuery,
  ContentPage,
  IdParams,
  Me,
  NewAnswer,
  NewComment,
  NewPost,
  NewQuestion,
  PageQuery,
  PeopleQuery,
  Person,
  PersonPage,
  ProblemDetails,
  SearchQuery,
  Space,
  SpacePage,
} from "./api-schemas.server";

// The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes parse with.
// tests/integration/api-openapi.test.ts holds it equal to the route files in app/routes/api.v1.*.

type Scope = "read" | "write";
type Endpoint = {
  method: "get" | "post";
  path: string;
  summary: string;
  scope: Scope | null;
  params?: boolean;
  query?: z.AnyZodObject;
  body?: z.ZodTypeAny;
  response: z.ZodTypeAny;
  status?: 200 | 201;
};

export const ENDPOINTS: Endpoint[] = [
  { method: "get", path: "/api/v1/me", summary: "The token's owner and scopes", scope: "read", response: Me },
  { method: "get", path: "/api/v1/posts", summary: "Posts the token's owner may read, newest first", scope: "read", query: ContentListQuery, response: ContentPage },
  { method: "post", path: "/api/v1/posts", summary: "Publish a post", scope: "write", body: NewPost, response: ContentItem, status: 201 },
  { method: "get", path: "/api/v1/posts/{id}", summary: "One post", scope: "read", params: true, response: ContentItem },
  { method: "get", path: "/api/v1/posts/{id}/comments", summary: "The comments of a post's thread, newest first", scope: "read", params: true, query: PageQuery, response: ContentPage },
  { method: "post", path: "/api/v1/posts/{id}/comments", summary: "Comment on a post", scope: "write", params: true, body: NewComment, response: ContentItem, status: 201 },
  { method: "get", path: "/api/v1/comments/{id}", summary: "One comment", scope: "read", params: true, response: ContentItem },
  { method: "get", path: "/api/v1/questions", summary: "Questions, newest first", scope: "read", query: ContentListQuery, response: ContentPage },
  { method: "post", path: "/api/v1/questions", summary: "Ask a question", scope: "write", body: NewQuestion, response: ContentItem, status: 201 },
  { method: "get", path: "/api/v1/questions/{id}", summary: "One question", scope: "read", params: true, response: ContentItem },
  { method: "get", path: "/api/v1/questions/{id}/answers", summary: "The answers to a question, newest first", scope: "read", params: true, query: PageQuery, response: ContentPage },
  { method: "post", path: "/api/v1/questions/{id}/answers", summary: "Answer a question", scope: "write", params: true, body: NewAnswer, response: ContentItem, status: 201 },
  { method: "get", path: "/api/v1/answers/{id}", summary: "One answer", scope: "read", params: true, response: ContentItem },
  { method: "get", path: "/api/v1/spaces", summary: "Spaces in the directory, by name", scope: "read", query: PageQuery, response: SpacePage },
  { method: "get", path: "/api/v1/spaces/{id}", summary: "One space", scope: "read", params: true, response: Space },
  { method: "get", path: "/api/v1/people", summary: "People, by name", scope: "read", query: PeopleQuery, response: PersonPage },
  { method: "get", path: "/api/v1/people/{id}", summary: "One person", scope: "read", params: true, response: Person },
  { method: "get", path: "/api/v1/search", summary: "Search posts, comments, questions and answers", scope: "read", query: SearchQuery, response: ContentPage },
  { method: "get", path: "/api/v1/openapi.json", summary: "This document", scope: null, response: z.record(z.unknown()).openapi({ description: "An OpenAPI 3.1 document." }) },
];

const problemResponse = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemDetails } } });

let cached: ReturnType<OpenApiGeneratorV31["generateDocument"]> | null = null;

/** The document, built once per process. */
export function openApiDocument() {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A token created on the Integrations admin page: `Authorization: Bearer atr_…`.",
  });
  for (const e of ENDPOINTS) {
    const config: RouteConfig = {
      method: e.method,
      path: e.path,
      summary: e.summary,
      security: e.scope ? [{ [bearer.name]: [e.scope] }] : [],
      request: {
        ...(e.params ? { params: IdParams } : {}),
        ...(e.query ? { query: e.query } : {}),
        ...(e.body ? { body: { required: true, content: { "application/json": { schema: e.body } } } } : {}),
      },
      responses: {
        [e.status ?? 200]: { description: "OK", content: { "application/json": { schema: e.response } } },
        ...(e.scope
          ? {
              400: problemResponse("Bad input (RFC 9457 problem details)"),
              401: problemResponse("No valid bearer token"),
              403: problemResponse(`The token lacks the "${e.scope}" scope, or its owner may not do this`),
              404: problemResponse("Unknown, or hidden from the token's owner"),
              429: problemResponse("Rate limit exceeded (see Retry-After)"),
            }
          : {}),
      },
    };
    registry.registerPath(config);
  }
  const generator = new OpenApiGeneratorV31(registry.definitions);
  cached = generator.generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Atrium API",
      version: "1.0.0",
      description:
        "Every call acts as the token's owner and sees exactly what they may see in the app. Lists are cursor-paginated (`nextCursor`). " +
        "Each response carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; errors are RFC 9457 problem details.",
    },
    servers: [{ url: "/" }],
  });
  return cached;
}

type Operation = { method: string; path: string; summary: string; scope: string | null; query: string[]; body: string | null; response: string };

/** The operations as the reference page lists them, read back from the generated document. */
export function apiReference(): Operation[] {
  const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, OperationObject>> };
  const refName = (schema: { $ref?: string } | undefined) => schema?.$ref?.split("/").at(-1) ?? null;
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const ok = op.responses["200"] ?? op.responses["201"];
      out.push({
        method,
        path,
        summary: op.summary ?? "",
        scope: op.security?.[0]?.bearer?.[0] ?? null,
        query: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => (p.required ? `${p.name}*` : p.name)),
        body: refName(op.requestBody?.content?.["application/json"]?.schema),
        response: `${op.responses["201"] ? 201 : 200} ${refName(ok?.content?.["application/json"]?.schema) ?? "JSON"}`,
      });
    }
  }
  return out;
}

type OperationObject = {
  summary?: string;
  security?: { bearer?: string[] }[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> } | undefined>;
};
