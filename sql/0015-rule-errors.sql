-- 0015-rule-errors: how often a rule could not be evaluated.
--
-- A rule whose pattern could not be evaluated on a message (it reached
-- PCRE2's limits there, or no longer compiles) fails closed, and is
-- counted here with what went wrong the last time and when, for
-- `mailticket rule list` to show.
ALTER TABLE rules ADD COLUMN errors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rules ADD COLUMN last_error TEXT;
ALTER TABLE rules ADD COLUMN last_error_at INTEGER;
