-- Issue 3 metering: a task a halted run never ran ends Skipped; every outcome carries its cost,
-- whether the response cache answered it, and how many model calls it took. Rows written before
-- this version (and Pending rows) read as free, uncached and not attempted.
alter table results drop constraint results_status_check;
alter table results add constraint results_status_check
    check (status in ('Pending', 'Completed', 'Failed', 'Skipped'));

alter table results
    add column cost_usd numeric(14, 6) not null default 0,
    add column cached   boolean        not null default false,
    add column attempts int            not null default 0;
