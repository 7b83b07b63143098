import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createScimGroup, listScimGroups, ScimError } from "~/integrations/scim.server";
import { scimBase, scimBody, scimJson, withScim } from "~/integrations/scim-http.server";

// GET /scim/v2/Groups, POST /scim/v2/Groups (groups are departments)
export const loader = ({ request }: LoaderFunctionArgs) =>
  withScim(request, async ({ orgId }) => scimJson(await listScimGroups(orgId, new URL(request.url).searchParams, scimBase())));

export const action = ({ request }: ActionFunctionArgs) =>
  withScim(request, async (actor) => {
    if (request.method !== "POST") throw new ScimError(405, "Use POST to create a group.");
    const group = await createScimGroup(actor, await scimBody(request), scimBase());
    return scimJson(group, 201, { Location: group.meta.location });
  });
