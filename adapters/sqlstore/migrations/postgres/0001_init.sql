-- dcrc schema, PostgreSQL. Keys use COLLATE "C" so that ORDER BY agrees with
-- Go's byte order whatever the cluster's locale.
CREATE TABLE dealers (
	id     TEXT COLLATE "C" PRIMARY KEY,
	name   TEXT NOT NULL,
	region TEXT NOT NULL
);
CREATE TABLE models (
	id                      TEXT COLLATE "C" PRIMARY KEY,
	series                  TEXT NOT NULL,
	kind                    TEXT NOT NULL,
	service_interval_km     INTEGER NOT NULL,
	service_interval_months INTEGER NOT NULL,
	warranty_months         INTEGER NOT NULL,
	warranty_km             INTEGER NOT NULL,
	long_first_service      BOOLEAN NOT NULL,
	default_daily_km        DOUBLE PRECISION NOT NULL
);
CREATE TABLE customers (
	id                      TEXT COLLATE "C" PRIMARY KEY,
	name                    TEXT NOT NULL,
	phone                   TEXT NOT NULL,
	birthday                DATE,
	kind                    TEXT NOT NULL,
	vip                     BOOLEAN NOT NULL,
	region                  TEXT NOT NULL,
	do_not_contact          BOOLEAN NOT NULL,
	referrals               INTEGER NOT NULL,
	allow_service_followups BOOLEAN NOT NULL
);
CREATE TABLE vehicles (
	vin                  TEXT COLLATE "C" PRIMARY KEY,
	customer             TEXT COLLATE "C" NOT NULL REFERENCES customers (id),
	model                TEXT COLLATE "C" NOT NULL REFERENCES models (id),
	dealer               TEXT COLLATE "C" NOT NULL REFERENCES dealers (id),
	delivered_on         DATE NOT NULL,
	delivery_odometer_km INTEGER NOT NULL,
	sales_consultant     TEXT NOT NULL,
	price                NUMERIC NOT NULL,
	purchase             TEXT NOT NULL,
	scrapped             BOOLEAN NOT NULL,
	insurance_expires_on DATE,
	inspection_due_on    DATE,
	part                 BIGINT NOT NULL -- FNV-1a of the customer id: retention.PartitionOf
);
CREATE INDEX vehicles_by_customer ON vehicles (customer, vin);
CREATE TABLE visits (
	id              TEXT COLLATE "C" PRIMARY KEY,
	vin             TEXT COLLATE "C" NOT NULL REFERENCES vehicles (vin),
	dealer          TEXT COLLATE "C" NOT NULL REFERENCES dealers (id),
	opened_on       DATE NOT NULL,
	closed_on       DATE NOT NULL,
	odometer_km     INTEGER NOT NULL,
	kind            TEXT NOT NULL,
	advisor         TEXT NOT NULL,
	technician      TEXT NOT NULL,
	complaint_codes TEXT NOT NULL, -- JSON array
	amount          NUMERIC NOT NULL
);
CREATE INDEX visits_by_vehicle ON visits (vin, opened_on, id);
CREATE TABLE contacts (
	seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	task              TEXT COLLATE "C" NOT NULL,
	at                TIMESTAMPTZ NOT NULL,
	channel           TEXT NOT NULL,
	outcome           TEXT NOT NULL,
	loss_reason       TEXT NOT NULL,
	preferred_channel TEXT NOT NULL,
	preferred_time    TEXT NOT NULL
);
CREATE INDEX contacts_by_at ON contacts (at, seq);
CREATE INDEX contacts_by_task ON contacts (task);
CREATE TABLE complaints (
	id              TEXT COLLATE "C" PRIMARY KEY,
	customer        TEXT COLLATE "C" NOT NULL REFERENCES customers (id),
	vin             TEXT COLLATE "C" NOT NULL,
	severity        TEXT NOT NULL,
	category        TEXT NOT NULL,
	source          TEXT NOT NULL,
	received_at     TIMESTAMPTZ NOT NULL,
	acknowledged_at TIMESTAMPTZ,
	solved_at       TIMESTAMPTZ,
	closed_at       TIMESTAMPTZ
);
CREATE TABLE surveys (
	seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer  TEXT COLLATE "C" NOT NULL REFERENCES customers (id),
	touch     TEXT NOT NULL,
	at        TIMESTAMPTZ NOT NULL,
	answers   TEXT NOT NULL, -- JSON object
	recommend INTEGER,
	advisor   TEXT NOT NULL
);
CREATE INDEX surveys_by_at ON surveys (at, seq);
CREATE TABLE tasks (
	key         TEXT COLLATE "C" PRIMARY KEY,
	touch       TEXT NOT NULL,
	customer    TEXT COLLATE "C" NOT NULL,
	vin         TEXT COLLATE "C" NOT NULL,
	anchor      DATE NOT NULL,
	dealer      TEXT NOT NULL,
	owner       TEXT NOT NULL,
	channel     TEXT NOT NULL,
	time_window TEXT NOT NULL,
	due_on      DATE NOT NULL,
	expires_on  DATE NOT NULL,
	priority    INTEGER NOT NULL,
	attempts    INTEGER NOT NULL,
	reason      TEXT NOT NULL
);
CREATE INDEX tasks_by_due ON tasks (due_on, key);
