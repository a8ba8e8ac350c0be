-- 0011-agent-mail: who a reply may go to, and the articles whose text
-- is an agent's new text.

-- The Cc of a ticket's conversation, besides its requester. source says
-- who put an address there: the requester's own mail (the opening mail,
-- or one that carried the requester's reply token), an agent (reply
-- --cc, a Cc in an agent's mail), or any other mail (proposed: shown to
-- agents, never mailed until an agent adds it).
CREATE TABLE conversation_cc (
    ticket  INTEGER NOT NULL REFERENCES tickets(id),
    address TEXT NOT NULL COLLATE NOCASE,
    source  TEXT NOT NULL CHECK (source IN ('requester', 'agent', 'proposed')),
    article INTEGER REFERENCES articles(id),
    created INTEGER NOT NULL,
    PRIMARY KEY (ticket, address)
) WITHOUT ROWID;

-- 1 when the article is an agent's mail whose text is what the agent
-- wrote, without the quoted history and the signature: db reindex cuts
-- them again.
ALTER TABLE articles ADD COLUMN new_text INTEGER NOT NULL DEFAULT 0;
