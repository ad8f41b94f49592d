package sqlite_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
)

func TestMigrationsApplyOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.sqlite")
	for range 2 { // the second open finds the schema in place
		s, err := sqlite.Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		var versions []string
		rows, err := s.DB().QueryContext(ctx, `SELECT name FROM dcrc_schema_versions ORDER BY version`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			rows.Scan(&n)
			versions = append(versions, n)
		}
		rows.Close()
		if diff := cmp.Diff([]string{"0001_init.sql", "0002_contacts_sorted.sql", "0003_contacts_by_subject.sql", "0004_customers_part.sql"}, versions); diff != "" {
			t.Errorf("versions (-want +got):\n%s", diff)
		}
		s.Close()
	}
}

func TestMigrationsFS(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		fsys, err := sqlstore.Migrations(dialect)
		if err != nil {
			t.Fatal(err)
		}
		names, _ := fs.Glob(fsys, "*.sql")
		if diff := cmp.Diff([]string{"0001_init.sql", "0002_contacts_sorted.sql", "0003_contacts_by_subject.sql", "0004_customers_part.sql"}, names); diff != "" {
			t.Errorf("%s migrations (-want +got):\n%s", dialect, diff)
		}
	}
	if _, err := sqlstore.Migrations("oracle"); err == nil {
		t.Error("migrations for an unknown dialect")
	}
}

func TestSkipMigrations(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "m.sqlite"), &sqlstore.Options{SkipMigrations: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Dealers(context.Background()); err == nil {
		t.Error("a store without its schema answered")
	}
}

func TestOpenRefusesMemory(t *testing.T) {
	for _, path := range []string{"", ":memory:"} {
		if _, err := sqlite.Open(context.Background(), path, nil); !errors.Is(err, retention.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", path, err)
		}
	}
}

// TestErrorCodes checks the translation of driver errors by numeric code.
func TestErrorCodes(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	kind := sqlite.Dialect().Kind
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO dealers (id, name, region) VALUES ('D1', '', '')`); err != nil {
		t.Fatal(err)
	}
	_, err := s.DB().ExecContext(ctx, `INSERT INTO dealers (id, name, region) VALUES ('D1', '', '')`)
	if got := kind(err); got != retention.ErrConflict {
		t.Errorf("duplicate key: %v (%v), want conflict", got, err)
	}
	_, err = s.DB().ExecContext(ctx, `INSERT INTO visits (id, vin, dealer, opened_on, closed_on, odometer_km, kind, advisor,
		technician, complaint_codes, amount) VALUES ('R', 'NOPE', 'D1', '', '', 0, '', '', '', '[]', '0')`)
	if got := kind(err); got != retention.ErrInvalid {
		t.Errorf("foreign key: %v (%v), want invalid", got, err)
	}
	if got := kind(errors.New("other")); got != 0 {
		t.Errorf("a plain error: %v", got)
	}
}

// TestUpgradeFiles: contact attempts recorded under migration 0002 (no
// subject column) and customers written before 0004 (no hash column) are
// filed when a store of this version opens the database: the attempts
// stream with their customers, and the customers by partition.
func TestUpgradeFiles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.sqlite")
	old, err := sqlite.Open(ctx, path, &sqlstore.Options{SkipMigrations: true})
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := sqlstore.Migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.DB().ExecContext(ctx, `CREATE TABLE dcrc_schema_versions (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"0001_init.sql", "0002_contacts_sorted.sql"} {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := old.DB().ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := old.DB().ExecContext(ctx, `INSERT INTO dcrc_schema_versions (version, name, applied_at) VALUES ($1, $2, '')`,
			name[:4], name); err != nil {
			t.Fatal(err)
		}
	}
	// What the previous version wrote.
	for _, q := range []string{
		`INSERT INTO dealers (id, name, region) VALUES ('D1', '', '')`,
		`INSERT INTO models VALUES ('M1', '', 'passenger', 5000, 6, 36, 100000, 0, 40)`,
		`INSERT INTO customers VALUES ('C1', '', '', NULL, 'individual', 0, '', 0, 0, 0),
			('C-EDGE-FPZRLSE', '', '', NULL, 'individual', 0, '', 0, 0, 0),
			('C-EDGE-6QILCL', '', '', NULL, 'individual', 0, '', 0, 0, 0)`,
		`INSERT INTO vehicles VALUES ('V1', 'C1', 'M1', 'D1', '2025-01-31', 0, '', '0', 'first', 0, NULL, NULL, 0)`,
		`INSERT INTO contacts (task, at, channel, outcome, loss_reason, preferred_channel, preferred_time)
			VALUES ('maintenance-due/V1/2026-08-31', '2026-09-01T10:00:00.000000Z', 'phone', 'no-answer', '', '', ''),
			('birthday/C1/2026-11-28', '2026-11-20T10:00:00.000000Z', 'sms', 'reached', '', '', ''),
			('nonsense', '2026-11-20T10:00:00.000000Z', 'sms', 'reached', '', '', '')`,
	} {
		if _, err := old.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	s, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var tasks []string
	for cc, err := range s.CustomerContacts(ctx, retention.HistoryFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cc.Contacts {
			tasks = append(tasks, cc.Customer+" "+c.Task)
		}
	}
	if diff := cmp.Diff([]string{"C1 maintenance-due/V1/2026-08-31", "C1 birthday/C1/2026-11-28"}, tasks); diff != "" {
		t.Errorf("contacts after the upgrade (-want +got):\n%s", diff)
	}
	var unfiled int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM contacts WHERE subject IS NULL`).Scan(&unfiled); err != nil || unfiled != 0 {
		t.Errorf("%d contacts left unfiled (%v)", unfiled, err)
	}
	if n, err := s.FileContacts(ctx); n != 0 || err != nil {
		t.Errorf("FileContacts again = %d, %v; want 0", n, err)
	}
	// C-EDGE-FPZRLSE's hash is 2^31-1, the last of the first half;
	// C-EDGE-6QILCL's 2^31, the first of the second (neither has a
	// vehicle); C1's is 2,279,222,777.
	for p, want := range [][]string{{"C-EDGE-FPZRLSE"}, {"C-EDGE-6QILCL", "C1"}} {
		var got []string
		for c, err := range s.CustomersIn(ctx, retention.HistoryFilter{Partition: p, Partitions: 2}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, c.ID)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("customers of partition %d of 2 after the upgrade (-want +got):\n%s", p, diff)
		}
	}
	if n, err := s.FileCustomers(ctx); n != 0 || err != nil {
		t.Errorf("FileCustomers again = %d, %v; want 0", n, err)
	}
}
