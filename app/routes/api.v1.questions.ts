import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAskQuestion, listRoots } from "~/integrations/api.server";
import { jsonOk, readJsonBody, readQuery, requirePost, withToken } from "~/integrations/api-http.server";
import { ContentListQuery, NewQuestion } from "~/integrations/api-schemas.server";

// GET /api/v1/questions, POST /api/v1/questions
export const loader = ({ request }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await listRoots(principal.viewer, "question", readQuery(request, ContentListQuery))));

export const action = ({ request }: ActionFunctionArgs) =>
  withToken(request, "write", async ({ principal }) => {
    requirePost(request);
    return jsonOk(await apiAskQuestion(principal.viewer, await readJsonBody(request, NewQuestion)), 201);
  });
