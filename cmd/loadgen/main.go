// Command loadgen drives a running Kefu Desk server the way a shop's team
// does on a busy day: many logged-in users opening the pages they open most,
// at once. It reports each page's latency percentiles and throughput, and
// the server's peak memory when given its process id.
//
//	loadgen -base http://127.0.0.1:8080 -c 32 -duration 30s -pid 1234
//
// It only talks to servers on this machine's loopback addresses, and every
// run is bounded by -duration and -max.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"time"
)

type config struct {
	base     *url.URL
	conc     int
	duration time.Duration
	max      int
	pid      int
	plan     []step
	jsonOut  string
	wait     time.Duration
	explain  bool
	// think is each user's mean pause between pages. Zero is a closed
	// loop: every user asks again the moment an answer arrives, which
	// measures the server at saturation rather than a team at work.
	think time.Duration
	// warmup walks the plan unrecorded before the measured run.
	warmup time.Duration
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	rep.print(os.Stdout)
	if cfg.jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(cfg.jsonOut, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	}
	if rep.Errors > 0 {
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	base := fs.String("base", "http://127.0.0.1:8080", "the server (loopback only)")
	conc := fs.Int("c", 32, "concurrent users")
	dur := fs.Duration("duration", 20*time.Second, "how long to run")
	max := fs.Int("max", 500000, "stop after this many requests (the warm-up has as many of its own)")
	pid := fs.Int("pid", 0, "the server's process id, to report its peak memory")
	planFile := fs.String("plan", "", "file of 'user password path' lines (default: the demo shop's most-opened pages)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	wait := fs.Duration("wait", 0, "wait up to this long for the server's /readyz first")
	think := fs.Duration("think", 0, "each user's mean pause between pages (uniform over 0..2x); 0 never pauses")
	warmup := fs.Duration("warmup", 0, "walk the plan this long, unrecorded, before the measured run")
	explain := fs.Bool("explain", false, "after the load, serve each page in this process on DATABASE_URL and EXPLAIN ANALYZE its statements")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	u, err := url.Parse(*base)
	if err != nil || u.Host == "" {
		return config{}, fmt.Errorf("bad -base %q", *base)
	}
	if err := loopbackOnly(u.Hostname()); err != nil {
		return config{}, err
	}
	if *conc < 1 || *conc > 1024 || *dur <= 0 || *dur > 30*time.Minute || *max < 1 || *think < 0 || *think > time.Minute ||
		*warmup < 0 || *warmup > 10*time.Minute {
		return config{}, errors.New("-c must be 1..1024, -duration up to 30m, -max at least 1, -think 0..1m, -warmup 0..10m")
	}
	text := defaultPlan
	if *planFile != "" {
		b, err := os.ReadFile(*planFile)
		if err != nil {
			return config{}, err
		}
		text = string(b)
	}
	plan, err := parsePlan(text)
	if err != nil {
		return config{}, err
	}
	return config{base: u, conc: *conc, duration: *dur, max: *max, pid: *pid, plan: plan, jsonOut: *jsonOut, wait: *wait, explain: *explain, think: *think, warmup: *warmup}, nil
}

// loopbackOnly refuses any target that is not this machine: a load run is
// never pointed at somebody else's server.
func loopbackOnly(host string) error {
	ips, err := net.LookupIP(host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s is not a loopback address: loadgen only drives a server on this machine", host)
		}
	}
	return nil
}

// waitReady polls /readyz until the server answers or d has passed.
func waitReady(ctx context.Context, base *url.URL, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base.JoinPath("/readyz").String(), nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server at %s not ready: %v", base, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// run logs the users in, then lets c workers walk the plan until the time
// or the request budget runs out.
func run(ctx context.Context, cfg config) (*report, error) {
	if err := waitReady(ctx, cfg.base, cfg.wait); err != nil {
		return nil, err
	}
	users, err := loginAll(ctx, &cfg)
	if err != nil {
		return nil, err
	}
	mem := watchMemory(cfg.pid)
	// A server just started plans its statements on each new connection
	// and fills its kept copies in its first seconds; one that has run for
	// a day has that behind it. -warmup lets the run measure the latter.
	if cfg.warmup > 0 {
		walk(ctx, cfg, users, cfg.warmup, newRecorder())
	}
	rec := newRecorder()
	elapsed := walk(ctx, cfg, users, cfg.duration, rec)
	rep := rec.report(elapsed, cfg.conc, mem.stop())
	rep.ThinkMs = float64(cfg.think) / float64(time.Millisecond)
	if cfg.explain {
		dsn := os.Getenv("DATABASE_URL")
		if dsn == "" {
			return nil, errors.New("-explain needs DATABASE_URL, the database the server runs on")
		}
		sql, err := explainPages(context.WithoutCancel(ctx), dsn, cfg.plan)
		if err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
		rep.addSQL(sql)
	}
	return rep, nil
}

// walk has cfg.conc users walk the plan for d (or cfg.max requests),
// recording into rec, and returns how long they took.
func walk(ctx context.Context, cfg config, users map[string]*session, d time.Duration, rec *recorder) time.Duration {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	budget := make(chan struct{}, cfg.max)
	for range cfg.max {
		budget <- struct{}{}
	}
	close(budget)
	var sent sync.WaitGroup
	start := time.Now()
	for w := range cfg.conc {
		sent.Add(1)
		go func() {
			defer sent.Done()
			worker(ctx, cfg, users, w, budget, rec)
		}()
	}
	sent.Wait()
	return time.Since(start)
}

// worker plays one user: it walks the plan's steps for its user in turn.
func worker(ctx context.Context, cfg config, users map[string]*session, w int, budget <-chan struct{}, rec *recorder) {
	steps := cfg.plan
	i := w // workers start at different steps so every page is hit from the start
	for {
		if ctx.Err() != nil {
			return
		}
		if _, ok := <-budget; !ok {
			return
		}
		s := steps[i%len(steps)]
		i++
		u := users[s.user]
		t0 := time.Now()
		status, err := u.get(ctx, s.path)
		d := time.Since(t0)
		if ctx.Err() != nil && err != nil {
			return // the run ended mid-request: not the server's fault
		}
		rec.add(s.label(), d, status, err)
		if cfg.think > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(rand.Int64N(int64(2 * cfg.think)))):
			}
		}
	}
}

