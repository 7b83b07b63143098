import { json } from "@remix-run/node";
import { openApiDocument } from "~/integrations/api-openapi.server";

// GET /api/v1/openapi.json: public, like any API reference (it names no data).
export const loader = () => json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
