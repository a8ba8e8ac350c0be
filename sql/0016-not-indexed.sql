-- 0016-not-indexed: what of an incoming message its article leaves out.
--
-- A message's parts past [mail] max_parts or nested deeper than
-- max_depth, its text past 1 MB, header fields past the limits: kept only
-- in the raw message, and said here in sentences separated by "; "
-- (src/lib/message.c). NULL when the whole message is indexed.
ALTER TABLE articles ADD COLUMN not_indexed TEXT;

-- article_json (sql/0012-views.sql) with not_indexed.
DROP VIEW article_json;
CREATE VIEW article_json AS
SELECT a.ticket, a.id,
       json_object(
         'id', a.id, 'kind', a.kind, 'internal', json(iif(a.internal, 'true', 'false')),
         'from', a."from", 'to', a."to", 'cc', a.cc, 'subject', a.subject,
         'date', strftime('%Y-%m-%dT%H:%M:%SZ', a.date, 'unixepoch'),
         'message_id', a.message_id, 'via', a.via, 'size', a.size,
         'automatic', json(iif(a.automatic, 'true', 'false')),
         'author', (SELECT login FROM users WHERE id = a.author),
         'text', a.text,
         'attachments', (SELECT json_group_array(json_object('name', name, 'type', type, 'size', size,
                                                             'part', part))
                           FROM (SELECT * FROM attachments WHERE article = a.id ORDER BY position)),
         'not_indexed', a.not_indexed
       ) AS json
  FROM articles a;
