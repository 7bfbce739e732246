-- Sources ingest pulls from an S3-compatible store: CSV or NDJSON objects under a bucket and prefix.
create table s3_source (
    name               text primary key,
    endpoint           text        null,
    region             text        not null,
    bucket             text        not null,
    prefix             text        not null,
    format             text        null,
    credentials        text        not null,
    path_style         boolean     not null,
    reject             text        not null,
    pull_every_seconds bigint      null,
    last_pulled_at     timestamptz null,
    last_error         text        null,
    objects_imported   bigint      not null default 0,
    rows_imported      bigint      not null default 0,
    created_at         timestamptz not null
);

-- Each object is taken once per version (key and ETag), whether its rows were stored or it was rejected.
create table s3_object_import (
    source_name text        not null,
    object_key  text        not null,
    etag        text        not null,
    rows        bigint      not null,
    rejected    bigint      not null,
    error       text        null,
    imported_at timestamptz not null,
    primary key (source_name, object_key, etag)
);
