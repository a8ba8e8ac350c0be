-- 0012-views: the read side's long queries, as views.
--
-- A ticket as lists and show read it, with the columns that later
-- migrations added (personal, pending_until) and what its requester's
-- organisation and its tags are; and a ticket's whole JSON object, its
-- articles, tasks, approvals, links and history included. src/lib/view.c
-- selects from these and adds only filters, order and limits.

DROP VIEW ticket_summary;
CREATE VIEW ticket_summary AS
SELECT t.id, t.uuid, t.type, t.subject, t.status, t.priority,
       q.name AS queue, u.login AS owner, c.address AS requester,
       t.project, t.color, t.flagged, t.created, t.updated, t.first_response,
       t.resolved, t.closed, t.due, t.merged_into,
       (SELECT count(*) FROM articles a WHERE a.ticket = t.id) AS articles,
       t.personal, t.pending_until,
       (SELECT o.name FROM organisations o WHERE o.id = c.org) AS org,
       (SELECT group_concat(tag, ', ') FROM (SELECT tag FROM tags WHERE ticket = t.id ORDER BY tag)) AS tags
  FROM tickets t
  LEFT JOIN queues q ON q.id = t.queue
  LEFT JOIN users u ON u.id = t.owner
  LEFT JOIN contacts c ON c.id = t.requester;

-- A ticket in a JSON list.
CREATE VIEW ticket_list_json AS
SELECT s.id,
       json_object(
         'id', s.id, 'subject', s.subject, 'status', s.status, 'priority', s.priority,
         'queue', s.queue, 'owner', s.owner, 'requester', s.requester, 'org', s.org,
         'created', strftime('%Y-%m-%dT%H:%M:%SZ', s.created, 'unixepoch'),
         'updated', strftime('%Y-%m-%dT%H:%M:%SZ', s.updated, 'unixepoch'),
         'articles', s.articles, 'project', s.project, 'color', s.color,
         'due', strftime('%Y-%m-%dT%H:%M:%SZ', s.due, 'unixepoch'),
         'tags', (SELECT json_group_array(tag) FROM (SELECT tag FROM tags WHERE ticket = s.id ORDER BY tag))
       ) AS json
  FROM ticket_summary s;

-- An article of a ticket, as show --json has it.
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
                           FROM (SELECT * FROM attachments WHERE article = a.id ORDER BY position))
       ) AS json
  FROM articles a;

-- A whole ticket, as show --json has it (its watchers are added by the
-- people module).
CREATE VIEW ticket_json AS
SELECT s.id,
       json_object(
         'id', s.id, 'uuid', s.uuid, 'type', s.type, 'subject', s.subject,
         'status', s.status, 'priority', s.priority, 'queue', s.queue, 'owner', s.owner,
         'requester', s.requester, 'org', s.org, 'project', s.project, 'color', s.color,
         'flagged', json(iif(s.flagged, 'true', 'false')), 'merged_into', s.merged_into,
         'personal', json(iif(s.personal, 'true', 'false')),
         'created', strftime('%Y-%m-%dT%H:%M:%SZ', s.created, 'unixepoch'),
         'updated', strftime('%Y-%m-%dT%H:%M:%SZ', s.updated, 'unixepoch'),
         'resolved', strftime('%Y-%m-%dT%H:%M:%SZ', s.resolved, 'unixepoch'),
         'closed', strftime('%Y-%m-%dT%H:%M:%SZ', s.closed, 'unixepoch'),
         'due', strftime('%Y-%m-%dT%H:%M:%SZ', s.due, 'unixepoch'),
         'tags', (SELECT json_group_array(tag) FROM (SELECT tag FROM tags WHERE ticket = s.id ORDER BY tag)),
         'cc', (SELECT json_group_array(address)
                  FROM (SELECT address FROM conversation_cc
                         WHERE ticket = s.id AND source <> 'proposed' ORDER BY created, address)),
         'proposed_cc', (SELECT json_group_array(address)
                           FROM (SELECT address FROM conversation_cc
                                  WHERE ticket = s.id AND source = 'proposed' ORDER BY created, address)),
         'tasks', (SELECT json_group_array(json_object('id', k.id, 'title', k.title, 'state', k.state,
                                                       'assignee', (SELECT login FROM users WHERE id = k.assignee)))
                     FROM tasks k WHERE k.ticket = s.id),
         'approvals', (SELECT json_group_array(json_object('id', p.id, 'state', p.state,
                                                           'approver', (SELECT login FROM users WHERE id = p.approver),
                                                           'note', p.note))
                         FROM approvals p WHERE p.ticket = s.id),
         'time_minutes', (SELECT coalesce(sum(minutes), 0) FROM time_entries WHERE ticket = s.id),
         'links', (SELECT json_group_array(json_object('kind', kind, 'ticket', other))
                     FROM links WHERE ticket = s.id),
         'history', (SELECT json_group_array(json_object('at', strftime('%Y-%m-%dT%H:%M:%SZ', at, 'unixepoch'),
                                                         'who', who, 'field', field, 'old', old, 'new', new))
                       FROM (SELECT * FROM history WHERE ticket = s.id ORDER BY id)),
         'articles', (SELECT json_group_array(json(j.json))
                        FROM (SELECT json FROM article_json WHERE ticket = s.id ORDER BY id) j)
       ) AS json
  FROM ticket_summary s;
