-- 0019-split: what a merge moved, so that unmerge can move it back, and
-- the links of tickets an agent took apart.

-- One row per merge (mt_change_merge): the ticket merged, the one it
-- went into, its status and times before, and what moved with it, as
-- JSON arrays: the ids of its articles, the message ids of no article
-- (acknowledgements, notifications, ids only referenced), its Cc rows
-- and its watchers. An article's message ids follow the article.
-- mailticket unmerge reads the row and deletes it; a merge made before
-- this migration has none and cannot be undone.
CREATE TABLE merges (
    id          INTEGER PRIMARY KEY,
    ticket      INTEGER NOT NULL REFERENCES tickets(id),
    into_ticket INTEGER NOT NULL REFERENCES tickets(id),
    at          INTEGER NOT NULL,
    status      TEXT NOT NULL,
    resolved    INTEGER,
    closed      INTEGER,
    articles    TEXT NOT NULL DEFAULT '[]',
    message_ids TEXT NOT NULL DEFAULT '[]',
    cc          TEXT NOT NULL DEFAULT '[]',
    watchers    TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX merges_ticket ON merges(ticket);
CREATE INDEX merges_into ON merges(into_ticket);

-- Two more kinds of link: split-from (the new ticket of a split, to the
-- old one) and split-into (the reverse), and unmerged (both ways). Mail
-- whose ids lead to two tickets so linked joins the one its
-- In-Reply-To names and bridges nothing (thread.h): an agent took them
-- apart. The table is made again for its CHECK, through a copy.
CREATE TEMP TABLE links_before AS SELECT ticket, kind, other, created FROM links;
DROP TABLE links;
CREATE TABLE links (
    ticket  INTEGER NOT NULL REFERENCES tickets(id),
    kind    TEXT NOT NULL CHECK (kind IN ('relates', 'parent', 'child', 'duplicate', 'merged',
                                          'split-from', 'split-into', 'unmerged')),
    other   INTEGER NOT NULL REFERENCES tickets(id),
    created INTEGER NOT NULL,
    PRIMARY KEY (ticket, kind, other)
) WITHOUT ROWID;
INSERT INTO links (ticket, kind, other, created) SELECT ticket, kind, other, created FROM links_before;
DROP TABLE temp.links_before;
