-- 0007-rules: rules on incoming mail, checked in order before threading.
--
-- Conditions are patterns (NULL: no condition) matched as match_kind
-- says, without regard to case unless case_sensitive; all of a rule's
-- conditions must hold. Actions name queues and users by name, as the
-- admin typed them; tags and watchers are lists separated by newlines.
-- position orders the rules from 1 without gaps. Nothing here depends on
-- the migrations before it beyond the tickets table.
CREATE TABLE rules (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    position       INTEGER NOT NULL,
    match_kind     TEXT NOT NULL DEFAULT 'substring' CHECK (match_kind IN ('substring', 'glob', 'regex')),
    case_sensitive INTEGER NOT NULL DEFAULT 0,
    sender         TEXT,
    from_pattern   TEXT,
    to_pattern     TEXT,
    recipient      TEXT,
    subject        TEXT,
    header_name    TEXT,
    header_pattern TEXT,
    body           TEXT,
    queue          TEXT,
    owner          TEXT,
    priority       INTEGER CHECK (priority BETWEEN 1 AND 9),
    status         TEXT CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    tags           TEXT,
    watchers       TEXT,
    personal       INTEGER NOT NULL DEFAULT 0,
    no_ack         INTEGER NOT NULL DEFAULT 0,
    spam           INTEGER NOT NULL DEFAULT 0,
    refuse_code    INTEGER,
    refuse_text    TEXT,
    stop           INTEGER NOT NULL DEFAULT 0,
    created        INTEGER NOT NULL
);
CREATE INDEX rules_position ON rules(position);

-- A personal ticket (a rule marked it so) is left out of `mailticket
-- list` unless asked for; show still shows it.
ALTER TABLE tickets ADD COLUMN personal INTEGER NOT NULL DEFAULT 0;
