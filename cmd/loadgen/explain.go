package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"

	"gorm.io/gorm"

	"kefudesk/handlers"
	"kefudesk/models"
	"kefudesk/models/live"
)

// pageSQL is what one page asks of PostgreSQL: its statements and their
// planning plus execution time as EXPLAIN ANALYZE measures them, without
// the network, the driver, Go or the template around them.
type pageSQL struct {
	Queries int     `json:"queries"`
	SQLms   float64 `json:"sql_ms"`
	Slowest string  `json:"slowest,omitempty"`
	SlowMs  float64 `json:"slowest_ms,omitempty"`
	// Statements are the page's statements in order, each with its time,
	// for the JSON report: what to merge when a page runs too many.
	Statements []string `json:"statements,omitempty"`
}

type statement struct {
	sql  string
	vars []any
}

type captureKey struct{}

// capture collects the statements of the requests that carry it.
type capture struct {
	mu    sync.Mutex
	stmts []statement
}

// explainPages serves the plan's pages in this process on the database at
// dsn, records every statement each page runs, and EXPLAIN ANALYZEs them
// one by one (inside a transaction that is rolled back, so a page's writes,
// such as a session touch, leave nothing behind).
func explainPages(ctx context.Context, dsn string, plan []step) (map[string]pageSQL, error) {
	db, err := models.Open(dsn)
	if err != nil {
		return nil, err
	}
	defer models.SQLDB(db).Close()
	if err := registerCapture(db); err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := live.NewHub(dsn, log)
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go hub.Run(hctx)
	stop := make(chan struct{})
	defer close(stop)
	srv := handlers.New(handlers.Config{
		Store: models.NewStore(db), Sessions: models.NewSessionStore(db, []byte("loadgen-explain-secret-0123456789abcdef"), false),
		Hub: hub, Log: log, LoginPolicy: models.DefaultLoginPolicy, Stop: stop, Background: hctx,
	})
	var cur *capture
	var curMu sync.Mutex
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		curMu.Lock()
		c := cur
		curMu.Unlock()
		if c != nil {
			ctx := context.WithValue(r.Context(), captureKey{}, c)
			// A batch's statements pass no gorm callback: the store
			// reports them as it sends them.
			ctx = models.WithStatementObserver(ctx, func(sql string, vars []any) {
				c.mu.Lock()
				c.stmts = append(c.stmts, statement{sql, append([]any(nil), vars...)})
				c.mu.Unlock()
			})
			r = r.WithContext(ctx)
		}
		srv.Echo.ServeHTTP(w, r)
	}))
	ts.Listener.Close()
	if ts.Listener, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	ts.Start()
	defer ts.Close()
	base, _ := url.Parse(ts.URL)

	users := map[string]*session{}
	out := map[string]pageSQL{}
	for _, s := range plan {
		u := users[s.user]
		if u == nil {
			if u, err = login(ctx, base, s.user, s.password, 1); err != nil {
				return nil, err
			}
			users[s.user] = u
		}
		if _, err := u.get(ctx, s.path); err != nil { // warm caches as the load run has
			return nil, err
		}
		c := &capture{}
		curMu.Lock()
		cur = c
		curMu.Unlock()
		_, err := u.get(ctx, s.path)
		curMu.Lock()
		cur = nil
		curMu.Unlock()
		if err != nil {
			return nil, err
		}
		p, err := explainAll(ctx, db, c.stmts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.label(), err)
		}
		out[s.label()] = p
	}
	return out, nil
}

func registerCapture(db *gorm.DB) error {
	rec := func(tx *gorm.DB) {
		c, ok := tx.Statement.Context.Value(captureKey{}).(*capture)
		// A dry run is a subquery being built into its statement, not one sent.
		if !ok || tx.Statement.SQL.Len() == 0 || tx.DryRun {
			return
		}
		c.mu.Lock()
		c.stmts = append(c.stmts, statement{tx.Statement.SQL.String(), append([]any(nil), tx.Statement.Vars...)})
		c.mu.Unlock()
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("loadgen:capture_query", rec),
		cb.Row().After("gorm:row").Register("loadgen:capture_row", rec),
		cb.Raw().After("gorm:raw").Register("loadgen:capture_raw", rec),
		cb.Create().After("gorm:create").Register("loadgen:capture_create", rec),
		cb.Update().After("gorm:update").Register("loadgen:capture_update", rec),
		cb.Delete().After("gorm:delete").Register("loadgen:capture_delete", rec),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func explainAll(ctx context.Context, db *gorm.DB, stmts []statement) (pageSQL, error) {
	p := pageSQL{Queries: len(stmts)}
	sqlDB := models.SQLDB(db)
	for _, st := range stmts {
		tx, err := sqlDB.BeginTx(ctx, nil)
		if err != nil {
			return p, err
		}
		var plan string
		err = tx.QueryRowContext(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+st.sql, st.vars...).Scan(&plan)
		_ = tx.Rollback()
		if err != nil {
			return p, fmt.Errorf("explain %q: %w", shorten(st.sql), err)
		}
		var res []struct {
			Planning  float64 `json:"Planning Time"`
			Execution float64 `json:"Execution Time"`
		}
		if err := json.Unmarshal([]byte(plan), &res); err != nil || len(res) == 0 {
			return p, fmt.Errorf("read plan of %q: %v", shorten(st.sql), err)
		}
		ms := res[0].Planning + res[0].Execution
		p.SQLms += ms
		p.Statements = append(p.Statements, fmt.Sprintf("%.2f ms  %s", ms, shorten(st.sql)))
		if ms > p.SlowMs {
			p.SlowMs, p.Slowest = ms, shorten(st.sql)
		}
	}
	return p, nil
}

func shorten(sql string) string {
	sql = strings.Join(strings.Fields(sql), " ")
	if len(sql) > 140 {
		return sql[:140] + "…"
	}
	return sql
}

// addSQL puts each page's SQL time beside its latency.
func (r *report) addSQL(sql map[string]pageSQL) {
	for i, p := range r.Pages {
		s, ok := sql[p.Page]
		if !ok {
			continue
		}
		r.Pages[i].Queries, r.Pages[i].SQLms = s.Queries, s.SQLms
		if s.SQLms > 0 {
			r.Pages[i].P95PerSQL = p.P95ms / s.SQLms
		}
		r.Pages[i].Slowest, r.Pages[i].Statements = s.Slowest, s.Statements
	}
	sort.Slice(r.Pages, func(i, j int) bool { return r.Pages[i].Page < r.Pages[j].Page })
}
