// Package views renders Kefu Desk's pages with templ. Every page takes a
// typed view model; what every page shares (the user, the language, the
// shop's time zone, the CSRF token) travels in the context as a Frame.
package views

import (
	"context"
	"fmt"
	"slices"
	"time"

	"kefudesk/models"
	"kefudesk/views/i18n"
)

// Frame is what the layout needs to know about the request.
type Frame struct {
	UserID   int64
	UserName string
	Role     models.Role // empty when nobody is logged in
	CSRF     string
	Loc      *time.Location
	ShopName string
	Path     string
	Flash    string
}

type frameKey struct{}

// WithFrame stores f, and its language, in the context pages render with.
func WithFrame(ctx context.Context, f Frame, locale string) context.Context {
	if f.Loc == nil {
		f.Loc, _ = time.LoadLocation("Asia/Shanghai")
	}
	return i18n.WithLocale(context.WithValue(ctx, frameKey{}, f), locale)
}

// FrameOf returns the frame of the request behind ctx.
func FrameOf(ctx context.Context) Frame {
	f, _ := ctx.Value(frameKey{}).(Frame)
	if f.Loc == nil {
		f.Loc = time.UTC
	}
	return f
}

// NavItem is one entry of the main navigation.
type NavItem struct {
	Href  string
	Key   string
	Roles []models.Role
}

var everyone = models.Roles

// navigation lists the pages in the order the menu shows them; an entry is
// shown only to the roles its routes allow (the router enforces the same).
var navigation = []NavItem{
	{Href: "/", Key: "nav.today", Roles: everyone},
	{Href: "/orders", Key: "nav.orders", Roles: []models.Role{models.RoleManager}},
	{Href: "/spot-checks/queue", Key: "nav.queue", Roles: []models.Role{models.RoleManager, models.RoleQC}},
	{Href: "/spot-checks/chats", Key: "nav.chats", Roles: []models.Role{models.RoleManager, models.RoleQC}},
	{Href: "/spot-checks/plans", Key: "nav.plans", Roles: []models.Role{models.RoleManager, models.RoleQC}},
	{Href: "/spot-checks/appeals", Key: "nav.appeals", Roles: []models.Role{models.RoleManager, models.RoleQC}},
	{Href: "/spot-checks/scorecards", Key: "nav.scorecards", Roles: []models.Role{models.RoleManager, models.RoleQC}},
	{Href: "/spot-checks/calibration", Key: "nav.calibration", Roles: []models.Role{models.RoleManager, models.RoleQC}},
	{Href: "/spot-checks/quality", Key: "nav.quality", Roles: []models.Role{models.RoleManager, models.RoleQC}},
	{Href: "/spot-checks/cases", Key: "nav.cases", Roles: []models.Role{models.RoleManager, models.RoleQC}},
	{Href: "/spot-checks/replies", Key: "nav.replies", Roles: []models.Role{models.RoleManager, models.RoleQC, models.RoleAgent}},
	{Href: "/spot-checks/mine", Key: "nav.my_reviews", Roles: []models.Role{models.RoleAgent}},
	{Href: "/admin/users", Key: "nav.users", Roles: []models.Role{models.RoleAdmin}},
	{Href: "/admin/settings", Key: "nav.settings", Roles: []models.Role{models.RoleAdmin}},
	{Href: "/admin/audit", Key: "nav.audit", Roles: []models.Role{models.RoleAdmin}},
}

// Nav returns the menu entries the role may open.
func Nav(role models.Role) []NavItem {
	var out []NavItem
	for _, n := range navigation {
		if slices.Contains(n.Roles, role) {
			out = append(out, n)
		}
	}
	return out
}

func (f Frame) active(href string) bool {
	if href == "/" {
		return f.Path == "/"
	}
	return f.Path == href || len(f.Path) > len(href) && f.Path[:len(href)+1] == href+"/"
}

// T is i18n.T, short for templates.
func T(ctx context.Context, key string, args ...any) string { return i18n.T(ctx, key, args...) }

// ErrText translates a field error.
func ErrText(ctx context.Context, e models.FieldError) string { return i18n.T(ctx, e.Key, e.Args...) }

// Time shows t in the shop's time zone, to the minute.
func Time(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(FrameOf(ctx).Loc).Format("2006-01-02 15:04")
}

// Date shows the day of t in the shop's time zone.
func Date(ctx context.Context, t time.Time) string {
	return t.In(FrameOf(ctx).Loc).Format("2006-01-02")
}

// Yuan shows an amount kept in fen (hundredths of a yuan) as yuan.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s¥%d.%02d", sign, fen/100, fen%100)
}

// ConflictText explains a version conflict in the user's language.
func ConflictText(ctx context.Context, c *models.ConflictError) string {
	return i18n.T(ctx, "error.conflict", c.By, Time(ctx, c.At))
}

var weekdaysZH = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// LongDate writes a day the way each language writes it on a page heading.
func LongDate(locale string, t time.Time) string {
	if locale == i18n.EN {
		return t.Format("Monday, 2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), t.Month(), t.Day(), weekdaysZH[t.Weekday()])
}

// Word translates a stored code (an audit action, an entity name) when the
// catalog knows it, and shows the code itself otherwise.
func Word(ctx context.Context, prefix, code string) string {
	if i18n.Has(prefix + code) {
		return i18n.T(ctx, prefix+code)
	}
	return code
}
