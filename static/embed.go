// Package static holds the browser assets: vendored HTMX (see VENDORED.md),
// the stylesheet and the small script that wires CSRF and errors into HTMX.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

// FS is served under /static/.
//
//go:embed *.js *.css *.LICENSE
var FS embed.FS

// versions are each asset's content hash, fixed when the binary is built.
var versions = hashAll()

// URL is the address pages link an asset by: its path with its content's
// hash (?v=…). A browser may then keep it for a year, and a deploy that
// changes it is fetched at once: with a plain path and an hour's caching,
// a phone could pair new pages with the old stylesheet for an hour (the
// tables' card labels, for one, live in the stylesheet).
func URL(name string) string {
	if v, ok := versions[name]; ok {
		return "/static/" + name + "?v=" + v
	}
	return "/static/" + name
}

func hashAll() map[string]string {
	out := map[string]string{}
	entries, err := fs.ReadDir(FS, ".")
	if err != nil {
		return out // links without versions: cached for an hour, as before
	}
	for _, e := range entries {
		b, err := FS.ReadFile(e.Name())
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:6])
	}
	return out
}
