-- 0002-outbound: what mailticket sends, and to whom.

-- The user who opened a ticket from the CLI; watches it like the owner.
ALTER TABLE tickets ADD COLUMN creator INTEGER REFERENCES users(id);

CREATE TABLE groups (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL
);

CREATE TABLE group_members (
    grp  INTEGER NOT NULL REFERENCES groups(id),
    user INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (grp, user)
) WITHOUT ROWID;

-- Who hears of every new article of a ticket: a user, a group (each of
-- its members) or a plain address (never told of internal articles).
-- Creator and owner are not listed: they watch by being what they are.
CREATE TABLE watchers (
    id      INTEGER PRIMARY KEY,
    ticket  INTEGER NOT NULL REFERENCES tickets(id),
    user    INTEGER REFERENCES users(id),
    grp     INTEGER REFERENCES groups(id),
    address TEXT COLLATE NOCASE,
    created INTEGER NOT NULL,
    CHECK ((user IS NOT NULL) + (grp IS NOT NULL) + (address IS NOT NULL) = 1)
);
CREATE UNIQUE INDEX watchers_unique
    ON watchers(ticket, ifnull(user, 0), ifnull(grp, 0), ifnull(address, ''));

-- Mail to send: the complete message as it goes on the wire (CRLF), kept
-- in blobs like every message we receive, composed when it was queued.
-- A row is queued, claimed by one mailticket-send (sending, until
-- claimed_until; a sender that died leaves a claim that expires), then
-- sent or failed. Each recipient has its own outcome.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    ticket        INTEGER REFERENCES tickets(id),
    article       INTEGER REFERENCES articles(id),
    kind          TEXT NOT NULL
                  CHECK (kind IN ('ack', 'reply', 'notification', 'alarm', 'escalation')),
    message_id    TEXT NOT NULL,
    blob          TEXT NOT NULL REFERENCES blobs(sha256),
    envelope_from TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  INTEGER NOT NULL,
    claimed_by    TEXT,
    claimed_until INTEGER,
    last_reply    TEXT,
    created       INTEGER NOT NULL,
    done          INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt);
CREATE INDEX outbox_message_id ON outbox(message_id);
CREATE INDEX outbox_ticket ON outbox(ticket);

CREATE TABLE outbox_recipients (
    outbox  INTEGER NOT NULL REFERENCES outbox(id),
    address TEXT NOT NULL COLLATE NOCASE,
    state   TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    reply   TEXT,
    PRIMARY KEY (outbox, address)
) WITHOUT ROWID;
