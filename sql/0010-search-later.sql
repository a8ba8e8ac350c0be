-- 0010-search-later: a delivery server indexes mail after answering.
--
-- Indexing an article for search (tokenising it, writing a segment of
-- the index, merging) was about a third of what a delivery cost the
-- delivery server, and the MTA waited for it. So a new article is no
-- longer indexed by its trigger but listed in search_pending, in the
-- same transaction. Whoever added it then indexes what is pending
-- before it commits (mt_ticket_add_article()), as before, unless it is
-- mailticket-deliver --serve: that answers the MTA first and indexes
-- the pending articles 64 at a time while mail keeps coming, the rest
-- once it stops (serve.c). A pending article is durable with its
-- delivery, so one that a crash left unindexed is indexed by the next
-- delivery or server, and by `mailticket db check`.
--
-- An article's attachments are indexed with it while it is pending. An
-- external-content index must not be told to forget what it never held:
-- the triggers that change or remove entries pass over pending articles.

CREATE TABLE search_pending (
    article INTEGER PRIMARY KEY
);

DROP TRIGGER article_search_insert;
CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO search_pending (article) VALUES (new.id);
END;

DROP TRIGGER article_search_update;
CREATE TRIGGER article_search_update AFTER UPDATE OF subject, text, "from" ON articles
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE article = old.id) BEGIN
    INSERT INTO article_search (article_search, rowid, subject, text, sender)
    VALUES ('delete', old.id, old.subject, old.text, old."from");
    INSERT INTO article_search (rowid, subject, text, sender) VALUES (new.id, new.subject, new.text, new."from");
END;

DROP TRIGGER article_search_delete;
CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_search (article_search, rowid, subject, text, sender)
    SELECT 'delete', old.id, old.subject, old.text, old."from"
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE article = old.id);
    DELETE FROM search_pending WHERE article = old.id;
END;

DROP TRIGGER article_search_attachment_insert;
CREATE TRIGGER article_search_attachment_insert AFTER INSERT ON attachments
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE article = new.article) BEGIN
    INSERT INTO article_search (rowid, attachments) VALUES (-new.id, new.name);
END;

DROP TRIGGER article_search_attachment_update;
CREATE TRIGGER article_search_attachment_update AFTER UPDATE OF name ON attachments
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE article = old.article) BEGIN
    INSERT INTO article_search (article_search, rowid, attachments) VALUES ('delete', -old.id, old.name);
    INSERT INTO article_search (rowid, attachments) VALUES (-new.id, new.name);
END;

DROP TRIGGER article_search_attachment_delete;
CREATE TRIGGER article_search_attachment_delete AFTER DELETE ON attachments
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE article = old.article) BEGIN
    INSERT INTO article_search (article_search, rowid, attachments) VALUES ('delete', -old.id, old.name);
END;
