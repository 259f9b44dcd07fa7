package models_test

import (
	"context"
	"testing"

	"kefudesk/models"
	"kefudesk/models/demo"
)

// demoStore is a store holding the demo shop, for tests that check one
// read against another over a shop's worth of rows.
func demoStore(t *testing.T) (*models.Store, context.Context) {
	t.Helper()
	s, _ := newStore(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s, ctx
}
