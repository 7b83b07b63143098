import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiGetSpace } from "~/integrations/api.server";
import { idOf, jsonOk, withToken } from "~/integrations/api-http.server";

// GET /api/v1/spaces/{id}
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await apiGetSpace(principal.viewer, idOf(params))));
