import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAnswer, listChildren } from "~/integrations/api.server";
import { idOf, jsonOk, readJsonBody, readQuery, requirePost, withToken } from "~/integrations/api-http.server";
import { NewAnswer, PageQuery } from "~/integrations/api-schemas.server";

// GET /api/v1/questions/{id}/answers, POST /api/v1/questions/{id}/answers
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await listChildren(principal.viewer, idOf(params), "question", readQuery(request, PageQuery))));

export const action = ({ request, params }: ActionFunctionArgs) =>
  withToken(request, "write", async ({ principal }) => {
    requirePost(request);
    const id = idOf(params);
    return jsonOk(await apiAnswer(principal.viewer, id, await readJsonBody(request, NewAnswer)), 201);
  });
