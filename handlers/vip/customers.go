package vip

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

// Customers lists VIP customers, filtered by nick, tier and tag.
func (h *Handler) Customers(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.VIPListView{Query: c.QueryParam("q"), Tier: c.QueryParam("tier"), Tag: c.QueryParam("tag")}
	page, err := h.store.ListVIPs(ctx, models.VIPFilter{Query: v.Query, Tier: v.Tier, Tag: v.Tag, After: c.QueryParam("after")})
	if err != nil {
		return err
	}
	v.Page = page
	if v.Tags, err = h.store.VIPTags(ctx); err != nil {
		return err
	}
	return web.Page(c, http.StatusOK, views.VIPCustomersPage(v), views.VIPCustomersSection(v))
}

// NewCustomer shows an empty customer form.
func (h *Handler) NewCustomer(c echo.Context) error {
	return web.Render(c, http.StatusOK, views.VIPNewPage(views.VIPFormView{Form: models.VIPForm{Tier: "gold", PreferredChannel: "wangwang"}}))
}

func parseVIPForm(c echo.Context) models.VIPForm {
	f := models.VIPForm{Buyer: c.FormValue("buyer"), RealName: c.FormValue("real_name"), Phone: c.FormValue("phone"),
		Wechat: c.FormValue("wechat"), Tier: c.FormValue("tier"), TagsText: c.FormValue("tags"), Notes: c.FormValue("notes"),
		PreferredChannel: c.FormValue("preferred_channel"), ContactWindow: c.FormValue("contact_window"),
		DoNotContact: c.FormValue("do_not_contact") != ""}
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	return f
}

// CreateCustomer saves a new customer or re-renders the form.
func (h *Handler) CreateCustomer(c echo.Context) error {
	v := views.VIPFormView{Form: parseVIPForm(c)}
	cust, err := h.store.SaveVIP(c.Request().Context(), web.Actor(c), v.Form)
	if errs, ok := models.AsValidation(err); ok {
		v.Errors = errs
		return web.Page(c, http.StatusUnprocessableEntity, views.VIPNewPage(v), views.VIPForm(v))
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "vip.saved", cust.Buyer)); err != nil {
		return err
	}
	return web.Redirect(c, "/vip/customers/"+strconv.FormatInt(cust.ID, 10))
}

// EditCustomer shows a customer's form.
func (h *Handler) EditCustomer(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	cust, err := h.store.VIPForEdit(c.Request().Context(), web.Actor(c), id)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.VIPEditPage(views.NewVIPFormView(cust)))
}

// UpdateCustomer saves an edit; a stale version keeps what was typed and
// says who changed the customer meanwhile.
func (h *Handler) UpdateCustomer(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	v := views.VIPFormView{Form: parseVIPForm(c)}
	v.Form.ID = id
	cust, err := h.store.SaveVIP(c.Request().Context(), web.Actor(c), v.Form)
	status := http.StatusUnprocessableEntity
	if errs, ok := models.AsValidation(err); ok {
		v.Errors = errs
	} else if conflict, ok := models.AsConflict(err); ok {
		v.Conflict, status = conflict, http.StatusConflict
	} else if err != nil {
		return err
	} else {
		if err := web.Flash(c, web.T(c, "vip.saved", cust.Buyer)); err != nil {
			return err
		}
		return web.Redirect(c, "/vip/customers/"+strconv.FormatInt(id, 10))
	}
	return web.Page(c, status, views.VIPEditPage(v), views.VIPForm(v))
}

