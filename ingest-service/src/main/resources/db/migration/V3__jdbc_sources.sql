-- Sources ingest pulls from a database: where, with which credentials reference (never the
-- password), what to read, and how far it has read (the incremental column's last imported value).
create table jdbc_source (
    name               text primary key,
    jdbc_url           text        not null,
    credentials        text        not null,
    query              text        not null,
    incremental_column text        not null,
    pull_every_seconds bigint      null,
    last_value         text        null,
    last_value_type    text        null,
    last_pulled_at     timestamptz null,
    last_error         text        null,
    rows_imported      bigint      not null default 0,
    created_at         timestamptz not null
);
