-- The language of the mail people get (mailticket-templates(5)): a
-- contact's and an agent's own choice, and a ticket's, which the mail
-- that opened it says or shows; and an agent's signature for replies.
ALTER TABLE contacts ADD COLUMN lang TEXT;
ALTER TABLE users ADD COLUMN lang TEXT;
ALTER TABLE users ADD COLUMN signature TEXT;
ALTER TABLE tickets ADD COLUMN lang TEXT;
