package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"

	"gorm.io/gorm"
)

// versionedCache keeps reads of a slow-changing set of tables for as long
// as the database's counter for that set (cache_versions, bumped by a
// statement trigger on every write, migration 00053) stays where it was.
// Each use costs one primary-key read of the counter instead of the query
// it stands for (none on a GET, whose counters came with its session:
// CacheVersions), and a write is seen by the next request, whichever
// process made it: there is no time-to-live to wait out.
type versionedCache[K comparable, V any] struct {
	name    string
	mu      sync.Mutex
	version int64
	vals    map[K]V
}

// maxCachedKeys bounds a cache's map. The keys in use are today's and this
// week's, once for the shop and once per agent looking at their own (300
// agents in a big shop); each value is a few dozen rows.
const maxCachedKeys = 1024

func newVersionedCache[K comparable, V any](name string) *versionedCache[K, V] {
	return &versionedCache[K, V]{name: name, vals: map[K]V{}}
}

// get returns the value under key, loading it when the counter moved: the
// counter as the request found it (CacheVersions) when it carries one its
// writes have not spent, else read now. A read inside a transaction
// always loads: it must see the transaction's own writes, which the
// counter does not show until commit.
func (c *versionedCache[K, V]) get(ctx context.Context, s *Store, key K, load func(context.Context) (V, error)) (V, error) {
	if version, ok := snapshotVersion(ctx, c.name); ok {
		return c.getAt(ctx, version, key, load)
	}
	version, err := cacheVersion(ctx, s, c.name)
	if err != nil {
		var zero V
		return zero, err
	}
	return c.getAt(ctx, version, key, load)
}

// readThrough is the version of a copy that must not be used: inside a
// transaction, or without a counter.
const readThrough = -1

// cacheVersion reads the counter of the named set of tables now, for a
// request without a CacheVersions its writes have not spent. (The
// performance page reads the 'sales' counter in its totals' statement
// instead, salesPeriod, so its copies match the totals it shows.)
func cacheVersion(ctx context.Context, s *Store, name string) (int64, error) {
	if _, inTx := ctx.Value(txKey{}).(*gorm.DB); inTx {
		return readThrough, nil
	}
	var version int64
	err := s.conn(ctx).Raw(`SELECT version FROM cache_versions WHERE name = ?`, name).Row().Scan(&version)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Without its counter a copy could never be known stale: read through.
		return readThrough, nil
	case err != nil:
		return 0, fmt.Errorf("models: %s version: %w", name, err)
	}
	return version, nil
}

// getAt is get at a counter value read by cacheVersion for c's name.
func (c *versionedCache[K, V]) getAt(ctx context.Context, version int64, key K, load func(context.Context) (V, error)) (V, error) {
	// A transaction's reads may hold its own uncommitted writes: never kept,
	// whatever version the caller read.
	if _, inTx := ctx.Value(txKey{}).(*gorm.DB); inTx || version == readThrough {
		return load(ctx)
	}
	c.mu.Lock()
	v, ok := c.vals[key]
	ok = ok && c.version == version
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	// The load runs after the counter was read, so it sees at least that
	// version; storing it under that version is safe even if it is newer.
	v, err := load(ctx)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version < c.version:
		return v, nil // a newer load already replaced the map
	case version > c.version || len(c.vals) >= maxCachedKeys:
		c.version, c.vals = version, map[K]V{}
	}
	c.vals[key] = v
	return v, nil
}

// caches are the Store's versioned copies.
type caches struct {
	users *versionedCache[struct{}, []User]
	// people is the directory indexed for attribution (nicks and names
	// to users), built from users: 4% of the server's CPU when the
	// performance pages built it on every view.
	people *versionedCache[struct{}, AgentPeople]
	rota   *versionedCache[rotaKey, []ShiftDay]
	sales  *versionedCache[salesKey, []salesAgentRow]
	trend  *versionedCache[salesKey, []salesTrendRow]
	tags   *versionedCache[struct{}, []string]
}

func newCaches() caches {
	return caches{
		users:  newVersionedCache[struct{}, []User]("directory"),
		people: newVersionedCache[struct{}, AgentPeople]("directory"),
		rota:   newVersionedCache[rotaKey, []ShiftDay]("rota"),
		sales:  newVersionedCache[salesKey, []salesAgentRow]("sales"),
		trend:  newVersionedCache[salesKey, []salesTrendRow]("sales"),
		tags:   newVersionedCache[struct{}, []string]("vip_tags"),
	}
}

// salesKey is one period of the daily sales figures, of one agent or all.
type salesKey struct {
	from, to string
	userID   int64
}

// rotaKey is one read of the published rota.
type rotaKey struct {
	userID int64
	from   string
	days   int
}

// cloneUsers gives each caller its own slice (callers sort and filter);
// the nick slices inside are shared and never written after a load.
func cloneUsers(us []User) []User { return slices.Clone(us) }

// cloneShiftDays copies cached rows; spans are filled per caller because
// they depend on the shift times in the settings of the moment.
func cloneShiftDays(ds []ShiftDay) []ShiftDay { return slices.Clone(ds) }
