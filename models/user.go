package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"
	"golang.org/x/crypto/bcrypt"
)

// Role decides what a user may see and do. Routes deny by default and name
// the roles they allow.
type Role string

// The roles of a shop's customer-service team.
const (
	RoleAdmin   Role = "admin"   // manages users and shop settings
	RoleManager Role = "manager" // store manager / supervisor: decides everything operational
	RoleQC      Role = "qc"      // quality inspector: runs spot checks
	RoleAgent   Role = "agent"   // customer-service agent: own work and schedule
)

// Roles lists every role, in the order forms show them.
var Roles = []Role{RoleAdmin, RoleManager, RoleQC, RoleAgent}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Team is the group an agent works in (domain digest: who works there).
type Team string

// The teams of a shop; TeamNone for admins and managers above the teams.
const (
	TeamNone       Team = ""
	TeamPresales   Team = "presales"   // 售前
	TeamAftersales Team = "aftersales" // 售后
	TeamAssistance Team = "assistance" // 辅助: payment reminders and phone in promotions
	TeamQC         Team = "qc"         // 质检
	TeamPhone      Team = "phone"      // 电话
)

// Teams lists every team, in the order forms show them.
var Teams = []Team{TeamNone, TeamPresales, TeamAftersales, TeamAssistance, TeamQC, TeamPhone}

// Valid reports whether t is a known team.
func (t Team) Valid() bool { return slices.Contains(Teams, t) }

// User is a person who logs in to the dashboard.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	Role         Role
	Team         Team
	PasswordHash string `json:"-"`
	Disabled     bool
	Locale       string
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
	UpdatedBy    *int64
	Nicks        pq.StringArray `gorm:"->;-:migration;type:text[]"`
}

// Name is what the dashboard calls the user.
func (u User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// Actor returns the user as the author of a change made from ip.
func (u User) Actor(ip string) Actor { return Actor{ID: u.ID, Name: u.Username, IP: ip} }

// userAudit is what the audit log keeps of a user: never the password hash.
type userAudit struct {
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Role        Role     `json:"role"`
	Team        Team     `json:"team"`
	Disabled    bool     `json:"disabled"`
	Nicks       []string `json:"nicks"`
}

func (u User) audit() userAudit {
	return userAudit{u.Username, u.DisplayName, u.Role, u.Team, u.Disabled, append([]string{}, u.Nicks...)}
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

var usernameRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{2,40}$`)

// ParseNicks splits what a user typed (commas, Chinese commas, spaces or new
// lines) into distinct Wangwang nicks, keeping their order.
func ParseNicks(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '\n' || r == '\r' || r == ';' || r == '；'
	})
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// UserForm is what the admin fills in to create or edit a user.
type UserForm struct {
	ID          int64
	Version     int
	Username    string
	DisplayName string
	Role        Role
	Team        Team
	Password    string // creation only
	Nicks       []string
}

// Validate checks the form on its own; uniqueness is checked by the database.
func (f UserForm) Validate() FieldErrors {
	errs := FieldErrors{}
	if f.ID == 0 {
		if !usernameRe.MatchString(f.Username) {
			errs.Add("username", "users.err.username")
		}
		if len([]rune(f.Password)) < MinPasswordLen {
			errs.Add("password", "users.err.password_short", MinPasswordLen)
		}
	}
	if len([]rune(f.DisplayName)) > 60 {
		errs.Add("display_name", "users.err.display_long")
	}
	if !f.Role.Valid() {
		errs.Add("role", "users.err.role")
	}
	if !f.Team.Valid() {
		errs.Add("team", "users.err.team")
	}
	for _, n := range f.Nicks {
		if len([]rune(n)) > 64 {
			errs.Add("nicks", "users.err.nick_long")
		}
	}
	return errs
}

// ErrBadCredentials is returned for a wrong name or password, without saying which.
var ErrBadCredentials = errors.New("models: wrong username or password")

func hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("models: unable to hash password: %w", err)
	}
	return string(h), nil
}

// usersWithNicks selects users with their nicks in one query (no N+1).
// The nicks are grouped once and joined, not looked up per user: with
// hundreds of agents a correlated subquery scanned agent_nicks once per
// user (216 ms for the whole team, 1.3 ms as a join). A filter on u.id is
// pushed into the grouping, so one user's lookup stays an index probe.
//
// Rows are scanned by hand: name maps read the whole team on most pages,
// and gorm's reflection over 300 users was 18% of the server's CPU in the
// load run.
const usersWithNicks = `SELECT u.id, u.username, u.display_name, u.role, u.team, u.password_hash, u.disabled, u.locale,
       u.version, u.created_at, u.updated_at, u.updated_by, COALESCE(nk.nicks, '{}')
  FROM users u
  LEFT JOIN (SELECT user_id, array_agg(nick ORDER BY nick) AS nicks FROM agent_nicks GROUP BY user_id) nk ON nk.user_id = u.id`

// queryUsers runs usersWithNicks with a tail (WHERE/ORDER BY) and scans.
func (s *Store) queryUsers(ctx context.Context, tail string, args ...any) ([]User, error) {
	rows, err := s.conn(ctx).Raw(usersWithNicks+" "+tail, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := scanUser(rows, &u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// scanUser reads usersWithNicks' columns into u, then any extra columns
// a query adds after them into extra.
func scanUser(rows *sql.Rows, u *User, extra ...any) error {
	var role, team string
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &role, &team, &u.PasswordHash, &u.Disabled, &u.Locale,
		&u.Version, &u.CreatedAt, &u.UpdatedAt, &u.UpdatedBy, &u.Nicks}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	u.Role, u.Team = Role(role), Team(team)
	return nil
}

// oneUser is queryUsers for a lookup that must find exactly one.
func (s *Store) oneUser(ctx context.Context, what, tail string, args ...any) (User, error) {
	us, err := s.queryUsers(ctx, tail, args...)
	if err != nil {
		return User{}, fmt.Errorf("models: unable to load %s: %w", what, err)
	}
	if len(us) == 0 {
		return User{}, fmt.Errorf("models: %s: %w", what, ErrNotFound)
	}
	return us[0], nil
}

// UserByID loads one user with their nicks.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	return s.oneUser(ctx, fmt.Sprintf("user %d", id), "WHERE u.id = ?", id)
}

// UserByUsername loads one user by login name, case-insensitively.
func (s *Store) UserByUsername(ctx context.Context, name string) (User, error) {
	return s.oneUser(ctx, fmt.Sprintf("user %q", name), "WHERE lower(u.username) = lower(?)", name)
}

// ListUsers returns every user, enabled first, then by team and name.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	us, err := s.users.get(ctx, s, struct{}{}, func(ctx context.Context) ([]User, error) {
		return s.queryUsers(ctx, "ORDER BY u.disabled, u.team, lower(u.username)")
	})
	if err != nil {
		return nil, fmt.Errorf("models: unable to list users: %w", err)
	}
	return cloneUsers(us), nil
}

// Authenticate checks a login. A disabled user cannot log in; the error does
// not say whether the name or the password was wrong.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	u, err := s.UserByUsername(ctx, strings.TrimSpace(username))
	if errors.Is(err, ErrNotFound) {
		// Spend the same time as a real check so timing does not reveal names.
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil || u.Disabled {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("kefudesk-timing"), bcrypt.DefaultCost)
