import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiListSpaces } from "~/integrations/api.server";
import { jsonOk, readQuery, withToken } from "~/integrations/api-http.server";
import { PageQuery } from "~/integrations/api-schemas.server";

// GET /api/v1/spaces
export const loader = ({ request }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await apiListSpaces(principal.viewer, readQuery(request, PageQuery))));
