// Package testdb gives each test its own PostgreSQL database, cloned from a
// template that was migrated once, so tests run in parallel against the real
// schema and leave nothing behind.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for the admin connection
	"gorm.io/gorm"

	"kefudesk/migrations"
	"kefudesk/models"
)

var (
	once     sync.Once
	template string
	setupErr error
)

// URL returns the server's URL; tests need DATABASE_URL (make test sets it).
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		t.Fatal("DATABASE_URL is not set: run the tests with 'make test', which starts a private PostgreSQL")
	}
	return u
}

// New returns a connection to a fresh, migrated database, and its URL.
func New(t testing.TB) (*gorm.DB, string) {
	t.Helper()
	return newNamed(t, "kefudesk_test_"+randomHex(6))
}

// NewBench is New for code that only writes to benchmark databases: the
// database's name ends in _bench.
func NewBench(t testing.TB) (*gorm.DB, string) {
	t.Helper()
	return newNamed(t, "kefudesk_test_"+randomHex(6)+"_bench")
}

func newNamed(t testing.TB, name string) (*gorm.DB, string) {
	t.Helper()
	base := URL(t)
	once.Do(func() { template, setupErr = ensureTemplate(base) })
	if setupErr != nil {
		t.Fatalf("testdb: %v", setupErr)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("testdb: open admin connection: %v", err)
	}
	defer admin.Close()
	if err := withLock(admin, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(context.Background(), fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, template))
		return err
	}); err != nil {
		t.Fatalf("testdb: create %s: %v", name, err)
	}
	dsn := withDatabase(base, name)
	db, err := models.Open(dsn)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() {
		models.SQLDB(db).Close()
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("testdb: reopen admin: %v", err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	return db, dsn
}

// ensureTemplate creates and migrates the template database once per schema:
// its name carries a hash of the migrations, so a new migration makes a new one.
func ensureTemplate(base string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	name := "kefudesk_tpl_" + hex.EncodeToString(h.Sum(nil))[:12]
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", fmt.Errorf("open admin connection: %w", err)
	}
	defer admin.Close()
	// Test binaries of several packages run at once: the lock makes one
	// of them build the template while the others wait.
	err = withLock(admin, func(conn *sql.Conn) error {
		ctx := context.Background()
		var ready bool
		err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&ready)
		if err != nil || ready {
			return err
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
			return err
		}
		tpl, err := sql.Open("pgx", withDatabase(base, name))
		if err != nil {
			return err
		}
		if _, err := models.Migrate(ctx, tpl); err != nil {
			tpl.Close()
			return err
		}
		tpl.Close()
		_, err = conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %s WITH IS_TEMPLATE true`, name))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("prepare template %s: %w", name, err)
	}
	return name, nil
}

// withLock runs fn holding a server-wide advisory lock: CREATE DATABASE
// from one template fails if another clone of it is under way.
func withLock(db *sql.DB, fn func(*sql.Conn) error) error {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	const key = 7715_2026
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, key) //nolint:errcheck // closing the conn releases it anyway
	return fn(conn)
}

func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
