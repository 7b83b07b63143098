import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiGetPerson } from "~/integrations/api.server";
import { idOf, jsonOk, withToken } from "~/integrations/api-http.server";

// GET /api/v1/people/{id}
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await apiGetPerson(principal.viewer, idOf(params))));
