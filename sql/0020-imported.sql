-- 0020-imported: tickets that mailticket import opened from old mail.
--
-- When the import ran (seconds since the epoch), NULL for a ticket that
-- came any other way. Such a ticket is dated by its mail and so years
-- past any deadline: no SLA clock runs on it (src/lib/escalate.c), even
-- when the import leaves it open (--status as-is).
ALTER TABLE tickets ADD COLUMN imported INTEGER;
