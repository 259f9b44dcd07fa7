package views

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"kefudesk/models"
	"kefudesk/models/vipwindow"
)

// VIPImportKind is how the customer upload pages read.
var VIPImportKind = ImportKind{Base: "/vip/import", Title: "vip.import", Help: "vip.import.help",
	Back: "/vip/customers", BackLabel: "vip.customers", Accept: ".csv,.txt,.xlsx,text/csv"}

// Contact is a customer's phone or real name as this user may see it:
// masked, with a reveal button when the user is allowed to see it, or in
// clear once revealed.
type Contact struct {
	CustomerID int64
	Field      string // models.FieldPhone or models.FieldRealName
	Masked     string
	Clear      string // set once revealed
	MayReveal  bool
}

// NewContact builds the masked view of one contact field.
func NewContact(c models.VIPCustomer, field string, mayReveal bool) Contact {
	out := Contact{CustomerID: c.ID, Field: field, MayReveal: mayReveal}
	if field == models.FieldPhone {
		out.Masked = models.MaskPhone(c.Phone)
	} else {
		out.Masked = models.MaskName(c.RealName)
	}
	return out
}

func (c Contact) id() string { return fmt.Sprintf("%s-%d", c.Field, c.CustomerID) }

// VIPListView is the customer list with its filter.
type VIPListView struct {
	Query, Tier, Tag string
	Tags             []string
	Page             models.VIPPage
}

// NextURL pages on, keeping the filter.
func (v VIPListView) NextURL() string {
	q := url.Values{"after": {v.Page.Next}}
	for k, val := range map[string]string{"q": v.Query, "tier": v.Tier, "tag": v.Tag} {
		if val != "" {
			q.Set(k, val)
		}
	}
	return "/vip/customers?" + q.Encode()
}

// VIPFormView is the customer form as the manager left it.
type VIPFormView struct {
	Form     models.VIPForm
	Errors   models.FieldErrors
	Conflict *models.ConflictError
}

// NewVIPFormView fills the edit form from a stored customer.
func NewVIPFormView(c models.VIPCustomer) VIPFormView {
	tags := ""
	for i, t := range c.Tags {
		if i > 0 {
			tags += ", "
		}
		tags += t
	}
	return VIPFormView{Form: models.VIPForm{ID: c.ID, Version: c.Version, Buyer: c.Buyer, RealName: c.RealName, Phone: c.Phone,
		Wechat: c.Wechat, Tier: c.Tier, TagsText: tags, Notes: c.Notes, PreferredChannel: c.PreferredChannel,
		ContactWindow: c.ContactWindow, DoNotContact: c.DoNotContact}}
}

// CustomerView is one customer's page.
type CustomerView struct {
	Customer models.VIPCustomer
	Phone    Contact
	RealName Contact
	Window   vipwindow.Window
	Manager  bool
	Visits   []models.VisitRow
	Timeline []models.TimelineEntry
	Today    time.Time
}

// SuggestionsView lists suggested VIPs.
type SuggestionsView struct {
	Suggestions []models.VIPSuggestion
	MinOrders   int
	MinYuan     int
	Months      int
	Error       string
}

// VisitListsView is the lists page.
type VisitListsView struct {
	Page  models.VisitListPage
	Today time.Time
}

// NextURL pages on.
func (v VisitListsView) NextURL() string {
	return fmt.Sprintf("/vip/lists?before=%s_%d", v.Page.Next.Start.Format(time.DateOnly), v.Page.Next.ID)
}

// VisitListFormView is the new-list form.
type VisitListFormView struct {
	Form      models.VisitListForm
	Errors    models.FieldErrors
	Tags      []string
	Agents    []models.User
	Customers []models.VIPCustomer
}

// Picked reports whether a customer is hand-picked.
func (v VisitListFormView) Picked(id int64) bool { return slices.Contains(v.Form.PickedIDs, id) }

