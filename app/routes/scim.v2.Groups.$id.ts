import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { deleteScimGroup, getScimGroup, patchScimGroup, ScimError } from "~/integrations/scim.server";
import { notModified, scimBase, scimBody, scimJson, withScim } from "~/integrations/scim-http.server";

// GET, PATCH, DELETE /scim/v2/Groups/{id}
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withScim(request, async ({ orgId }) => {
    const group = await getScimGroup(orgId, params.id ?? "", scimBase());
    return notModified(request, group) ? new Response(null, { status: 304, headers: { ETag: group.meta.version } }) : scimJson(group);
  });

export const action = ({ request, params }: ActionFunctionArgs) =>
  withScim(request, async (actor) => {
    const id = params.id ?? "";
    switch (request.method) {
      case "PATCH": {
        const group = await patchScimGroup(actor, id, await scimBody(request), scimBase(), request.headers.get("If-Match"));
        // every member removed: the department no longer exists
        return group ? scimJson(group) : new Response(null, { status: 204 });
      }
      case "DELETE":
        await deleteScimGroup(actor, id, scimBase());
        return new Response(null, { status: 204 });
      default:
        throw new ScimError(405, "Use GET, PATCH or DELETE (PUT is not supported for groups).");
    }
  });