// loginAll logs each plan user in once and resolves "FROM -> PREFIX"
// steps; a step whose link is not there (a shop without reviews, say) is
// left out with a warning rather than failing the run.
func loginAll(ctx context.Context, cfg *config) (map[string]*session, error) {
	users := map[string]*session{}
	var plan []step
	for _, s := range cfg.plan {
		if _, ok := users[s.user]; !ok {
			sess, err := login(ctx, cfg.base, s.user, s.password, cfg.conc)
			if err != nil {
				return nil, err
			}
			users[s.user] = sess
		}
		p, err := users[s.user].resolve(ctx, s.path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "loadgen: left out %q: %v\n", s.path, err)
			continue
		}
		s.path = p
		plan = append(plan, s)
	}
	if len(plan) == 0 {
		return nil, errors.New("no page of the plan could be opened")
	}
	cfg.plan = plan
	return users, nil
}

type report struct {
	Concurrency int          `json:"concurrency"`
	ThinkMs     float64      `json:"think_ms,omitempty"`
	Seconds     float64      `json:"seconds"`
	Requests    int          `json:"requests"`
	Errors      int          `json:"errors"`
	RPS         float64      `json:"rps"`
	PeakRSSMB   float64      `json:"peak_rss_mb,omitempty"`
	Pages       []pageReport `json:"pages"`
}

