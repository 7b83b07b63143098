import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

// The zod schemas of /api/v1: the routes parse with them and the OpenAPI document
// (api-openapi.server.ts) is generated from them, so the two cannot drift apart.

extendZodWithOpenApi(z);

const id = z.string().min(1).max(64).openapi({ example: "0f8fad5b-d9cb-469f-a165-70867728950e" });

export const IdParams = z.object({ id });

export const PageQuery = z
  .object({
    cursor: z.string().max(200).optional().openapi({ description: "The `nextCursor` of the previous page." }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const ContentListQuery = PageQuery.extend({
  space: id.optional().openapi({ description: "Only items in this space (by id)." }),
}).strict();

export const SearchQuery = z
  .object({
    q: z.string().trim().min(1).max(200),
    kind: z.enum(["post", "comment", "question", "answer"]).optional(),
    cursor: z.string().max(12).optional().openapi({ description: "The `nextCursor` of the previous page (20 hits a page)." }),
  })
  .strict();

export const PeopleQuery = PageQuery.extend({
  q: z.string().trim().max(200).optional().openapi({ description: "Part of a name or email." }),
}).strict();

/** A Tiptap document (validated against the editor schema on write), or plain text (one paragraph per line). */
const RichText = z
  .object({
    text: z.string().min(1).max(20_000).optional().openapi({ description: "Plain text; one paragraph per line." }),
    body: z.record(z.unknown()).optional().openapi({ description: "A Tiptap (ProseMirror) JSON document." }),
  })
  .strict();

const oneBody = <T extends { text?: string; body?: Record<string, unknown> }>(v: T) => (v.text === undefined) !== (v.body === undefined);
const oneBodyMessage = { message: "Give exactly one of `text` or `body`.", path: ["text"] };

export const NewPost = RichText.extend({ spaceId: id.nullable().optional().openapi({ description: "Omit or null: the org-wide feed." }) })
  .strict()
  .refine(oneBody, oneBodyMessage)
  .openapi("NewPost");

export const NewComment = RichText.refine(oneBody, oneBodyMessage).openapi("NewComment");

export const NewQuestion = RichText.extend({
  title: z.string().min(1).max(200),
  tags: z.array(z.string().max(60)).max(5).default([]).openapi({ example: ["#kyc"] }),
  spaceId: id.nullable().optional(),
})
  .strict()
  .refine(oneBody, oneBodyMessage)
  .openapi("NewQuestion");

export const NewAnswer = RichText.refine(oneBody, oneBodyMessage).openapi("NewAnswer");

export const Person = z
  .object({ id, name: z.string(), title: z.string(), department: z.string(), region: z.string() })
  .openapi("Person");

export const ContentItem = z
  .object({
    id,
    kind: z.enum(["post", "comment", "question", "answer"]),
    title: z.string(),
    text: z.string(),
    html: z.string().openapi({ description: "Sanitised HTML." }),
    parentId: id.nullable(),
    space: z.object({ id, name: z.string(), slug: z.string() }).nullable(),
    author: z.object({ id, name: z.string() }),
    createdAt: z.string().datetime(),
    edited: z.boolean(),
    commentCount: z.number().int(),
    reactions: z.record(z.number().int()),
    url: z.string(),
  })
  .openapi("ContentItem");

export const Space = z
  .object({
    id,
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    visibility: z.enum(["open", "private", "secret"]),
    joinPolicy: z.enum(["open", "request", "invite"]),
    member: z.boolean(),
    canRead: z.boolean(),
    canPost: z.boolean(),
  })
  .openapi("Space");

export const Me = z
  .object({ id, name: z.string(), email: z.string(), orgId: id, token: z.object({ kind: z.string(), scopes: z.array(z.string()) }) })
  .openapi("Me");

const page = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const ContentPage = page(ContentItem, "ContentPage");
export const SpacePage = page(Space, "SpacePage");
export const PersonPage = page(Person, "PersonPage");

export const ProblemDetails = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");
