import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiMe } from "~/integrations/api.server";
import { jsonOk, withToken } from "~/integrations/api-http.server";

// GET /api/v1/me: who the token acts as.
export const loader = ({ request }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await apiMe(principal)));
