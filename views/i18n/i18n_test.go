package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// verbRe finds fmt verbs such as %d, %s, %.1f (not a literal percent sign).
var verbRe = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[vdsfqxXtg]`)

func TestEveryMessageHasBothLanguages(t *testing.T) {
	for k, m := range messages {
		if strings.TrimSpace(m.zh) == "" || strings.TrimSpace(m.en) == "" {
			t.Errorf("%s: missing a language", k)
		}
		if len(verbRe.FindAllString(strings.ReplaceAll(m.zh, "%%", ""), -1)) != len(verbRe.FindAllString(strings.ReplaceAll(m.en, "%%", ""), -1)) {
			t.Errorf("%s: the languages take different arguments", k)
		}
	}
}

// Every literal key the code translates exists in the catalog, so no page
// shows a raw key.
func TestEveryKeyUsedExists(t *testing.T) {
	re := regexp.MustCompile(`(?:T|Tr|Add|Invalid|FieldError\{Key:)\(?\s*(?:ctx|c|i18n\.EN|loc|"[a-z_]+"),?\s*"([a-z0-9_]+\.[a-z0-9_.]+)"`)
	keyRe := regexp.MustCompile(`"((?:users|settings|login|today|audit|error|nav|common)\.[a-z0-9_.]+)"`)
	root := filepath.Join("..", "..")
	found := 0
	_ = filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.HasSuffix(path, "_templ.go") || strings.Contains(path, ".data") {
			return nil
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".templ") {
			return nil
		}
		if strings.HasPrefix(filepath.Base(path), "messages") || strings.HasSuffix(path, "i18n_test.go") {
			return nil
		}
		b, _ := os.ReadFile(path)
		for _, m := range append(re.FindAllStringSubmatch(string(b), -1), keyRe.FindAllStringSubmatch(string(b), -1)...) {
			key := m[1]
			if strings.HasSuffix(key, ".") {
				continue // a prefix the code completes, e.g. "role." + role
			}
			found++
			if !Has(key) {
				t.Errorf("%s: unknown key %q", path, key)
			}
		}
		return nil
	})
	if found < 50 {
		t.Errorf("found only %d key uses: the scan is broken", found)
	}
}
