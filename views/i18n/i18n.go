// Package i18n is the message catalog: every string a page shows, in
// Simplified Chinese (the default) and English.
package i18n

import (
	"context"
	"fmt"
	"strings"
)

// The languages the dashboard speaks.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Locales lists the languages in the order the switch shows them.
var Locales = []string{ZH, EN}

type ctxKey struct{}

// WithLocale returns a context whose pages speak loc.
func WithLocale(ctx context.Context, loc string) context.Context {
	return context.WithValue(ctx, ctxKey{}, Normalize(loc))
}

// Locale is the language of the request behind ctx.
func Locale(ctx context.Context) string {
	if l, ok := ctx.Value(ctxKey{}).(string); ok {
		return l
	}
	return ZH
}

// Normalize maps anything that is not English to Chinese, the shop's language.
func Normalize(loc string) string {
	if strings.HasPrefix(strings.ToLower(loc), "en") {
		return EN
	}
	return ZH
}

// T translates key into the request's language, formatting args into it.
// A missing key shows itself, so a gap is visible rather than blank.
func T(ctx context.Context, key string, args ...any) string {
	return Tr(Locale(ctx), key, args...)
}

// Tr translates key into loc.
func Tr(loc, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m.zh
	if loc == EN {
		s = m.en
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether the catalog knows key.
func Has(key string) bool { _, ok := messages[key]; return ok }

type msg struct{ zh, en string }
