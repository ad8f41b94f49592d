package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/postgres"
	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
)

// dsn returns the test server's DSN, or skips the test: PostgreSQL tests run
// when DCRC_POSTGRES_DSN names a server (.ci/run starts one).
func dsn(t testing.TB) string {
	t.Helper()
	v := os.Getenv("DCRC_POSTGRES_DSN")
	if v == "" {
		t.Skip("DCRC_POSTGRES_DSN is not set: skipping the PostgreSQL tests (.ci/run starts a server and sets it)")
	}
	return v
}

var schemas atomic.Int64

// withSchema returns the DSN with search_path set to a new, empty schema
// that is dropped when the test ends.
func withSchema(t testing.TB, base string) string {
	t.Helper()
	name := fmt.Sprintf("dcrc_test_%d_%d", time.Now().UnixNano(), schemas.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			admin.Exec("DROP SCHEMA " + name + " CASCADE")
			admin.Close()
		}
	})
	if strings.Contains(base, "://") {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return base + " search_path=" + name
}

func TestConformance(t *testing.T) {
	base := dsn(t)
	storetest.Run(t, func(t *testing.T) retention.Store {
		s, err := postgres.Open(context.Background(), withSchema(t, base), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
