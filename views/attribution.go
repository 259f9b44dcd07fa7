package views

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kefudesk/models"
	"kefudesk/views/i18n"
)

// OrderDetailView is one order's page: the decision and its disputes.
type OrderDetailView struct {
	D           models.OrderDetail
	CanClaim    bool
	ClaimErrors models.FieldErrors
	Reason      string
}

// StepText translates one explanation step.
func StepText(ctx context.Context, s models.StoredStep) string {
	args := make([]any, len(s.Args))
	for i, a := range s.Args {
		args[i] = a
	}
	return i18n.T(ctx, s.Key, args...)
}

// RuleName names a rule.
func RuleName(ctx context.Context, rule string) string { return Word(ctx, "attr.rule.", rule) }

// Share shows basis points as a percentage.
func Share(bp int) string {
	if bp%100 == 0 {
		return fmt.Sprintf("%d%%", bp/100)
	}
	return fmt.Sprintf("%.2f%%", float64(bp)/100)
}

// AgentName is who an engine key is, for people.
func (v OrderDetailView) AgentName(key string) string { return v.D.People.NameOfKey(key) }

// AttributionView is the manager's page of attribution settings,
// promotions and the re-apply with its preview.
type AttributionView struct {
	Settings      SettingsView
	Promotions    []models.PromotionPeriod
	PromoForm     models.PromotionForm
	PromoErrors   models.FieldErrors
	PromoConflict *models.ConflictError
	From, To      string
	RangeErrors   models.FieldErrors
	Preview       *models.AttributionPreview
	People        models.AgentPeople
	Runs          []models.ImportRun // the latest re-applies, newest first
}

// Running reports whether a re-apply is still going.
func (v AttributionView) Running() bool {
	return len(v.Runs) > 0 && v.Runs[0].Status == "running"
}

// SigPart shows one "kind:agent:fen" part of a credit signature.
func (v AttributionView) SigPart(ctx context.Context, part string) string {
	bits := strings.SplitN(part, ":", 3)
	if len(bits) != 3 {
		return part
	}
	fen, _ := strconv.ParseInt(bits[2], 10, 64)
	return i18n.T(ctx, "attr.kind."+bits[0]) + " " + v.People.NameOfKey(bits[1]) + " " + Yuan(fen)
}

// DisputesView is the dispute list.
type DisputesView struct {
	Status string
	Items  []models.DisputeItem
	Next   models.AuditCursor
	People models.AgentPeople
	Now    time.Time
}

// NextURL pages on.
func (v DisputesView) NextURL() string {
	q := url.Values{"before": {v.Next.String()}}
	if v.Status != "" {
		q.Set("status", v.Status)
	}
	return "/disputes?" + q.Encode()
}

// Names lists people by id.
func Names(p models.AgentPeople, ids []int64) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p.Name(id)
	}
	return strings.Join(out, "、")
}

// Age is how long ago t was, in days and hours.
func Age(ctx context.Context, now, t time.Time) string {
	d := now.Sub(t)
	if d < 0 {
		d = 0
	}
	return i18n.T(ctx, "disputes.age", int(d.Hours())/24, int(d.Hours())%24)
}

// DisputeView is the dispute and ruling page.
type DisputeView struct {
	C            models.DisputeCase
	Me           int64
	IsManager    bool
	CanAnswer    bool
	Now          time.Time
	Errors       models.FieldErrors
	Conflict     *models.ConflictError
	Body         string
	Percent      map[int64]string
	RulingReason string
	ReopenReason string
}

// PercentOf is what the ruling form shows for an agent: as typed, or the
// automatic share.
func (v DisputeView) PercentOf(e models.AgentEvidence) string {
	if p, ok := v.Percent[e.UserID]; ok {
		return p
	}
	return strconv.Itoa(e.AutoShareBP / 100)
}

// Awarded is the ruling's share of an agent.
func (v DisputeView) Awarded(userID int64) int {
	for _, w := range v.C.Dispute.AwardList() {
		if w.UserID == userID {
			return w.ShareBP
		}
	}
	return 0
}