// customerView reads what the customer page shows, masking contact fields.
func (h *Handler) customerView(c echo.Context, id int64) (views.CustomerView, error) {
	ctx := c.Request().Context()
	u := web.User(c)
	cust, err := h.store.VIPByID(ctx, id)
	if err != nil {
		return views.CustomerView{}, err
	}
	visits, err := h.store.VisitsOfCustomer(ctx, id)
	if err != nil {
		return views.CustomerView{}, err
	}
	if u.Role == models.RoleAgent && !hasVisit(visits, u.ID) {
		return views.CustomerView{}, models.ErrNotYours
	}
	may, err := h.store.MayReveal(ctx, *u, id)
	if err != nil {
		return views.CustomerView{}, err
	}
	tl, err := h.store.BuyerTimeline(ctx, cust.Buyer, 200)
	if err != nil {
		return views.CustomerView{}, err
	}
	return views.CustomerView{Customer: cust, Phone: views.NewContact(cust, models.FieldPhone, may),
		RealName: views.NewContact(cust, models.FieldRealName, may), Window: cust.Window(web.Settings(c)),
		Manager: u.Role == models.RoleManager, Visits: visits, Timeline: tl, Today: h.today(c)}, nil
}

// hasVisit reports whether the agent has, or had, a visit of the customer:
// only then may they open the customer's page.
func hasVisit(visits []models.VisitRow, agentID int64) bool {
	for _, v := range visits {
		if v.AgentID == agentID {
			return true
		}
	}
	return false
}

// Customer shows one customer and their timeline.
func (h *Handler) Customer(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	v, err := h.customerView(c, id)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.CustomerPage(v))
}

// Reveal shows one contact field in clear, audited. HTMX swaps just the
// field; without JavaScript the customer page comes back with it shown.
func (h *Handler) Reveal(c echo.Context) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	field := c.FormValue("field")
	value, err := h.store.RevealContact(c.Request().Context(), web.Actor(c), *web.User(c), id, field)
	if err != nil {
		return err
	}
	contact := views.Contact{CustomerID: id, Field: field, Clear: value, Masked: "—"}
	if web.Partial(c) {
		return web.Render(c, http.StatusOK, views.RevealField(contact))
	}
	v, err := h.customerView(c, id)
	if err != nil {
		return err
	}
	if field == models.FieldPhone {
		v.Phone = contact
	} else {
		v.RealName = contact
	}
	return web.Render(c, http.StatusOK, views.CustomerPage(v))
}

// Suggestions lists buyers the shop's rule suggests.
func (h *Handler) Suggestions(c echo.Context) error {
	return h.renderSuggestions(c, http.StatusOK, "")
}

func (h *Handler) renderSuggestions(c echo.Context, status int, msg string) error {
	s := web.Settings(c)
	list, err := h.store.VIPSuggestions(c.Request().Context(), h.now(), 200)
	if err != nil {
		return err
	}
	return web.Render(c, status, views.SuggestionsPage(views.SuggestionsView{Suggestions: list, Error: msg,
		MinOrders: s.Int(models.SettingVIPMinOrders), MinYuan: s.Int(models.SettingVIPMinSpendYuan), Months: s.Int(models.SettingVIPLookbackMonths)}))
}

// Accept makes a suggested buyer a VIP.
func (h *Handler) Accept(c echo.Context) error {
	cust, err := h.store.AcceptSuggestion(c.Request().Context(), web.Actor(c), c.FormValue("buyer"), c.FormValue("tier"))
	if errs, ok := models.AsValidation(err); ok {
		for _, e := range errs {
			return h.renderSuggestions(c, http.StatusUnprocessableEntity, web.T(c, e.Key, e.Args...))
		}
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "vip.accepted", cust.Buyer)); err != nil {
		return err
	}
	return web.Redirect(c, "/vip/suggestions")
}

// Dismiss remembers that a buyer is not to be suggested again.
func (h *Handler) Dismiss(c echo.Context) error {
	buyer := c.FormValue("buyer")
	err := h.store.DismissSuggestion(c.Request().Context(), web.Actor(c), buyer)
	if errs, ok := models.AsValidation(err); ok {
		for _, e := range errs {
			return h.renderSuggestions(c, http.StatusUnprocessableEntity, web.T(c, e.Key, e.Args...))
		}
	}
	if err != nil {
		return err
	}
	if err := web.Flash(c, web.T(c, "vip.dismissed", buyer)); err != nil {
		return err
	}
	return web.Redirect(c, "/vip/suggestions")
}
