// Command kefudesk runs the Kefu Desk dashboard and its admin tasks.
//
//	kefudesk serve                 the web server (ADDR, DATABASE_URL, SESSION_SECRET)
//	kefudesk migrate [status]      apply pending migrations, or list them
//	kefudesk user add|passwd|disable ...
//	kefudesk demo                  load the demo shop (idempotent)
//	kefudesk import chats FILE     import a chat export
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // shop time zones work on machines without a zoneinfo database

	"gorm.io/gorm"

	"kefudesk/models"
)

const usage = `usage: kefudesk <command>

commands:
  serve                       run the web server (env ADDR, DATABASE_URL, SESSION_SECRET, COOKIE_SECURE)
  migrate                     apply pending database migrations
  migrate status              list migrations and whether they are applied
  user add --name NAME --role ROLE [--display "Name"] [--team TEAM] [--nick NICK,...] --password-stdin
  user passwd NAME --password-stdin
  user disable NAME
  demo                        load the demo shop (safe to run again)
  import chats FILE           import a chat export (CSV in UTF-8 or GBK, or JSON Lines)
  import orders FILE          import the seller centre's order report (CSV in GBK or UTF-8, or XLSX)
  import reviews FILE         import the review export (CSV in GBK or UTF-8, or XLSX); medium/bad ones open cases
  import vips FILE            import VIP customers (CSV in GBK or UTF-8, or XLSX; Chinese or English headers)
  recompute chats [--days N]  recheck stored chat figures and flags under the current settings
  recompute sales             recompute every day's sales figures (performance pages)
  scale [--scale 0.01]        fill a *_bench database with a big shop's year, for benchmarks
  bench-import [--messages N] time the chat import against a raw COPY (empties a *_bench database's chats)
`

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, log, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kefudesk:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, log *slog.Logger, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, log)
	case "migrate":
		return migrate(ctx, args[1:])
	case "user":
		return userCommand(ctx, args[1:], os.Stdin)
	case "demo":
		return demoCommand(ctx)
	case "import":
		return importCommand(ctx, args[1:])
	case "recompute":
		return recomputeCommand(ctx, args[1:])
	case "scale":
		return scaleCommand(ctx, args[1:])
	case "bench-import":
		return benchImportCommand(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// openDB connects to DATABASE_URL.
func openDB() (*gorm.DB, string, error) {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		return nil, "", fmt.Errorf("DATABASE_URL is not set (make run and make test start a private PostgreSQL and set it for you)")
	}
	db, err := models.Open(dsn)
	if err != nil {
		return nil, "", err
	}
	return db, dsn, nil
}

// openBench creates the *_bench database DATABASE_URL names when missing,
// migrates it and returns its store, its settings and how to close it.
func openBench(ctx context.Context) (*models.Store, models.Settings, func(), error) {
	if err := createBenchDatabase(os.Getenv("DATABASE_URL")); err != nil {
		return nil, models.Settings{}, nil, err
	}
	db, _, err := openDB()
	if err != nil {
		return nil, models.Settings{}, nil, err
	}
	sqlDB := models.SQLDB(db)
	closeDB := func() { sqlDB.Close() }
	if _, err := models.Migrate(ctx, sqlDB); err != nil {
		closeDB()
		return nil, models.Settings{}, nil, err
	}
	store := models.NewStore(db)
	settings, err := store.Settings(ctx)
	if err != nil {
		closeDB()
		return nil, models.Settings{}, nil, err
	}
	return store, settings, closeDB, nil
}

func migrate(ctx context.Context, args []string) error {
	db, _, err := openDB()
	if err != nil {
		return err
	}
	sqlDB := models.SQLDB(db)
	defer sqlDB.Close()
	if len(args) > 0 && args[0] == "status" {
		states, err := models.MigrationStatus(ctx, sqlDB)
		if err != nil {
			return err
		}
		for _, s := range states {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Printf("%05d  %-8s %s\n", s.Version, state, s.Name)
		}
		return nil
	}
	if len(args) > 0 {
		return fmt.Errorf("unknown migrate argument %q (want: status)", args[0])
	}
	n, err := models.Migrate(ctx, sqlDB)
	if err != nil {
		return err
	}
	fmt.Printf("applied %d migration(s)\n", n)
	return nil
}
