// Package views renders Kefu Desk's pages with templ. Every page takes a
// typed view model; what every page shares (the user, the language, the
// shop's time zone, the CSRF token) travels in the context as a Frame.
package views

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// NavItem is one entry of the main navigation. An area (spot checks,
// orders, ...) has Sub pages, shown as tabs under the top bar while the user
// is in that area; its top-level link opens the first sub page the role may
// see. Prefixes are the paths the area owns, so deep pages keep it lit.
type NavItem struct {
	Href     string
	Key      string
	Roles    []models.Role
	Prefixes []string
	Sub      []NavItem
}

var (
	everyone    = models.Roles
	managerQC   = []models.Role{models.RoleManager, models.RoleQC}
	managerOnly = []models.Role{models.RoleManager}
	adminOnly   = []models.Role{models.RoleAdmin}
)

// navigation lists the areas in the order the menu shows them; an entry is
// shown only to the roles its routes allow (the router enforces the same).
// Each work area adds one entry.
var navigation = []NavItem{
	{Href: "/", Key: "nav.today", Roles: everyone},
	{Key: "nav.area.spot", Prefixes: []string{"/spot-checks"}, Sub: []NavItem{
		{Href: "/spot-checks/queue", Key: "nav.queue", Roles: managerQC},
		{Href: "/spot-checks/mine", Key: "nav.my_reviews", Roles: []models.Role{models.RoleAgent}},
		{Href: "/spot-checks/chats", Key: "nav.chats", Roles: managerQC},
		{Href: "/spot-checks/plans", Key: "nav.plans", Roles: managerQC},
		{Href: "/spot-checks/appeals", Key: "nav.appeals", Roles: managerQC},
		{Href: "/spot-checks/quality", Key: "nav.quality", Roles: managerQC},
		{Href: "/spot-checks/cases", Key: "nav.cases", Roles: managerQC},
		{Href: "/spot-checks/replies", Key: "nav.replies", Roles: []models.Role{models.RoleManager, models.RoleQC, models.RoleAgent}},
		{Href: "/spot-checks/scorecards", Key: "nav.scorecards", Roles: managerQC},
		{Href: "/spot-checks/calibration", Key: "nav.calibration", Roles: managerQC},
	}},
	{Key: "nav.area.orders", Prefixes: []string{"/orders", "/disputes"}, Sub: []NavItem{
		{Href: "/orders", Key: "nav.orders", Roles: []models.Role{models.RoleManager, models.RoleQC, models.RoleAgent}},
		{Href: "/orders/performance", Key: "nav.performance", Roles: []models.Role{models.RoleManager, models.RoleQC, models.RoleAgent}},
		{Href: "/disputes", Key: "nav.disputes", Roles: []models.Role{models.RoleManager, models.RoleQC, models.RoleAgent}},
		{Href: "/orders/attribution", Key: "nav.attribution", Roles: managerOnly},
	}},
	{Key: "nav.area.badreviews", Prefixes: []string{"/reviews"}, Sub: []NavItem{
		{Href: "/reviews", Key: "nav.badreviews.board", Roles: []models.Role{models.RoleManager, models.RoleQC, models.RoleAgent}},
		{Href: "/reviews/handover", Key: "nav.badreviews.handover", Roles: []models.Role{models.RoleManager, models.RoleQC, models.RoleAgent}},
		{Href: "/reviews/report", Key: "nav.badreviews.report", Roles: managerQC},
		{Href: "/reviews/import", Key: "nav.badreviews.import", Roles: managerOnly},
		{Href: "/reviews/new", Key: "nav.badreviews.new", Roles: managerOnly},
	}},
	{Key: "nav.area.vip", Prefixes: []string{"/vip"}, Sub: []NavItem{
		{Href: "/vip/me", Key: "nav.vip.me", Roles: []models.Role{models.RoleAgent}},
		{Href: "/vip/lists", Key: "nav.vip.lists", Roles: managerOnly},
		{Href: "/vip/customers", Key: "nav.vip.customers", Roles: managerOnly},
		{Href: "/vip/suggestions", Key: "nav.vip.suggestions", Roles: managerOnly},
		{Href: "/vip/report", Key: "nav.vip.report", Roles: managerOnly},
	}},
	{Key: "nav.area.shifts", Prefixes: []string{"/shifts"}, Sub: []NavItem{
		{Href: "/shifts", Key: "nav.shifts.rota", Roles: managerOnly},
		{Href: "/shifts/me", Key: "nav.shifts.me", Roles: []models.Role{models.RoleAgent, models.RoleQC}},
		{Href: "/shifts/team", Key: "nav.shifts.team", Roles: []models.Role{models.RoleManager, models.RoleAgent, models.RoleQC}},
		{Href: "/shifts/swaps", Key: "nav.shifts.swaps", Roles: []models.Role{models.RoleManager, models.RoleAgent, models.RoleQC}},
		{Href: "/shifts/leave", Key: "nav.shifts.leave", Roles: []models.Role{models.RoleManager, models.RoleAgent, models.RoleQC}},
		{Href: "/shifts/handover", Key: "nav.shifts.handover", Roles: []models.Role{models.RoleManager, models.RoleAgent, models.RoleQC}},
		{Href: "/shifts/fairness", Key: "nav.shifts.fairness", Roles: []models.Role{models.RoleManager, models.RoleAgent, models.RoleQC}},
		{Href: "/shifts/staffing", Key: "nav.shifts.staffing", Roles: managerOnly},
		{Href: "/shifts/adherence", Key: "nav.shifts.adherence", Roles: managerOnly},
	}},
	{Key: "nav.area.admin", Prefixes: []string{"/admin"}, Sub: []NavItem{
		{Href: "/admin/users", Key: "nav.users", Roles: adminOnly},
		{Href: "/admin/settings", Key: "nav.settings", Roles: adminOnly},
		{Href: "/admin/audit", Key: "nav.audit", Roles: adminOnly},
	}},
}

