import type { LoaderFunctionArgs } from "@remix-run/node";
import { getItem } from "~/integrations/api.server";
import { idOf, jsonOk, withToken } from "~/integrations/api-http.server";

// GET /api/v1/answers/{id}
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await getItem(principal.viewer, idOf(params), "answer")));
