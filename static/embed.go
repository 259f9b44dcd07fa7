// Package static holds the browser assets: vendored HTMX (see VENDORED.md),
// the stylesheet and the small script that wires CSRF and errors into HTMX.
package static

import "embed"

// FS is served under /static/.
//
//go:embed *.js *.css *.LICENSE
var FS embed.FS
