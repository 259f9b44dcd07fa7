package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

// A run either never pauses (the machine at saturation) or pauses like
// people do; a pause out of range is refused, and so is a remote server.
func TestFlagsThinkAndLoopback(t *testing.T) {
	cfg, err := parseFlags([]string{"-base", "http://127.0.0.1:8098"})
	if err != nil || cfg.think != 0 || cfg.conc != 32 {
		t.Fatalf("defaults: %+v, %v", cfg, err)
	}
	cfg, err = parseFlags([]string{"-base", "http://127.0.0.1:8098", "-think", "1500ms", "-c", "8"})
	if err != nil || cfg.think != 1500*time.Millisecond || cfg.conc != 8 {
		t.Fatalf("-think 1500ms: %+v, %v", cfg, err)
	}
	for _, args := range [][]string{
		{"-base", "http://127.0.0.1:8098", "-think", "-1s"},
		{"-base", "http://127.0.0.1:8098", "-think", "2m"},
		{"-base", "http://192.0.2.1:8098"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

// A warm-up walks the plan against the server like the run does, and none
// of its requests are in the report: the report holds what the measured
// walk sent.
func TestWarmupIsNotReported(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	cfg, err := parseFlags([]string{"-base", srv.URL, "-c", "4", "-warmup", "200ms"})
	if err != nil || cfg.warmup != 200*time.Millisecond {
		t.Fatalf("-warmup: %+v, %v", cfg, err)
	}
	if _, err := parseFlags([]string{"-base", srv.URL, "-warmup", "-1s"}); err == nil {
		t.Error("a negative warm-up was accepted")
	}
	base, _ := url.Parse(srv.URL)
	users := map[string]*session{}
	for _, s := range cfg.plan {
		users[s.user] = &session{base: base, client: srv.Client()}
	}
	ctx := context.Background()
	walk(ctx, cfg, users, cfg.warmup, newRecorder())
	warm := hits.Load()
	rec := newRecorder()
	elapsed := walk(ctx, cfg, users, 200*time.Millisecond, rec)
	rep := rec.report(elapsed, cfg.conc, 0)
	if warm == 0 || rep.Requests == 0 {
		t.Fatalf("warm-up sent %d, the run recorded %d", warm, rep.Requests)
	}
	// A request cut off by the end of the walk reaches the server but is
	// not the server's to answer for: at most one a user goes unrecorded.
	if sent := hits.Load() - warm; int64(rep.Requests) > sent || sent-int64(rep.Requests) > int64(cfg.conc) {
		t.Errorf("the report holds %d requests, the measured walk sent %d", rep.Requests, sent)
	}
}
