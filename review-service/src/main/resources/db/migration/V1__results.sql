-- The seed's Result table: one row per task (result_id = task_id), written by the consumer of
-- conveyor.llm-tasks (Pending) and conveyor.llm-results (Completed / Failed).
create table results (
    result_id         uuid primary key,
    workflow_id       uuid        not null,
    run_id            uuid        not null,
    reference_id      uuid        not null,
    process_name      text        not null,
    stage_index       int         not null,
    result            text,
    status            text        not null check (status in ('Pending', 'Completed', 'Failed')),
    error             text,
    model             text,
    prompt_tokens     int,
    completion_tokens int,
    latency_ms        bigint,
    issued_at         timestamptz not null,
    completed_at      timestamptz,
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);

-- GET /workflows/{id}/results filters by process and status; the summary groups by them.
create index results_workflow_process_status_idx on results (workflow_id, process_name, status);
create index results_run_idx on results (run_id);
