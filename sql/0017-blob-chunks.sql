-- 0017-blob-chunks: a large message's bytes, written ahead of the
-- transaction that stores it.
--
-- Written whole in that transaction, a 49 MB message held the write lock
-- for 1.5 s on a 2-core machine, every other delivery waiting. So a
-- message over 4 MB is written first in pieces, each in a transaction of
-- its own (src/lib/store-blob.c), and its row in blobs has no data: its
-- size is all that says the bytes are here, in order of seq. Pieces that
-- no blob names are of a delivery that failed after writing them: the
-- same message delivered again takes them as they are.
CREATE TABLE blob_chunks (
    sha256 TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (sha256, seq)
);
