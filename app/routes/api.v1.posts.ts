import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiCreatePost, listRoots } from "~/integrations/api.server";
import { jsonOk, readJsonBody, readQuery, requirePost, withToken } from "~/integrations/api-http.server";
import { ContentListQuery, NewPost } from "~/integrations/api-schemas.server";

// GET /api/v1/posts, POST /api/v1/posts
export const loader = ({ request }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await listRoots(principal.viewer, "post", readQuery(request, ContentListQuery))));

export const action = ({ request }: ActionFunctionArgs) =>
  withToken(request, "write", async ({ principal }) => {
    requirePost(request);
    return jsonOk(await apiCreatePost(principal.viewer, await readJsonBody(request, NewPost)), 201);
  });
