package main

import (
	"context"
	"fmt"

	"kefudesk/models"
	"kefudesk/models/demo"
	"kefudesk/views/i18n"
)

func trEN(e models.FieldError) string { return i18n.Tr(i18n.EN, e.Key, e.Args...) }

// demoCommand loads the demo shop and prints how to log in.
func demoCommand(ctx context.Context) error {
	db, _, err := openDB()
	if err != nil {
		return err
	}
	sqlDB := models.SQLDB(db)
	defer sqlDB.Close()
	if _, err := models.Migrate(ctx, sqlDB); err != nil {
		return err
	}
	logins, err := demo.Load(ctx, models.NewStore(db))
	if err != nil {
		return explain(err)
	}
	fmt.Println("Demo shop loaded. Logins (password for all: " + demo.Password + "):")
	for _, l := range logins {
		fmt.Printf("  %-10s %-8s %s\n", l.Username, l.Role, l.Display)
	}
	return nil
}
