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
		if diff := cmp.Diff([]string{"0001_init.sql", "0002_contacts_sorted.sql"}, versions); diff != "" {
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
		if diff := cmp.Diff([]string{"0001_init.sql", "0002_contacts_sorted.sql"}, names); diff != "" {
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
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "e.sqlite"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	kind := sqlite.Dialect().Kind
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO dealers (id, name, region) VALUES ('D1', '', '')`); err != nil {
		t.Fatal(err)
	}
	_, err = s.DB().ExecContext(ctx, `INSERT INTO dealers (id, name, region) VALUES ('D1', '', '')`)
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
