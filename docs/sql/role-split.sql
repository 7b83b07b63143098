-- Atrium on PostgreSQL: two roles, so the application's runtime role cannot rewrite the archive.
-- See docs/archive.md ("Roles") and docs/deploy.md. Replace the passwords; run with psql as a superuser.
--
--   atrium_owner  owns the database objects and runs migrations (release job / first start).
--   atrium_app    what every app instance connects as: no DDL, no ownership, and on the archive
--                 tables only SELECT and INSERT (chain_heads: SELECT, INSERT, UPDATE — the triggers
--                 only let a head move forward by one record).

-- 1. Roles and database (once, as a superuser).
CREATE ROLE atrium_owner LOGIN PASSWORD 'change-me-owner';
CREATE ROLE atrium_app LOGIN PASSWORD 'change-me-app';
CREATE DATABASE atrium OWNER atrium_owner;
\connect atrium
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO atrium_app;
-- drizzle's migration bookkeeping: the runtime role may read it (a start with nothing to apply) but not change it.
CREATE SCHEMA IF NOT EXISTS drizzle AUTHORIZATION atrium_owner;
GRANT USAGE ON SCHEMA drizzle TO atrium_app;

-- 2. Tables created later by migrations (run as atrium_owner) get these grants automatically.
ALTER DEFAULT PRIVILEGES FOR ROLE atrium_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO atrium_app;
ALTER DEFAULT PRIVILEGES FOR ROLE atrium_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO atrium_app;
ALTER DEFAULT PRIVILEGES FOR ROLE atrium_owner IN SCHEMA drizzle GRANT SELECT ON TABLES TO atrium_app;

-- 3. After the first migration as atrium_owner (DATABASE_URL=postgres://atrium_owner:…@…/atrium npm run db:migrate),
--    and again after any migration, re-apply the archive restrictions (idempotent):
\connect atrium atrium_owner
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO atrium_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO atrium_app;
GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO atrium_app;
REVOKE UPDATE, DELETE, TRUNCATE ON archive_records, audit_log, checkpoints FROM atrium_app;
REVOKE DELETE, TRUNCATE ON chain_heads FROM atrium_app;

-- 4. The retention purge (issue 15) runs as a role that may also DELETE from the archive tables,
--    and still has to take the purge path (withRetentionPurge) to get past the triggers:
-- CREATE ROLE atrium_retention LOGIN PASSWORD 'change-me-retention' IN ROLE atrium_app;
-- GRANT DELETE ON archive_records, audit_log, checkpoints TO atrium_retention;
