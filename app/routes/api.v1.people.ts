import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiListPeople } from "~/integrations/api.server";
import { jsonOk, readQuery, withToken } from "~/integrations/api-http.server";
import { PeopleQuery } from "~/integrations/api-schemas.server";

// GET /api/v1/people
export const loader = ({ request }: LoaderFunctionArgs) =>
  withToken(request, "read", async ({ principal }) => jsonOk(await apiListPeople(principal.viewer, readQuery(request, PeopleQuery))));
