ALTER TABLE "checkpoints" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "checkpoints" ADD COLUMN "signature" text;--> statement-breakpoint
-- Append-only in the database: the archive, the audit log and the checkpoints refuse UPDATE,
-- DELETE and TRUNCATE from every role, unless the transaction took the retention purge path
-- (set_config('atrium.retention_purge', 'on', true), done only by withRetentionPurge in
-- app/compliance/command.server.ts, which must record an `expire` entry in the same transaction).
-- The runtime role is also denied UPDATE/DELETE/TRUNCATE by privilege (docs/sql/role-split.sql).
CREATE OR REPLACE FUNCTION atrium_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('atrium.retention_purge', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'only the retention purge may remove archived records';
END $$;
--> statement-breakpoint
CREATE TRIGGER archive_records_append_only BEFORE UPDATE OR DELETE ON archive_records FOR EACH ROW EXECUTE FUNCTION atrium_append_only();
--> statement-breakpoint
CREATE TRIGGER archive_records_no_truncate BEFORE TRUNCATE ON archive_records FOR EACH STATEMENT EXECUTE FUNCTION atrium_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION atrium_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION atrium_append_only();
--> statement-breakpoint
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION atrium_append_only();
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints FOR EACH STATEMENT EXECUTE FUNCTION atrium_append_only();
--> statement-breakpoint
-- chain_heads is updated on every append, so it cannot be append-only: a head starts at
-- (0, genesis), moves forward exactly one sequence number per update, never changes chain,
-- and is never deleted (outside the retention purge path).
CREATE OR REPLACE FUNCTION atrium_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('atrium.retention_purge', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.seq <> 0 OR NEW.hash <> repeat('0', 64) THEN
      RAISE EXCEPTION 'a chain head starts at sequence 0 and the genesis hash' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF NEW.org_id IS DISTINCT FROM OLD.org_id OR NEW.chain IS DISTINCT FROM OLD.chain OR NEW.seq IS DISTINCT FROM OLD.seq + 1 THEN
      RAISE EXCEPTION 'a chain head only moves forward by one record (% -> %)', OLD.seq, NEW.seq USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'chain_heads: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER chain_heads_guard BEFORE INSERT OR UPDATE OR DELETE ON chain_heads FOR EACH ROW EXECUTE FUNCTION atrium_chain_head_guard();
--> statement-breakpoint
CREATE TRIGGER chain_heads_no_truncate BEFORE TRUNCATE ON chain_heads FOR EACH STATEMENT EXECUTE FUNCTION atrium_chain_head_guard();
