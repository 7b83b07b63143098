-- The review queue's decided sections (re-verification due, changed, nominated) page down
-- best_practices_org_rank_idx, so best_practices.rank must mirror the item's engagement rank.
-- Nominations made before this release kept the column's default (-1e9) until the next
-- engagement bump: copy the engagement rank once. (Nominations now set it on insert.)
UPDATE "best_practices" bp SET "rank" = e."rank"
FROM "engagement" e
WHERE e."content_id" = bp."content_id" AND bp."rank" <> e."rank";
