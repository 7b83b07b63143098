import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { deleteScimUser, getScimUser, patchScimUser, replaceScimUser, ScimError } from "~/integrations/scim.server";
import { notModified, scimBase, scimBody, scimJson, withScim } from "~/integrations/scim-http.server";

// GET, PUT, PATCH, DELETE /scim/v2/Users/{id}; If-Match / If-None-Match against the ETag.
const idOf = (params: Record<string, string | undefined>) => {
  const id = params.id ?? "";
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new ScimError(404, "User not found.");
  return id;
};

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  withScim(request, async ({ orgId }) => {
    const user = await getScimUser(orgId, idOf(params), scimBase());
    return notModified(request, user) ? new Response(null, { status: 304, headers: { ETag: user.meta.version } }) : scimJson(user);
  });

export const action = ({ request, params }: ActionFunctionArgs) =>
  withScim(request, async (actor) => {
    const id = idOf(params);
    const ifMatch = request.headers.get("If-Match");
    switch (request.method) {
      case "PUT":
        return scimJson(await replaceScimUser(actor, id, await scimBody(request), scimBase(), ifMatch));
      case "PATCH":
        return scimJson(await patchScimUser(actor, id, await scimBody(request), scimBase(), ifMatch));
      case "DELETE":
        await deleteScimUser(actor, id, ifMatch, scimBase());
        return new Response(null, { status: 204 });
      default:
        throw new ScimError(405, "Use GET, PUT, PATCH or DELETE.");
    }
  });
