import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createScimUser, listScimUsers, ScimError } from "~/integrations/scim.server";
import { scimBase, scimBody, scimJson, withScim } from "~/integrations/scim-http.server";

// GET /scim/v2/Users?filter=&startIndex=&count=, POST /scim/v2/Users
export const loader = ({ request }: LoaderFunctionArgs) =>
  withScim(request, async ({ orgId }) => scimJson(await listScimUsers(orgId, new URL(request.url).searchParams, scimBase())));

export const action = ({ request }: ActionFunctionArgs) =>
  withScim(request, async (actor) => {
    if (request.method !== "POST") throw new ScimError(405, "Use POST to create a user.");
    const user = await createScimUser(actor, await scimBody(request), scimBase());
    return scimJson(user, 201, { Location: user.meta.location });
  });
