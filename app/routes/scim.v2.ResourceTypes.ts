import type { LoaderFunctionArgs } from "@remix-run/node";
import { resourceTypes } from "~/integrations/scim.server";
import { scimBase, scimJson, withScim } from "~/integrations/scim-http.server";

// GET /scim/v2/ResourceTypes (RFC 7644 §4)
export const loader = ({ request }: LoaderFunctionArgs) => withScim(request, async () => scimJson(resourceTypes(scimBase())));
