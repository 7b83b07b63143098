import type { LoaderFunctionArgs } from "@remix-run/node";
import { serviceProviderConfig } from "~/integrations/scim.server";
import { scimBase, scimJson, withScim } from "~/integrations/scim-http.server";

// GET /scim/v2/ServiceProviderConfig (RFC 7644 §4)
export const loader = ({ request }: LoaderFunctionArgs) => withScim(request, async () => scimJson(serviceProviderConfig(scimBase())));
