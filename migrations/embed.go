// Package migrations holds the SQL schema, applied in order by goose.
// The files are embedded so the binary migrates itself: no loose SQL to ship.
package migrations

import "embed"

// FS holds every migration file; goose reads them in version order.
//
//go:embed *.sql
var FS embed.FS
