-- 0004-search: full-text search over the articles (FTS5).
--
-- The index holds two kinds of documents: an article (its subject, text
-- and sender) under its own id, and an attachment (its file name, in
-- the column attachments) under the negated attachment id. Searches
-- group them back into articles. An article and its attachments are
-- separate documents so that each is indexed once, when it is stored:
-- one document holding the text and every name would have to be
-- indexed again, text and all, for each attachment added (measured: a
-- 1 MB mail with 10 attachments took 2.9 s to deliver instead of 0.2 s).
--
-- The index keeps no copy of the text (external content): snippets are
-- read back from article_search_source. Triggers keep the index in step
-- as articles and attachments are added, changed or deleted, inside the
-- transaction that does it, so mail is searchable the moment it is
-- stored and a rollback takes its index entries along. An
-- external-content index must be told the old values of what it
-- forgets: the triggers give them as the view shows them.

CREATE VIEW article_search_source AS
SELECT id, subject, text, "from" AS sender, NULL AS attachments FROM articles
UNION ALL
SELECT -id, NULL, NULL, NULL, name FROM attachments;

-- FTS5 reads a snippet's text by id: this lets it find an attachment's.
CREATE INDEX attachments_search ON attachments (-id);

-- remove_diacritics: "Muller" finds "Müller", as people type it.
CREATE VIRTUAL TABLE article_search USING fts5 (
    subject, text, sender, attachments,
    content = 'article_search_source', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A word in the subject weighs most, then sender and attachment names.
INSERT INTO article_search (article_search, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0, 4.0)');

CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_search (rowid, subject, text, sender) VALUES (new.id, new.subject, new.text, new."from");
END;

CREATE TRIGGER article_search_update AFTER UPDATE OF subject, text, "from" ON articles BEGIN
    INSERT INTO article_search (article_search, rowid, subject, text, sender)
    VALUES ('delete', old.id, old.subject, old.text, old."from");
    INSERT INTO article_search (rowid, subject, text, sender) VALUES (new.id, new.subject, new.text, new."from");
END;

CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_search (article_search, rowid, subject, text, sender)
    VALUES ('delete', old.id, old.subject, old.text, old."from");
END;

CREATE TRIGGER article_search_attachment_insert AFTER INSERT ON attachments BEGIN
    INSERT INTO article_search (rowid, attachments) VALUES (-new.id, new.name);
END;

CREATE TRIGGER article_search_attachment_update AFTER UPDATE OF name ON attachments BEGIN
    INSERT INTO article_search (article_search, rowid, attachments) VALUES ('delete', -old.id, old.name);
    INSERT INTO article_search (rowid, attachments) VALUES (-new.id, new.name);
END;

CREATE TRIGGER article_search_attachment_delete AFTER DELETE ON attachments BEGIN
    INSERT INTO article_search (article_search, rowid, attachments) VALUES ('delete', -old.id, old.name);
END;

-- The articles stored before this migration.
INSERT INTO article_search (article_search) VALUES ('rebuild');
