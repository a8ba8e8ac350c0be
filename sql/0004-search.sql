-- 0004-search: full-text search over the articles (FTS5).
--
-- One document per article: its subject, text, sender and the names of
-- its attachments, so that a query may match across them ("invoice pdf"
-- finds the mail that says invoice and attaches a.pdf). The index keeps
-- no copy of the text (external content): snippets are read back from
-- article_search_source. Triggers keep the index in step as articles
-- are added, changed or deleted and attachments added or removed,
-- inside the transaction that does it, so mail is searchable the moment
-- it is stored and a rollback takes its index entries with it. An external-content index must be
-- told the old values of what it forgets: each trigger computes them
-- the way the view does.

CREATE VIEW article_search_source AS
SELECT a.id, a.subject, a.text, a."from" AS sender,
       (SELECT group_concat(name, ' ')
          FROM (SELECT name FROM attachments WHERE article = a.id ORDER BY position)) AS attachments
  FROM articles a;

-- remove_diacritics: "Muller" finds "Müller", as people type it.
CREATE VIRTUAL TABLE article_search USING fts5 (
    subject, text, sender, attachments,
    content = 'article_search_source', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A word in the subject weighs most, then sender and attachment names.
INSERT INTO article_search (article_search, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0, 4.0)');

CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_search (rowid, subject, text, sender, attachments)
    SELECT id, subject, text, sender, attachments FROM article_search_source WHERE id = new.id;
END;

CREATE TRIGGER article_search_update AFTER UPDATE OF subject, text, "from" ON articles BEGIN
    INSERT INTO article_search (article_search, rowid, subject, text, sender, attachments)
    SELECT 'delete', old.id, old.subject, old.text, old."from", attachments
      FROM article_search_source WHERE id = old.id;
    INSERT INTO article_search (rowid, subject, text, sender, attachments)
    SELECT id, subject, text, sender, attachments FROM article_search_source WHERE id = new.id;
END;

CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_search (article_search, rowid, subject, text, sender, attachments)
    VALUES ('delete', old.id, old.subject, old.text, old."from",
            (SELECT group_concat(name, ' ')
               FROM (SELECT name FROM attachments WHERE article = old.id ORDER BY position)));
END;

-- An attachment changes its article's document: forget it as it was
-- without (or with) this attachment, index it as it is now.
CREATE TRIGGER article_search_attachment_insert AFTER INSERT ON attachments BEGIN
    INSERT INTO article_search (article_search, rowid, subject, text, sender, attachments)
    SELECT 'delete', a.id, a.subject, a.text, a."from",
           (SELECT group_concat(name, ' ')
              FROM (SELECT name FROM attachments WHERE article = a.id AND id <> new.id ORDER BY position))
      FROM articles a WHERE a.id = new.article;
    INSERT INTO article_search (rowid, subject, text, sender, attachments)
    SELECT id, subject, text, sender, attachments FROM article_search_source WHERE id = new.article;
END;

CREATE TRIGGER article_search_attachment_delete AFTER DELETE ON attachments BEGIN
    INSERT INTO article_search (article_search, rowid, subject, text, sender, attachments)
    SELECT 'delete', a.id, a.subject, a.text, a."from",
           (SELECT group_concat(name, ' ')
              FROM (SELECT name, position FROM attachments WHERE article = a.id
                    UNION ALL SELECT old.name, old.position
                    ORDER BY position))
      FROM articles a WHERE a.id = old.article;
    INSERT INTO article_search (rowid, subject, text, sender, attachments)
    SELECT id, subject, text, sender, attachments FROM article_search_source WHERE id = old.article;
END;

-- The articles stored before this migration.
INSERT INTO article_search (article_search) VALUES ('rebuild');
