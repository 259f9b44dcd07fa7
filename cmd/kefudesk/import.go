package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"kefudesk/models"
	"kefudesk/views/i18n"
)

// importCommand loads an export file: `kefudesk import chats FILE`.
func importCommand(ctx context.Context, args []string) error {
	if len(args) != 2 || args[0] != "chats" {
		return fmt.Errorf("usage: kefudesk import chats FILE")
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
	res, err := store.ImportChats(ctx, models.SystemActor, f, st.Name(), settings.Location(), progress)
	fmt.Fprintln(os.Stderr)
	if errors.Is(err, models.ErrImportRejected) {
		for _, p := range res.Problems {
			fmt.Fprintf(os.Stderr, "line %d: %s\n", p.Line, i18n.Tr(i18n.EN, p.Key, p.Args...))
		}
		if more := res.ProblemCount - len(res.Problems); more > 0 {
			fmt.Fprintf(os.Stderr, "... and %d more problems\n", more)
		}
		return fmt.Errorf("%s rejected: %d problem(s); nothing was imported", args[1], res.ProblemCount)
	}
	if err != nil {
		return err
	}
	fmt.Printf("imported %s: %d rows, %d new messages, %d already there, %d conversations, in %s\n",
		args[1], res.Rows, res.Added, res.Duplicates, res.Conversations, time.Since(start).Round(time.Millisecond))
	return nil
}