// Nav returns the menu entries the role may open: plain pages, and areas
// with at least one sub page for the role (their Href set to the first).
func Nav(role models.Role) []NavItem {
	var out []NavItem
	for _, n := range navigation {
		if len(n.Sub) == 0 {
			if slices.Contains(n.Roles, role) {
				out = append(out, n)
			}
			continue
		}
		var sub []NavItem
		for _, s := range n.Sub {
			if slices.Contains(s.Roles, role) {
				sub = append(sub, s)
			}
		}
		if len(sub) == 0 {
			continue
		}
		n.Sub, n.Href = sub, sub[0].Href
		out = append(out, n)
	}
	return out
}

// activeArea is the area the current page belongs to, if any.
func (f Frame) activeArea() (NavItem, bool) {
	for _, n := range Nav(f.Role) {
		if f.inArea(n) {
			return n, true
		}
	}
	return NavItem{}, false
}

func (f Frame) inArea(n NavItem) bool {
	if len(n.Sub) == 0 {
		return f.active(n.Href)
	}
	for _, p := range n.Prefixes {
		if f.Path == p || strings.HasPrefix(f.Path, p+"/") {
			return true
		}
	}
	for _, s := range n.Sub {
		if f.active(s.Href) {
			return true
		}
	}
	return false
}

// activeSub is the sub page lit in the area's tabs: the longest match, so
// /orders/performance does not also light /orders.
func (f Frame) activeSub(area NavItem) string {
	best := ""
	for _, s := range area.Sub {
		if f.active(s.Href) && len(s.Href) > len(best) {
			best = s.Href
		}
	}
	return best
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
// It appends rather than formats: a big shop's performance page shows
// 1,200 amounts, and fmt was a fifth of its rendering.
func Yuan(fen int64) string {
	var buf [32]byte
	b := buf[:0]
	u := uint64(fen)
	if fen < 0 {
		b, u = append(b, '-'), uint64(-fen) // -MinInt64 wraps to its own magnitude as uint64
	}
	b = append(b, "¥"...)
	b = strconv.AppendUint(b, u/100, 10)
	c := u % 100
	b = append(b, '.', byte('0'+c/10), byte('0'+c%10))
	return string(b)
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
