-- dcrc schema, SQLite. Dates are ISO TEXT (YYYY-MM-DD), instants fixed-width
-- UTC TEXT (so that text order is time order), money TEXT (exact decimals).
CREATE TABLE dealers (
	id     TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	region TEXT NOT NULL
);
CREATE TABLE models (
	id                      TEXT PRIMARY KEY,
	series                  TEXT NOT NULL,
	kind                    TEXT NOT NULL,
	service_interval_km     INTEGER NOT NULL,
	service_interval_months INTEGER NOT NULL,
	warranty_months         INTEGER NOT NULL,
	warranty_km             INTEGER NOT NULL,
	long_first_service      INTEGER NOT NULL,
	default_daily_km        REAL NOT NULL
);
CREATE TABLE customers (
	id                      TEXT PRIMARY KEY,
	name                    TEXT NOT NULL,
	phone                   TEXT NOT NULL,
	birthday                TEXT,
	kind                    TEXT NOT NULL,
	vip                     INTEGER NOT NULL,
	region                  TEXT NOT NULL,
	do_not_contact          INTEGER NOT NULL,
	referrals               INTEGER NOT NULL,
	allow_service_followups INTEGER NOT NULL
);
CREATE TABLE vehicles (
	vin                  TEXT PRIMARY KEY,
	customer             TEXT NOT NULL REFERENCES customers (id),
	model                TEXT NOT NULL REFERENCES models (id),
	dealer               TEXT NOT NULL REFERENCES dealers (id),
	delivered_on         TEXT NOT NULL,
	delivery_odometer_km INTEGER NOT NULL,
	sales_consultant     TEXT NOT NULL,
	price                TEXT NOT NULL,
	purchase             TEXT NOT NULL,
	scrapped             INTEGER NOT NULL,
	insurance_expires_on TEXT,
	inspection_due_on    TEXT,
	part                 INTEGER NOT NULL -- FNV-1a of the customer id: retention.PartitionOf
);
CREATE INDEX vehicles_by_customer ON vehicles (customer, vin);
CREATE TABLE visits (
	id              TEXT PRIMARY KEY,
	vin             TEXT NOT NULL REFERENCES vehicles (vin),
	dealer          TEXT NOT NULL REFERENCES dealers (id),
	opened_on       TEXT NOT NULL,
	closed_on       TEXT NOT NULL,
	odometer_km     INTEGER NOT NULL,
	kind            TEXT NOT NULL,
	advisor         TEXT NOT NULL,
	technician      TEXT NOT NULL,
	complaint_codes TEXT NOT NULL, -- JSON array
	amount          TEXT NOT NULL
);
CREATE INDEX visits_by_vehicle ON visits (vin, opened_on, id);
CREATE TABLE contacts (
	seq               INTEGER PRIMARY KEY,
	task              TEXT NOT NULL,
	at                TEXT NOT NULL,
	channel           TEXT NOT NULL,
	outcome           TEXT NOT NULL,
	loss_reason       TEXT NOT NULL,
	preferred_channel TEXT NOT NULL,
	preferred_time    TEXT NOT NULL
);
CREATE INDEX contacts_by_at ON contacts (at, seq);
CREATE INDEX contacts_by_task ON contacts (task);
CREATE TABLE complaints (
	id              TEXT PRIMARY KEY,
	customer        TEXT NOT NULL REFERENCES customers (id),
	vin             TEXT NOT NULL,
	severity        TEXT NOT NULL,
	category        TEXT NOT NULL,
	source          TEXT NOT NULL,
	received_at     TEXT NOT NULL,
	acknowledged_at TEXT,
	solved_at       TEXT,
	closed_at       TEXT
);
CREATE TABLE surveys (
	seq       INTEGER PRIMARY KEY,
	customer  TEXT NOT NULL REFERENCES customers (id),
	touch     TEXT NOT NULL,
	at        TEXT NOT NULL,
	answers   TEXT NOT NULL, -- JSON object
	recommend INTEGER,
	advisor   TEXT NOT NULL
);
CREATE INDEX surveys_by_at ON surveys (at, seq);
CREATE TABLE tasks (
	key         TEXT PRIMARY KEY,
	touch       TEXT NOT NULL,
	customer    TEXT NOT NULL,
	vin         TEXT NOT NULL,
	anchor      TEXT NOT NULL,
	dealer      TEXT NOT NULL,
	owner       TEXT NOT NULL,
	channel     TEXT NOT NULL,
	time_window TEXT NOT NULL,
	due_on      TEXT NOT NULL,
	expires_on  TEXT NOT NULL,
	priority    INTEGER NOT NULL,
	attempts    INTEGER NOT NULL,
	reason      TEXT NOT NULL
);
CREATE INDEX tasks_by_due ON tasks (due_on, key);
