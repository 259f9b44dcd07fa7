package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"kefudesk/models"
	"kefudesk/models/chatfile"
	"kefudesk/views/i18n"
)

// importCommand loads an export file: `kefudesk import chats FILE`.
func importCommand(ctx context.Context, args []string) error {
	if len(args) != 2 || (args[0] != "chats" && args[0] != "orders" && args[0] != "reviews" && args[0] != "vips") {
		return fmt.Errorf("usage: kefudesk import chats|orders|reviews|vips FILE")
	}
	f, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	db, _, err := openDB()
	if err != nil {
		return err
	}
	defer models.SQLDB(db).Close()
	if err := models.CheckSchema(ctx, models.SQLDB(db)); err != nil {
		return err
	}
	store := models.NewStore(db)
	settings, err := store.Settings(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	progress := func(done, rows int64) {
		pct := 100.0
		if st.Size() > 0 {
			pct = 100 * float64(done) / float64(st.Size())
		}
		fmt.Fprintf(os.Stderr, "\rimporting %s: %5.1f%%  %d rows  %.0f rows/s   ", args[1], pct, rows, float64(rows)/time.Since(start).Seconds())
	}
	if args[0] == "vips" {
		res, err := store.ImportVIPs(ctx, models.SystemActor, f, st.Name(), settings.Location(), progress)
		fmt.Fprintln(os.Stderr)
		if err := rejected(err, args[1], res.Problems, res.ProblemCount); err != nil {
			return err
		}
		fmt.Printf("imported %s: %d rows, %d new customers, %d updated, %d unchanged, in %s\n",
			args[1], res.Rows, res.Added, res.Updated, res.Unchanged, time.Since(start).Round(time.Millisecond))
		return nil
	}
	if args[0] == "orders" {
		res, err := store.ImportOrders(ctx, models.SystemActor, f, st.Name(), settings.Location(), progress)
		fmt.Fprintln(os.Stderr)
		if err := rejected(err, args[1], res.Problems, res.ProblemCount); err != nil {
			return err
		}
		fmt.Printf("imported %s: %d rows, %d new orders, %d updated, %d unchanged, %d attributed, in %s\n",
			args[1], res.Rows, res.Added, res.Updated, res.Unchanged, res.Attributed, time.Since(start).Round(time.Millisecond))
		return nil
	}
	if args[0] == "reviews" {
		res, err := store.ImportBadReviews(ctx, models.SystemActor, f, st.Name(), settings.Location(), progress)
		fmt.Fprintln(os.Stderr)
		if err := rejected(err, args[1], res.Problems, res.ProblemCount); err != nil {
			return err
		}
		fmt.Printf("imported %s: %d rows, %d new reviews, %d updated, %d unchanged, in %s\n",
			args[1], res.Rows, res.Added, res.Updated, res.Unchanged, time.Since(start).Round(time.Millisecond))
		return nil
	}
	res, err := store.ImportChats(ctx, models.SystemActor, f, st.Name(), settings.Location(), progress)
	fmt.Fprintln(os.Stderr)
	if err := rejected(err, args[1], res.Problems, res.ProblemCount); err != nil {
		return err
	}
	fmt.Printf("imported %s: %d rows, %d new messages, %d already there, %d conversations, in %s\n",
		args[1], res.Rows, res.Added, res.Duplicates, res.Conversations, time.Since(start).Round(time.Millisecond))
	return nil
}

// rejected prints a refused file's problems by line, in English.
func rejected(err error, file string, problems []chatfile.Problem, total int) error {
	if !errors.Is(err, models.ErrImportRejected) {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "line %d: %s\n", p.Line, i18n.Tr(i18n.EN, p.Key, p.Args...))
	}
	if more := total - len(problems); more > 0 {
		fmt.Fprintf(os.Stderr, "... and %d more problems\n", more)
	}
	return fmt.Errorf("%s rejected: %d problem(s); nothing was imported", file, total)
}

// recomputeCommand: `kefudesk recompute chats [--days N]` rechecks stored
// chat figures and flags under the current settings; `kefudesk recompute
// sales` recomputes every day's sales figures now (the server does it in
// the background for the days that changed).
func recomputeCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("recompute chats", flag.ContinueOnError)
	days := fs.Int("days", 30, "recheck chats started in the last N days")
	if len(args) == 0 || (args[0] != "chats" && args[0] != "sales") {
		return fmt.Errorf("usage: kefudesk recompute chats [--days N] | kefudesk recompute sales")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, _, err := openDB()
	if err != nil {
		return err
	}
	defer models.SQLDB(db).Close()
	if err := models.CheckSchema(ctx, models.SQLDB(db)); err != nil {
		return err
	}
	start := time.Now()
	if args[0] == "sales" {
		n, err := models.NewStore(db).RecomputeSalesDays(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("recomputed %d days of sales figures in %s\n", n, time.Since(start).Round(time.Millisecond))
		return nil
	}
	n, err := models.NewStore(db).RecomputeChats(ctx, start.AddDate(0, 0, -*days))
	if err != nil {
		return err
	}
	fmt.Printf("rechecked %d chats in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
