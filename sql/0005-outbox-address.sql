-- 0005-outbox-address: find what was sent to an address.
--
-- The acknowledgement of a new ticket is rate limited per address
-- (mt_outbox_count_to: what went to it in the last hour). Without this
-- index every new ticket read the whole of outbox_recipients, which
-- keeps a row for every message ever sent: make bench measured 2 ms
-- more a delivery with 40,000 acknowledgements sent, growing with them.
CREATE INDEX outbox_recipients_address ON outbox_recipients(address);
