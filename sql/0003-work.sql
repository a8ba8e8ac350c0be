-- 0003-work: what agents do with a ticket beyond mail: categories,
-- tasks, time booked, approvals.

-- Categories (the seeds' colour marks are tickets.color).
CREATE TABLE tags (
    ticket INTEGER NOT NULL REFERENCES tickets(id),
    tag    TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (ticket, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags(tag);

CREATE TABLE tasks (
    id       INTEGER PRIMARY KEY,
    ticket   INTEGER NOT NULL REFERENCES tickets(id),
    title    TEXT NOT NULL,
    assignee INTEGER REFERENCES users(id),
    state    TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    created  INTEGER NOT NULL,
    done     INTEGER
);
CREATE INDEX tasks_ticket ON tasks(ticket);

-- Time spent, per user and day, optionally on a task.
CREATE TABLE time_entries (
    id      INTEGER PRIMARY KEY,
    ticket  INTEGER NOT NULL REFERENCES tickets(id),
    task    INTEGER REFERENCES tasks(id),
    user    TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    day     TEXT NOT NULL,          -- YYYY-MM-DD, local time
    note    TEXT,
    created INTEGER NOT NULL
);
CREATE INDEX time_entries_ticket ON time_entries(ticket);
CREATE INDEX time_entries_day ON time_entries(day);

-- A ticket with a pending approval cannot be resolved.
CREATE TABLE approvals (
    id        INTEGER PRIMARY KEY,
    ticket    INTEGER NOT NULL REFERENCES tickets(id),
    approver  INTEGER NOT NULL REFERENCES users(id),
    state     TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    requested_by TEXT NOT NULL,
    note      TEXT,
    created   INTEGER NOT NULL,
    decided   INTEGER,
    decision_note TEXT
);
CREATE INDEX approvals_ticket ON approvals(ticket);

CREATE INDEX tickets_queue ON tickets(queue);
CREATE INDEX tickets_owner ON tickets(owner);
CREATE INDEX tickets_requester ON tickets(requester);
CREATE INDEX tickets_created ON tickets(created);
