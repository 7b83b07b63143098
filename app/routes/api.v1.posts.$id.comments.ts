import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiCreateComment, listChildren } from "~/integrations/api.server";
import { idOf, jsonOk, readJsonBody, readQuery, requirePost, withToken } from "~/integrations/api-http.server";
import { NewComment, PageQuery } from "~/integrations/api-schemas.server";

// GET /api/v1/posts/{id}/comments, POST /api/v1/posts/{id}/comments
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await listChildren(principal.viewer, idOf(params), "post", readQuery(request, PageQuery))));

export const action = ({ request, params }: ActionFunctionArgs) =>
  withToken(request, "write", async ({ principal }) => {
    requirePost(request);
    const id = idOf(params);
    return jsonOk(await apiCreateComment(principal.viewer, id, await readJsonBody(request, NewComment)), 201);
  });
