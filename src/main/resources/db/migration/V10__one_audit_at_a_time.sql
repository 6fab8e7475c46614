-- One parity audit at a time across every instance sharing the database: a running audit holds the single
-- slot (running_slot = 1) until it is reported, fails or is taken as abandoned; a second start's insert then
-- breaks the unique constraint instead of deleting the first audit's staged Salesforce values. NULLs do not
-- collide, so finished audits keep theirs. Runs unchanged on H2 (PostgreSQL mode) and PostgreSQL.

alter table parity_audit add column running_slot smallint;
alter table parity_audit add constraint uq_parity_audit_running_slot unique (running_slot);
