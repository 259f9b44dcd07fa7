package models_test

import (
	"io"
	"log/slog"

	"gorm.io/gorm"

	"kefudesk/models/scoring"
)

type gormDB = gorm.DB

func testLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func fullRatings() map[string]scoring.Rating {
	out := map[string]scoring.Rating{}
	for _, c := range scoring.Default().Categories() {
		_, hi := c.Scale.Bounds()
		out[c.ID] = scoring.Rating{Value: hi}
	}
	return out
}
