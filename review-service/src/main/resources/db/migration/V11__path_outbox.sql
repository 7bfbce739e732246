-- Research Paths: the transactional outbox. An event row commits with the view's change in one
-- transaction; the relay (OutboxRelay) sends it to conveyor.path-events keyed by aggregate id and
-- deletes it once the broker acknowledged it. Rows are sent in outbox_id order, which for one Path
-- is its version order (its row lock serializes the writers).
create table path_outbox (
    outbox_id    bigserial primary key,
    aggregate_id uuid        not null,
    version      bigint      not null,
    -- the event in the topic's encoding (Avro single-object), sent as it is
    event        bytea       not null,
    created_at   timestamptz not null default now()
);
