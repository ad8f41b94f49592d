-- Contact attempts are filed by what their task is about (the VIN or the
-- customer id: retention.TaskSubject), so that each customer's attempts can
-- be streamed with its histories (CustomerContacts) instead of the whole log
-- being held. The subject is parsed from the task key in Go: rows recorded
-- before this migration keep NULL until the store files them when it opens.
ALTER TABLE contacts ADD COLUMN subject TEXT COLLATE "C";
CREATE INDEX contacts_by_subject ON contacts (subject, at, seq);
