package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"kefudesk/models"
)

// userCommand manages users from the shell, e.g. to create the first admin.
func userCommand(ctx context.Context, args []string, stdin io.Reader) error {
	if len(args) == 0 {
		return fmt.Errorf("user: want add, passwd or disable")
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
	switch args[0] {
	case "add":
		return userAdd(ctx, store, args[1:], stdin)
	case "passwd":
		fs := flag.NewFlagSet("user passwd", flag.ContinueOnError)
		fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
		name, err := parseNameFirst(fs, args[1:])
		if err != nil {
			return err
		}
		if !*fromStdin {
			return fmt.Errorf("user passwd: --password-stdin is required (passwords never go on the command line)")
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		u, err := store.UserByUsername(ctx, name)
		if err != nil {
			return err
		}
		if err := store.SetPassword(ctx, models.SystemActor, u.ID, pw); err != nil {
			return explain(err)
		}
		fmt.Printf("password changed for %s; their sessions were ended\n", u.Username)
		return nil
	case "disable":
		if len(args) != 2 {
			return fmt.Errorf("usage: kefudesk user disable NAME")
		}
		u, err := store.UserByUsername(ctx, args[1])
		if err != nil {
			return err
		}
		if err := store.SetDisabled(ctx, models.SystemActor, u.ID, 0, true); err != nil {
			return explain(err)
		}
		fmt.Printf("disabled %s; their sessions were ended\n", u.Username)
		return nil
	}
	return fmt.Errorf("user: unknown subcommand %q", args[0])
}

func userAdd(ctx context.Context, store *models.Store, args []string, stdin io.Reader) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	name := fs.String("name", "", "login name")
	role := fs.String("role", "", "admin, manager, qc or agent")
	display := fs.String("display", "", "name shown in the dashboard")
	team := fs.String("team", "", "presales, aftersales, assistance, qc or phone")
	nicks := fs.String("nick", "", "Wangwang sub-account nicks, comma separated")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*fromStdin {
		return fmt.Errorf("user add: --password-stdin is required (passwords never go on the command line)")
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	u, err := store.CreateUser(ctx, models.SystemActor, models.UserForm{
		Username: *name, DisplayName: *display, Role: models.Role(*role), Team: models.Team(*team),
		Password: pw, Nicks: models.ParseNicks(*nicks),
	})
	if err != nil {
		return explain(err)
	}
	fmt.Printf("created %s (%s)\n", u.Username, u.Role)
	return nil
}

// parseNameFirst accepts "NAME --flag" as well as "--flag NAME".
func parseNameFirst(fs *flag.FlagSet, args []string) (string, error) {
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if name == "" {
		return "", fmt.Errorf("%s: NAME is required", fs.Name())
	}
	return name, nil
}

func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// explain turns a validation error into English for the terminal.
func explain(err error) error {
	if fields, ok := models.AsValidation(err); ok {
		var parts []string
		for f, e := range fields {
			parts = append(parts, f+": "+trEN(e))
		}
		return fmt.Errorf("%s", strings.Join(parts, "; "))
	}
	return err
}
