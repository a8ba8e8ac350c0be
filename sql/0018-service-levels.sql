-- 0018-service-levels: business hours, a resolution target, and due
-- times kept with each ticket.
--
-- A queue's calendar: its opening hours ("Mon-Fri 08:00-17:00", NULL:
-- every hour of every day), the time zone they are in (NULL: the
-- host's) and the dates it is closed on, as "YYYY-MM-DD ..." (read from
-- a holiday file by mailticket queue set). sla_minutes stays the
-- first-response target; resolution_minutes is the resolution target.
-- Both count open time (src/lib/calendar.c).
ALTER TABLE queues ADD COLUMN hours TEXT;
ALTER TABLE queues ADD COLUMN tz TEXT;
ALTER TABLE queues ADD COLUMN holidays TEXT;
ALTER TABLE queues ADD COLUMN resolution_minutes INTEGER;

-- When the customer started waiting: the ticket's opening, or for a
-- ticket that automatic mail opened its first article that is not
-- automatic; again when the ticket is opened after pending, resolved
-- or closed. NULL: nobody waits. tickets.due is the first-response
-- target counted from it while no reply went out, then the resolution
-- target; NULL while pending, resolved or closed.
ALTER TABLE tickets ADD COLUMN sla_start INTEGER;
-- When the ticket was escalated for its resolution overdue: once.
ALTER TABLE tickets ADD COLUMN resolution_escalated INTEGER;

UPDATE tickets SET sla_start =
    iif((SELECT automatic FROM articles WHERE ticket = tickets.id ORDER BY id LIMIT 1),
        (SELECT min(created) FROM articles WHERE ticket = tickets.id AND NOT automatic), created)
 WHERE merged_into IS NULL;

-- The first responses owed now, as the escalations counted them until
-- this version: wall-clock minutes from the start.
UPDATE tickets SET due = sla_start + 60 * (SELECT sla_minutes FROM queues q WHERE q.id = tickets.queue)
 WHERE first_response IS NULL AND status IN ('new', 'open') AND requester IS NOT NULL AND merged_into IS NULL
   AND sla_start IS NOT NULL AND (SELECT sla_minutes FROM queues q WHERE q.id = tickets.queue) > 0;

CREATE INDEX tickets_due ON tickets(due) WHERE due IS NOT NULL;
