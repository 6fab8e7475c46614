-- One row, locked (select ... for update) first by every transaction that compares a contact's known value and
-- then records a change (LedgerWrites), so that such transactions run one after the other across every instance
-- sharing the database, not only within one JVM. Runs unchanged on H2 (PostgreSQL mode) and PostgreSQL.
create table ledger_write_lock (
    name              varchar(32)  primary key
);

insert into ledger_write_lock (name) values ('ledger');
