-- 0001-core: the tables that mailticket-deliver fills.
-- Times are seconds since the epoch (UTC); addresses compare without case.

-- Site facts kept with the data: the reply-token secret when no
-- secret_file is configured.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Raw messages, unchanged, keyed by their sha256. The message is the
-- truth; everything else is an index of it.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    data   BLOB NOT NULL
);

CREATE TABLE users (
    id      INTEGER PRIMARY KEY,
    login   TEXT NOT NULL UNIQUE,
    email   TEXT COLLATE NOCASE,
    name    TEXT,
    created INTEGER NOT NULL
);
CREATE INDEX users_email ON users(email);

-- A queue is a support address. A reply to a ticket closed longer than
-- grace_days opens a new linked ticket (closed_reply = 'new') or reopens
-- it (closed_reply = 'reopen').
CREATE TABLE queues (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    address      TEXT UNIQUE COLLATE NOCASE,
    sla_minutes  INTEGER,
    owner        INTEGER REFERENCES users(id),
    grace_days   INTEGER NOT NULL DEFAULT 30,
    closed_reply TEXT NOT NULL DEFAULT 'new' CHECK (closed_reply IN ('new', 'reopen')),
    created      INTEGER NOT NULL
);

CREATE TABLE contacts (
    id      INTEGER PRIMARY KEY,
    address TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name    TEXT,
    created INTEGER NOT NULL
);

CREATE TABLE tickets (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL DEFAULT 'mail' CHECK (type IN ('mail', 'internal', 'request')),
    subject        TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'new'
                   CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    priority       INTEGER NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 9),
    queue          INTEGER REFERENCES queues(id),
    owner          INTEGER REFERENCES users(id),
    requester      INTEGER REFERENCES contacts(id),
    project        TEXT,
    color          TEXT,
    flagged        INTEGER NOT NULL DEFAULT 0,
    created        INTEGER NOT NULL,
    updated        INTEGER NOT NULL,
    first_response INTEGER,
    resolved       INTEGER,
    closed         INTEGER,
    due            INTEGER,
    merged_into    INTEGER REFERENCES tickets(id)
);
CREATE INDEX tickets_updated ON tickets(updated);
CREATE INDEX tickets_status ON tickets(status);

-- One article per message received or sent, note or system event.
-- via names the threading rule that placed an incoming mail.
CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    ticket        INTEGER NOT NULL REFERENCES tickets(id),
    kind          TEXT NOT NULL CHECK (kind IN ('email-in', 'email-out', 'note', 'system')),
    internal      INTEGER NOT NULL DEFAULT 0,
    author        INTEGER REFERENCES users(id),
    from_addr     TEXT COLLATE NOCASE,
    "from"        TEXT,
    "to"          TEXT,
    cc            TEXT,
    reply_to      TEXT,
    subject       TEXT,
    date          INTEGER,
    message_id    TEXT,
    text          TEXT NOT NULL DEFAULT '',
    blob          TEXT REFERENCES blobs(sha256),
    size          INTEGER,
    envelope_from TEXT,
    envelope_to   TEXT,
    via           TEXT,
    automatic     INTEGER NOT NULL DEFAULT 0,
    warnings      INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL
);
CREATE INDEX articles_ticket ON articles(ticket);
CREATE INDEX articles_blob ON articles(blob);

-- Every Message-ID we received, sent or saw referenced, and its ticket.
-- article is NULL for an id that was only referenced so far, so that two
-- replies to the same missing parent join one ticket.
CREATE TABLE message_ids (
    message_id TEXT PRIMARY KEY,
    ticket     INTEGER NOT NULL REFERENCES tickets(id),
    article    INTEGER REFERENCES articles(id)
) WITHOUT ROWID;
CREATE INDEX message_ids_ticket ON message_ids(ticket);

CREATE TABLE attachments (
    id       INTEGER PRIMARY KEY,
    article  INTEGER NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    name     TEXT,
    type     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    part     TEXT NOT NULL
);
CREATE INDEX attachments_article ON attachments(article);

-- Addresses that took part in a ticket's mail (From, To, Cc, Reply-To):
-- a subject token is a key to a ticket only for them.
CREATE TABLE participants (
    ticket  INTEGER NOT NULL REFERENCES tickets(id),
    address TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (ticket, address)
) WITHOUT ROWID;

CREATE TABLE links (
    ticket  INTEGER NOT NULL REFERENCES tickets(id),
    kind    TEXT NOT NULL CHECK (kind IN ('relates', 'parent', 'child', 'duplicate', 'merged')),
    other   INTEGER NOT NULL REFERENCES tickets(id),
    created INTEGER NOT NULL,
    PRIMARY KEY (ticket, kind, other)
) WITHOUT ROWID;

CREATE TABLE history (
    id     INTEGER PRIMARY KEY,
    ticket INTEGER NOT NULL REFERENCES tickets(id),
    at     INTEGER NOT NULL,
    who    TEXT NOT NULL,
    field  TEXT NOT NULL,
    old    TEXT,
    new    TEXT
);
CREATE INDEX history_ticket ON history(ticket);

-- Messages that could not be parsed at all, kept whole for replay.
CREATE TABLE quarantine (
    id            INTEGER PRIMARY KEY,
    received      INTEGER NOT NULL,
    blob          TEXT NOT NULL REFERENCES blobs(sha256),
    size          INTEGER NOT NULL,
    envelope_from TEXT,
    envelope_to   TEXT,
    reason        TEXT NOT NULL,
    replayed      INTEGER
);

-- The secret for reply tokens, unless the config names a secret_file.
INSERT INTO meta (key, value) VALUES ('secret', lower(hex(randomblob(32))));

-- A ticket as the CLI shows it: names instead of ids.
CREATE VIEW ticket_summary AS
SELECT t.id, t.uuid, t.type, t.subject, t.status, t.priority,
       q.name AS queue, u.login AS owner, c.address AS requester,
       t.project, t.color, t.flagged, t.created, t.updated, t.first_response,
       t.resolved, t.closed, t.due, t.merged_into,
       (SELECT count(*) FROM articles a WHERE a.ticket = t.id) AS articles
  FROM tickets t
  LEFT JOIN queues q ON q.id = t.queue
  LEFT JOIN users u ON u.id = t.owner
  LEFT JOIN contacts c ON c.id = t.requester;
