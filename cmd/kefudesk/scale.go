package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"kefudesk/models"
	"kefudesk/models/demo"
)

// scaleCommand fills a benchmark database with a big shop's year:
// `kefudesk scale --scale 0.01`. DATABASE_URL must name a database ending
// in _bench; it is created when missing and its generated tables emptied.
func scaleCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	scale := fs.Float64("scale", 1, "1 = 10 million conversations and 5 million orders a year; 0.01 for a quick run")
	agents := fs.Int("agents", 300, "agents in the team")
	days := fs.Int("days", 365, "days of history, ending today")
	seed := fs.Uint64("seed", 1111, "the same seed gives the same shop")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, settings, closeDB, err := openBench(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	if _, err := demo.LoadTeam(ctx, store); err != nil {
		return err
	}
	start := time.Now()
	last := ""
	progress := func(stage string, done, total int64) {
		if stage != last && last != "" {
			fmt.Fprintln(os.Stderr)
		}
		last = stage
		fmt.Fprintf(os.Stderr, "\r%-14s %11d / %-11d %5.1f%%  %s   ", stage, done, total, 100*float64(done)/float64(max(total, 1)), time.Since(start).Round(time.Second))
	}
	n, err := store.GenerateScale(ctx, models.ScaleOptions{
		Scale: *scale, Agents: *agents, Days: *days, End: time.Now(), Seed: *seed,
	}, settings.Location(), progress)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Printf("scale %.3g: %d agents, %d conversations, %d messages, %d orders, %d spot-check reviews in %s (%.0f messages/s)\n",
		*scale, n.Agents, n.Conversations, n.Messages, n.Orders, n.Reviews, el.Round(time.Second), float64(n.Messages)/el.Seconds())
	// Orders are credited the way an import credits them, so the order and
	// performance pages read what a real shop's would.
	t0 := time.Now()
	decided, err := store.AttributeOrders(ctx, time.Now().AddDate(0, 0, -*days-2), time.Now().AddDate(0, 0, 2))
	if err != nil {
		return err
	}
	fmt.Printf("attributed %d orders in %s (%.0f orders/s)\n", decided, time.Since(t0).Round(time.Second), float64(decided)/time.Since(t0).Seconds())
	// The other areas hang off those orders: reviews of them, the best
	// buyers as VIPs, and the team's rota.
	t0 = time.Now()
	a, err := store.GenerateScaleAreas(ctx, models.ScaleOptions{Scale: *scale, Agents: *agents, Days: *days, Seed: *seed},
		settings.Location(), time.Now(), progress)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return err
	}
	fmt.Printf("%d bad reviews (+%d good), %d VIPs with %d visits, %d rota days in %s\n",
		a.BadReviews, a.Praise, a.VIPs, a.Visits, a.RotaDays, time.Since(t0).Round(time.Second))
	// The daily sales figures the performance pages read, as the server's
	// refresher would leave them.
	t0 = time.Now()
	if err := store.RefreshAllSalesDays(ctx); err != nil {
		return err
	}
	fmt.Printf("daily sales figures in %s\n", time.Since(t0).Round(time.Second))
	return nil
}

// createBenchDatabase creates the database DATABASE_URL names, when it is a
// *_bench database that does not exist yet.
func createBenchDatabase(dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		return fmt.Errorf("DATABASE_URL must be a postgres:// URL")
	}
	name := strings.TrimPrefix(u.Path, "/")
	if !strings.HasSuffix(name, "_bench") {
		return models.ErrNotABenchDatabase
	}
	u.Path = "/postgres"
	db, err := models.Open(u.String())
	if err != nil {
		return err
	}
	defer models.SQLDB(db).Close()
	var exists bool
	if err := db.Raw(`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)`, name).Scan(&exists).Error; err != nil {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	// The name was checked above; identifiers cannot be bound parameters.
	if err := db.Exec(`CREATE DATABASE "` + strings.ReplaceAll(name, `"`, ``) + `"`).Error; err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}
