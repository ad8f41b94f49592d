package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
)

// TestConformanceGroupedFacts runs the suite with the grouped StatusFacts
// query that PostgreSQL uses (Dialect.SeekFacts off), so that both forms of
// the query are checked on every run, with or without PostgreSQL.
func TestConformanceGroupedFacts(t *testing.T) {
	dialect := sqlite.Dialect()
	dialect.SeekFacts = false
	storetest.Run(t, func(t *testing.T) retention.Store {
		db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(t.TempDir(), "dcrc.sqlite")))
		if err != nil {
			t.Fatal(err)
		}
		s, err := sqlstore.New(context.Background(), db, dialect, nil)
		if err != nil {
			db.Close()
			t.Fatal(err)
		}
		s.Own()
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) retention.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dcrc.sqlite"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
