import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiSearch } from "~/integrations/api.server";
import { jsonOk, readQuery, withToken } from "~/integrations/api-http.server";
import { SearchQuery } from "~/integrations/api-schemas.server";

// GET /api/v1/search?q=
export const loader = ({ request }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await apiSearch(principal.viewer, readQuery(request, SearchQuery))));
