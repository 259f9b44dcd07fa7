package views

import (
	"net/url"

	"kefudesk/models"
)

// OrdersView is the order list with its filter as typed.
type OrdersView struct {
	From, To, Buyer, Flag string
	Unpaid                bool
	CanImport             bool
	Errors                models.FieldErrors
	Page                  models.OrderPage
}

// NextURL pages on, keeping the filter.
func (v OrdersView) NextURL() string {
	q := url.Values{}
	for k, val := range map[string]string{"from": v.From, "to": v.To, "buyer": v.Buyer, "flag": v.Flag} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if v.Unpaid {
		q.Set("unpaid", "1")
	}
	q.Set("before", v.Page.Next.String())
	return "/orders?" + q.Encode()
}

// flagKeys names the platform's flags 1-5.
var flagKeys = []string{"", "flag.red", "flag.yellow", "flag.green", "flag.blue", "flag.purple"}

// FlagKey is the catalog key of a seller flag.
func FlagKey(f int) string {
	if f < 1 || f >= len(flagKeys) {
		return ""
	}
	return flagKeys[f]
}