type pageReport struct {
	Page   string  `json:"page"`
	N      int     `json:"n"`
	Errors int     `json:"errors"`
	P50ms  float64 `json:"p50_ms"`
	P95ms  float64 `json:"p95_ms"`
	P99ms  float64 `json:"p99_ms"`
	RPS    float64 `json:"rps"`
	// From the -explain pass: the page's statements and their time alone.
	Queries    int      `json:"queries,omitempty"`
	SQLms      float64  `json:"sql_ms,omitempty"`
	P95PerSQL  float64  `json:"p95_per_sql,omitempty"`
	Slowest    string   `json:"slowest_statement,omitempty"`
	Statements []string `json:"statements,omitempty"`
}

func (r *report) print(w *os.File) {
	fmt.Fprintf(w, "%d users for %.1f s: %d requests, %.0f/s, %d errors", r.Concurrency, r.Seconds, r.Requests, r.RPS, r.Errors)
	if r.ThinkMs > 0 {
		fmt.Fprintf(w, ", pausing %.0f ms between pages on average", r.ThinkMs)
	} else {
		fmt.Fprint(w, ", no pause between pages")
	}
	if r.PeakRSSMB > 0 {
		fmt.Fprintf(w, ", server peak memory %.0f MB", r.PeakRSSMB)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-44s %7s %6s %8s %8s %8s %7s %7s %8s %8s\n", "page", "n", "errors", "p50 ms", "p95 ms", "p99 ms", "req/s", "queries", "SQL ms", "p95/SQL")
	for _, p := range r.Pages {
		fmt.Fprintf(w, "%-44s %7d %6d %8.1f %8.1f %8.1f %7.1f", p.Page, p.N, p.Errors, p.P50ms, p.P95ms, p.P99ms, p.RPS)
		if p.Queries > 0 {
			fmt.Fprintf(w, " %7d %8.2f %8.1f", p.Queries, p.SQLms, p.P95PerSQL)
		}
		fmt.Fprintln(w)
	}
	for _, p := range r.Pages {
		if p.Slowest != "" {
			fmt.Fprintf(w, "slowest statement of %s: %s\n", p.Page, p.Slowest)
		}
	}
}

type sample struct {
	d   []time.Duration
	err int
}

type recorder struct {
	mu    sync.Mutex
	pages map[string]*sample
	first map[string]string // the first error seen per page, to print
}

func newRecorder() *recorder {
	return &recorder{pages: map[string]*sample{}, first: map[string]string{}}
}

func (r *recorder) add(page string, d time.Duration, status int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.pages[page]
	if s == nil {
		s = &sample{}
		r.pages[page] = s
	}
	s.d = append(s.d, d)
	if err != nil || status != 200 {
		s.err++
		if _, ok := r.first[page]; !ok {
			msg := fmt.Sprintf("status %d", status)
			if err != nil {
				msg = err.Error()
			}
			r.first[page] = msg
			fmt.Fprintf(os.Stderr, "loadgen: %s: %s\n", page, msg)
		}
	}
}

func (r *recorder) report(elapsed time.Duration, conc int, peakMB float64) *report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &report{Concurrency: conc, Seconds: elapsed.Seconds(), PeakRSSMB: peakMB}
	for page, s := range r.pages {
		sort.Slice(s.d, func(i, j int) bool { return s.d[i] < s.d[j] })
		rep.Requests += len(s.d)
		rep.Errors += s.err
		rep.Pages = append(rep.Pages, pageReport{
			Page: page, N: len(s.d), Errors: s.err,
			P50ms: ms(pct(s.d, 50)), P95ms: ms(pct(s.d, 95)), P99ms: ms(pct(s.d, 99)),
			RPS: float64(len(s.d)) / elapsed.Seconds(),
		})
	}
	rep.RPS = float64(rep.Requests) / elapsed.Seconds()
	sort.Slice(rep.Pages, func(i, j int) bool { return rep.Pages[i].Page < rep.Pages[j].Page })
	return rep
}

// pct is the p-th percentile of sorted durations (nearest rank).
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// label names a step in the report: whose session and which page.
func (s step) label() string { return s.user + " " + s.path }
