package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"gorm.io/gorm"
)

// CacheVersions is every cache counter as a request found it when it
// began, read in the same statement as its session (SessionStore.Load).
// A page that keeps copies of two sets (the board: the directory and the
// rota) then reads neither counter again: under load each statement is a
// round trip that waits for a core, and the pages with the most of them
// were the slow ones.
//
// The versions are as old as the request, which is what a counter read
// at the first use would give within a millisecond or two; a load made
// after them is at least that new, so storing it under them is safe (see
// getAt). They stop being used once the request writes: WithTx, every
// Exec, Create, Update or Delete through the Store and pgxConn mark them
// spent, and the next copy reads its counter again, so a request sees its
// own writes. The web layer only attaches them to GET and HEAD requests.
type CacheVersions struct {
	versions map[string]int64
	spent    atomic.Bool
}

type cacheVersionsKey struct{}

// WithCacheVersions returns ctx carrying v for the copies read under it.
// A nil v leaves ctx as it is.
func WithCacheVersions(ctx context.Context, v *CacheVersions) context.Context {
	if v == nil {
		return ctx
	}
	return context.WithValue(ctx, cacheVersionsKey{}, v)
}

// cacheVersionsSQL lists the counters as "name=version,…" so the session
// statement can carry them in one text column.
const cacheVersionsSQL = `(SELECT string_agg(name || '=' || version, ',') FROM cache_versions)`

// parseCacheVersions reads cacheVersionsSQL's column; anything malformed
// gives no snapshot (every copy reads its counter, as without one).
func parseCacheVersions(s string) *CacheVersions {
	if s == "" {
		return nil
	}
	v := &CacheVersions{versions: map[string]int64{}}
	for _, kv := range strings.Split(s, ",") {
		name, num, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil {
			return nil
		}
		v.versions[name] = n
	}
	return v
}

// ReadCacheVersions reads every counter in a statement of its own (tests
// and tools; a request gets them with its session).
func (s *Store) ReadCacheVersions(ctx context.Context) (*CacheVersions, error) {
	var text string
	if err := s.conn(ctx).Raw(`SELECT coalesce(` + cacheVersionsSQL + `, '')`).Row().Scan(&text); err != nil {
		return nil, fmt.Errorf("models: cache versions: %w", err)
	}
	return parseCacheVersions(text), nil
}

// snapshotVersion is name's counter from ctx's snapshot, if it has one
// that this request's writes have not spent.
func snapshotVersion(ctx context.Context, name string) (int64, bool) {
	v, ok := ctx.Value(cacheVersionsKey{}).(*CacheVersions)
	if !ok || v.spent.Load() {
		return 0, false
	}
	n, ok := v.versions[name]
	return n, ok
}

// spendCacheVersions marks ctx's snapshot spent: the request is writing.
func spendCacheVersions(ctx context.Context) {
	if ctx == nil {
		return
	}
	if v, ok := ctx.Value(cacheVersionsKey{}).(*CacheVersions); ok {
		v.spent.Store(true)
	}
}

// registerSpendOnWrite marks a request's snapshot spent before every
// Exec, Create, Update or Delete made through db, inside a transaction or
// not, so a write the request makes outside WithTx is seen too. A write
// read back with Raw(…).Scan or Row passes none of these callbacks: the
// Store makes those only inside WithTx, which spends the snapshot first.
// Writes through pgx itself take their connection with pgxConn, which
// spends it.
func registerSpendOnWrite(db *gorm.DB) error {
	spend := func(tx *gorm.DB) { spendCacheVersions(tx.Statement.Context) }
	cb := db.Callback()
	for _, err := range []error{
		cb.Raw().Before("gorm:raw").Register("kefudesk:spend_cache_versions", spend),
		cb.Create().Before("gorm:create").Register("kefudesk:spend_cache_versions", spend),
		cb.Update().Before("gorm:update").Register("kefudesk:spend_cache_versions", spend),
		cb.Delete().Before("gorm:delete").Register("kefudesk:spend_cache_versions", spend),
	} {
		if err != nil {
			return fmt.Errorf("models: register cache version callback: %w", err)
		}
	}
	return nil
}
