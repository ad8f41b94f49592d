package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
)

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
