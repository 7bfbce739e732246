-- Research Paths (issue 6): the materialized view of conveyor.path-events. Every row here can be
-- rebuilt from the topic. JSON is kept as text so that field order stays as the seed lays it out.
create table research_workflows (
    workflow_id    uuid primary key,
    name           text,
    protocols_info text        not null,
    registered_at  timestamptz not null
);

create table paths (
    path_id     uuid primary key,
    workflow_id uuid        not null references research_workflows (workflow_id),
    status      text        not null,
    version     bigint      not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);
-- GET /paths?status=&workflow_id=
create index paths_status_workflow_idx on paths (status, workflow_id);
create index paths_workflow_idx on paths (workflow_id);

create table path_steps (
    path_id     uuid    not null references paths (path_id) on delete cascade,
    position    int     not null,
    step        text    not null,
    path_index  int     not null,
    mode        text    not null check (mode in ('ai', 'user')),
    data        text    not null,
    -- the AI's version of a step a person edited: the supervision signal of GET /paths/{id}/feedback
    ai_original text,
    primary key (path_id, position)
);

create table path_ai_requests (
    request_id   uuid primary key,
    path_id      uuid        not null references paths (path_id) on delete cascade,
    task_id      uuid        not null,
    step         text        not null,
    for_status   text        not null,
    state        text        not null check (state in ('pending', 'applied', 'failed')),
    reason       text,
    position     int,
    requested_at timestamptz not null,
    finished_at  timestamptz
);
create index path_ai_requests_path_idx on path_ai_requests (path_id);
