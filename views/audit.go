package views

import (
	"encoding/json"
	"net/url"
	"sort"

	"kefudesk/models"
)

// AuditView is the audit log page: the filter as typed and one page of rows.
type AuditView struct {
	ActorID  string
	Entity   string
	From     string
	To       string
	Errors   models.FieldErrors
	Users    []models.User
	Entities []string
	Page     models.AuditPage
}

// NextURL links to the page after this one, keeping the filter.
func (v AuditView) NextURL() string {
	q := url.Values{}
	for k, val := range map[string]string{"actor": v.ActorID, "entity": v.Entity, "from": v.From, "to": v.To} {
		if val != "" {
			q.Set(k, val)
		}
	}
	q.Set("before", v.Page.Next.String())
	return "/admin/audit?" + q.Encode()
}

// Change is one field of an audit entry that changed.
type Change struct {
	Field, Before, After string
}

// Changes lists what an entry changed, field by field, from its JSON.
func Changes(e models.AuditEntry) []Change {
	var before, after map[string]any
	_ = json.Unmarshal(e.Before, &before)
	_ = json.Unmarshal(e.After, &after)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []Change
	for k := range keys {
		b, a := show(before[k]), show(after[k])
		if b != a {
			out = append(out, Change{Field: k, Before: b, After: a})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
