-- The data-load guard (issue 7, item 4): opt-ins that arrive as part of a mass change are held for an admin.
-- Runs unchanged on H2 (PostgreSQL mode) and PostgreSQL.
--
-- A held opt-in is a contact_change row in state HELD; these tables add what the ledger row cannot carry.

-- One row per Salesforce transaction that opted contacts in (opt-outs never come here): how many opt-ins intake
-- has recorded for it so far, across however many change events carried them, and whether (and why) it is held.
-- A small tally per transaction instead of an index on contact_change.transaction_key: intake writes it only for
-- opt-in events, so recording opt-outs costs nothing more, and counting a transaction never scans the ledger.
create table guard_transaction (
    transaction_key   varchar(64)  primary key,  -- CDC transactionKey (or "event:<event id>" when an event has none)
    opt_ins           integer      not null,     -- opt-ins recorded for the transaction so far
    first_event_id    varchar(64)  not null,     -- its first opt-in event: earlier rows start at that event's ids
    change_origin     varchar(255),
    commit_user       varchar(18),
    commit_timestamp  timestamp with time zone,
    first_seen_at     timestamp with time zone not null,
    held_at           timestamp with time zone,  -- null: not held (a person's change)
    held_reason       varchar(255)                -- BULK_ORIGIN or MASS_TRANSACTION, with the figures
);

-- Tidying forgets transactions that were never held once they are old; held ones stay as the record of the hold.
create index ix_guard_transaction_seen on guard_transaction (first_seen_at);

-- What an admin decided for each held opt-in, and (on reject with restore) writing the opt-out back to Salesforce.
create table guard_resolution (
    change_id         bigint       primary key references contact_change (id),
    contact_id        varchar(18)  not null,
    transaction_key   varchar(64),
    decision          varchar(16)  not null,     -- RELEASED | SUPERSEDED | REJECTED
    decided_at        timestamp with time zone not null,
    superseded_by     bigint,                    -- SUPERSEDED: the contact's later change
    restore_state     varchar(16),               -- REJECTED only: PENDING | DONE | SKIPPED | FAILED (null: not asked)
    restore_attempts  integer      not null default 0,
    restore_next_at   timestamp with time zone,  -- due time of the next attempt, also the lease while one runs
    restore_error     varchar(4000),
    restored_at       timestamp with time zone
);

create index ix_guard_resolution_restore on guard_resolution (restore_state, restore_next_at);
