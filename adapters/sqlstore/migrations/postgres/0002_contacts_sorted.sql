-- The contact log is read whole, by time (Contacts): sorting the table is
-- faster than walking an index on the time and fetching each row from it
-- (measured on SQLite: 1.8 s against 0.9 s for 223,639 contacts), and
-- appends no longer maintain the index.
DROP INDEX contacts_by_at;
