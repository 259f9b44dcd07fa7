package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"kefudesk/handlers"
	"kefudesk/models"
	"kefudesk/models/live"
)

func serve(ctx context.Context, log *slog.Logger) error {
	tuneGC()
	db, dsn, err := openDB()
	if err != nil {
		return err
	}
	sqlDB := models.SQLDB(db)
	defer sqlDB.Close()
	if n, err := models.Migrate(ctx, sqlDB); err != nil {
		return err
	} else if n > 0 {
		log.Info("applied migrations", "count", n)
	}
	if err := models.CheckSchema(ctx, sqlDB); err != nil {
		return err
	}
	secret, err := sessionSecret(log)
	if err != nil {
		return err
	}
	secure := os.Getenv("COOKIE_SECURE") == "true" || os.Getenv("COOKIE_SECURE") == "1"
	store := models.NewStore(db)
	hub := live.NewHub(dsn, log)
	go hub.Run(ctx)
	go watchImports(ctx, store, log)
	// Daily sales figures behind the performance pages: writes mark days
	// dirty, this recomputes them within seconds.
	go store.RunSalesRefresher(ctx, 10*time.Second, func(err error) { log.Warn("sales figures refresh", "err", err) })

	// PPROF_ADDR (loopback only) serves Go's profiler for a load run;
	// unset in production.
	if a := os.Getenv("PPROF_ADDR"); a != "" {
		if !strings.HasPrefix(a, "127.0.0.1:") && !strings.HasPrefix(a, "localhost:") {
			return fmt.Errorf("PPROF_ADDR must be a loopback address, got %q", a)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		go func() { log.Warn("profiler stopped", "err", http.ListenAndServe(a, mux)) }()
	}

	stop := make(chan struct{})
	srv := handlers.New(handlers.Config{
		Store: store, Sessions: models.NewSessionStore(db, secret, secure), Hub: hub, Log: log,
		CookieSecure: secure, TrustProxy: os.Getenv("TRUST_PROXY") == "true", LoginPolicy: models.DefaultLoginPolicy, Stop: stop, Background: ctx,
	})
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	httpSrv := &http.Server{
		Addr: addr, Handler: srv.Echo,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
	}
	httpSrv.RegisterOnShutdown(func() { close(stop) })
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.ListenAndServe() }()
	fmt.Printf("Kefu Desk is running at http://%s\n", displayAddr(addr))

	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", addr, err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func displayAddr(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return "127.0.0.1" + addr
	}
	return addr
}

// sessionSecret is SESSION_SECRET, or in development a secret generated once
// and kept in .data/session.secret so logins survive a restart.
func sessionSecret(log *slog.Logger) ([]byte, error) {
	if s := os.Getenv("SESSION_SECRET"); s != "" {
		if len(s) < 32 {
			return nil, fmt.Errorf("SESSION_SECRET must be at least 32 characters")
		}
		return []byte(s), nil
	}
	path := filepath.Join(".data", "session.secret")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, fmt.Errorf("generate session secret: %w", err)
	}
	secret := []byte(hex.EncodeToString(buf))
	if err := os.MkdirAll(".data", 0o755); err != nil {
		return nil, fmt.Errorf("create .data: %w", err)
	}
	if err := os.WriteFile(path, secret, 0o600); err != nil {
		return nil, fmt.Errorf("keep session secret: %w", err)
	}
	log.Warn("SESSION_SECRET not set: generated a development secret", "path", path)
	return secret, nil
}

// watchImports marks imports whose server died mid-run as interrupted, at
// start-up and then every few minutes, so no progress bar spins forever.
func watchImports(ctx context.Context, store *models.Store, log *slog.Logger) {
	tick := time.NewTicker(5 * time.Minute)
	defer tick.Stop()
	for {
		if n, err := store.FailStaleImportRuns(ctx, models.StaleImportAfter); err != nil {
			log.Warn("stale import check", "err", err)
		} else if n > 0 {
			log.Warn("marked interrupted imports as failed", "runs", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// tuneGC trades memory the server has for CPU it lacks. Its live heap is
// ~10 MB and a page's garbage dies young, so at Go's default (collect when
// the heap doubles) the collector ran constantly under load: ~15% of the
// server's CPU at 32 users. Collecting at 4x, under a soft 100 MB limit
// that brings collection back as the heap nears it, measured +15%
// requests/s with a peak of 86 MB (target: under 150 MB). GOGC and
// GOMEMLIMIT, when set, win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(100 << 20)
	}
}
