package models_test

import (
	"io"
	"log/slog"

	"gorm.io/gorm"
)

type gormDB = gorm.DB

func testLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
