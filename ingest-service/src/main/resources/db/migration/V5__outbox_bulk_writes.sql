-- Rows and outbox entries are written with COPY, a million at a time; every per-row cost counts.
-- The outbox's primary key (seq) already orders the relay's scan: the partial index repeated it.
drop index if exists row_outbox_pending_idx;
-- Entries are written by ingest in the transaction that writes their rows; the foreign key only
-- added a per-row trigger and lookup to every insert.
alter table row_outbox drop constraint if exists row_outbox_reference_id_fkey;
-- The W3C trace context of the request or batch that stored the row (null when none), carried to
-- the published record's traceparent header.
alter table row_outbox add column if not exists traceparent text null;
