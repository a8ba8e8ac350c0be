-- 0013-referenced-ids: which Message-IDs only other mail named.
--
-- referenced_only is 1 while no message with the id was stored or sent,
-- and the id is known only from the In-Reply-To or References of other
-- messages. Anyone can reference an id that is yet to come; a message
-- that joins a ticket only through such an id, from a sender who is not
-- a participant, is answered as a new requester (mailticket-deliver(8),
-- "Threading").
ALTER TABLE message_ids ADD COLUMN referenced_only INTEGER NOT NULL DEFAULT 0;

-- Before this column, a referenced id had no article; so has the id of a
-- message we sent that is no article (an acknowledgement, a notification),
-- which the outbox knows.
UPDATE message_ids SET referenced_only = 1
 WHERE article IS NULL AND message_id NOT IN (SELECT message_id FROM outbox);
