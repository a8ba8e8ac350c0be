-- 0008-customers: organisations that contacts belong to, and the mark
-- on articles whose leading command lines an agent's mail applied.
--
-- Independent of 0006 and 0007: it only adds tables and columns.

-- A customer organisation, found by the domains of its contacts'
-- addresses. Names and domains compare without case.
CREATE TABLE organisations (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created INTEGER NOT NULL
);

-- Domains are stored lower case, so that matching a subdomain (the
-- suffix ".example.com" of "mail.example.com") is a plain comparison.
CREATE TABLE organisation_domains (
    domain TEXT PRIMARY KEY COLLATE NOCASE,
    org    INTEGER NOT NULL REFERENCES organisations(id)
) WITHOUT ROWID;
CREATE INDEX organisation_domains_org ON organisation_domains(org);

ALTER TABLE contacts ADD COLUMN org INTEGER REFERENCES organisations(id);
CREATE INDEX contacts_org ON contacts(org);

-- 1 when the article's text had command lines (#status, #owner ...)
-- that were taken out and applied: db reindex takes them out again and
-- never applies them twice.
ALTER TABLE articles ADD COLUMN commands INTEGER NOT NULL DEFAULT 0;
