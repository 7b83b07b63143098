// npm run db:migrate — applies pending migrations and exits. Run it as the owner role when the app's
// runtime role may not change the schema (ATRIUM_MIGRATE=false on the app; docs/sql/role-split.sql).
import fs from "node:fs";
import { defaultOpenOptions, openDatabase } from "../app/db/client.server";

if (fs.existsSync(".env")) process.loadEnvFile(".env");
const handle = await openDatabase({ ...defaultOpenOptions(), migrate: true });
await handle.close();
console.log("Migrations applied.");
