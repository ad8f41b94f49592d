package memstore_test

import (
	"testing"

	"github.com/dcrc-go/dcrc/adapters/memstore"
	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) retention.Store { return memstore.New() })
}