// AgentPicked reports whether an agent is picked.
func (v VisitListFormView) AgentPicked(id int64) bool { return slices.Contains(v.Form.AgentIDs, id) }

// VisitListView is one list and its visits.
type VisitListView struct {
	List   models.VisitList
	Visits []models.VisitRow
	Today  time.Time
}

// MyVisitsView is /vip/me.
type MyVisitsView struct {
	Visits []models.VisitRow
	Now    time.Time
	Today  time.Time
	Shop   vipwindow.Window
}

// VisitView is one visit with its log form.
type VisitView struct {
	Visit    models.VisitRow
	Customer models.VIPCustomer
	List     models.VisitList
	Phone    Contact
	RealName Contact
	Window   vipwindow.Window
	Logs     []models.VisitLog
	Form     models.VisitLogForm
	Errors   models.FieldErrors
	Conflict *models.ConflictError
	Mine     bool
	Now      time.Time
}

// Warned reports whether the form came back with the contact-window warning.
func (v VisitView) Warned() bool {
	return v.Errors.Has("contacted_at") && v.Errors["contacted_at"].Key == "vip.warn.outside_window"
}

// VisitReportView is the managers' report.
type VisitReportView struct {
	From, To string
	Errors   models.FieldErrors
	Report   models.VisitReport
}

// ExportURL downloads the same period as XLSX.
func (v VisitReportView) ExportURL() string {
	return "/vip/report.xlsx?" + url.Values{"from": {v.From}, "to": {v.To}}.Encode()
}

// windowText writes a contact window with its days.
func windowText(ctx context.Context, w vipwindow.Window) string {
	if d := w.DaysName(); d != "" {
		return T(ctx, "vip.window."+d, w.String())
	}
	return w.String()
}

// VisitsToday is the today page's VIP card: an agent's due and overdue
// visits, or for a manager the team's overdue ones.
type VisitsToday struct {
	Show    bool
	Manager bool
	Due     int
	Overdue int
}

// rowWindow is a listed visit's contact window.
func rowWindow(x models.VisitRow, shop vipwindow.Window) vipwindow.Window {
	if x.ContactWindow != "" {
		if w, err := vipwindow.Parse(x.ContactWindow); err == nil {
			return w
		}
	}
	return shop
}

// withoutWarning leaves the contact-window warning out of the field's own
// errors: the form shows it above, with the confirmation box.
func withoutWarning(v VisitView) models.FieldErrors {
	if !v.Warned() {
		return v.Errors
	}
	out := models.FieldErrors{}
	for k, e := range v.Errors {
		if k != "contacted_at" {
			out[k] = e
		}
	}
	return out
}

// ChartBar is one agent's stacked bar in the report chart: reached, closed
// otherwise, open and overdue, as x offsets and widths in SVG units.
type ChartBar struct {
	Name                        string
	Y                           int
	Reached, Closed, Open, Late [2]float64 // x, width
	Label                       string
}

// Chart lays the agents' bars out: 160 units for names, 400 for the bar
// scaled to the busiest agent, the figures after it.
func (v VisitReportView) Chart() (bars []ChartBar, height int) {
	most := 1
	for _, a := range v.Report.Agents {
		most = max(most, a.Total)
	}
	const x0, width, row = 160.0, 400.0, 30
	for i, a := range v.Report.Agents {
		unit := width / float64(most)
		b := ChartBar{Name: a.Name, Y: 10 + i*row, Label: fmt.Sprintf("%d/%d", a.Done, a.Total)}
		x := x0
		for _, seg := range []struct {
			dst *[2]float64
			n   int
		}{{&b.Reached, a.Reached}, {&b.Closed, a.Done - a.Reached}, {&b.Open, a.Total - a.Done - a.Overdue}, {&b.Late, a.Overdue}} {
			*seg.dst = [2]float64{x, float64(seg.n) * unit}
			x += float64(seg.n) * unit
		}
		bars = append(bars, b)
	}
	return bars, 10 + len(bars)*row + 5
}
