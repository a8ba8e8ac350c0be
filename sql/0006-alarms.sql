-- 0006-alarms: reminders that fall due, and escalations.

-- An alarm: at due, mailticket-send mails its recipient (a user, each
-- member of a group, or a plain address) about the ticket, and stamps
-- fired in the same transaction that queues the mail, so that an alarm
-- fires exactly once however many senders run.
CREATE TABLE alarms (
    id         INTEGER PRIMARY KEY,
    ticket     INTEGER NOT NULL REFERENCES tickets(id),
    due        INTEGER NOT NULL,
    user       INTEGER REFERENCES users(id),
    grp        INTEGER REFERENCES groups(id),
    address    TEXT COLLATE NOCASE,
    note       TEXT,
    created_by TEXT NOT NULL,
    created    INTEGER NOT NULL,
    fired      INTEGER,
    CHECK ((user IS NOT NULL) + (grp IS NOT NULL) + (address IS NOT NULL) = 1)
);
CREATE INDEX alarms_ticket ON alarms(ticket);
-- What a sender looks for every minute: only the alarms not yet fired.
CREATE INDEX alarms_due ON alarms(due) WHERE fired IS NULL;

-- The group that hears of a queue's escalated tickets that have no owner.
ALTER TABLE queues ADD COLUMN grp INTEGER REFERENCES groups(id);

-- A pending ticket waits until this time; then it is escalated and
-- open again. Cleared whenever the status leaves pending.
ALTER TABLE tickets ADD COLUMN pending_until INTEGER;
CREATE INDEX tickets_pending_until ON tickets(pending_until) WHERE pending_until IS NOT NULL;

-- When the ticket was escalated for a first response overdue: once.
ALTER TABLE tickets ADD COLUMN response_escalated INTEGER;
