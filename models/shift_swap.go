package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/rota"
)

// Swap kinds: both cells exchange each day, or the colleague takes the
// requester's shift and the requester rests.
const (
	SwapExchange = "swap"
	SwapGiveaway = "giveaway"
)

// Swap states. proposed -> accepted (colleague) -> approved or
// partly_approved (manager); refused by the colleague, rejected by the
// manager, cancelled by the requester. Only approval changes the rota.
const (
	SwapProposed = "proposed"
	SwapAccepted = "accepted"
	SwapApproved = "approved"
	SwapPartly   = "partly_approved"
	SwapRefused  = "refused"
	SwapRejected = "rejected"
	SwapCanceled = "cancelled"
)

// SwapRequest is one request over one or several days.
type SwapRequest struct {
	ID            int64
	Kind          string
	RequesterID   int64
	ColleagueID   int64
	Status        string
	Note          string
	CreatedBy     int64
	AcceptedAt    *time.Time
	DecidedBy     *int64
	DecidedAt     *time.Time
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	UpdatedBy     *int64
	RequesterName string    `gorm:"->;-:migration"`
	ColleagueName string    `gorm:"->;-:migration"`
	Days          []SwapDay `gorm:"-"`
}

// TableName pins the table.
func (SwapRequest) TableName() string { return "swap_requests" }

// Open reports whether the request still waits for someone.
func (r SwapRequest) Open() bool { return r.Status == SwapProposed || r.Status == SwapAccepted }

// SwapDay is one day of a request and the cells when it was asked.
type SwapDay struct {
	SwapID         int64
	Day            time.Time
	RequesterShift string
	ColleagueShift string
	Approved       *bool
}

// TableName pins the table.
func (SwapDay) TableName() string { return "swap_request_days" }

// SwapForm is a request as typed.
type SwapForm struct {
	Kind        string
	RequesterID int64 // the asker; a manager may ask on someone's behalf
	ColleagueID int64
	Days        []string
	Note        string
}

// swapChanges turns a request's days into the cell changes approval makes,
// from the cells as they are now.
func swapChanges(kind string, req, col int64, days []time.Time, cells func(id int64, d time.Time) string) ([]CellChange, FieldErrors) {
	errs := FieldErrors{}
	var out []CellChange
	for _, d := range days {
		rc, cc := cells(req, d), cells(col, d)
		switch {
		case rc == rota.Leave || cc == rota.Leave:
			errs.Add("days", "shifts.err.swap_leave", dateStr(d))
		case kind == SwapGiveaway && !rota.Working(rc):
			errs.Add("days", "shifts.err.giveaway_rest", dateStr(d))
		case kind == SwapGiveaway && rota.Working(cc):
			errs.Add("days", "shifts.err.colleague_busy", dateStr(d))
		case kind == SwapExchange && rc == cc:
			errs.Add("days", "shifts.err.swap_same", dateStr(d))
		case kind == SwapGiveaway:
			out = append(out, CellChange{UserID: col, Day: d, Shift: rc}, CellChange{UserID: req, Day: d, Shift: rota.Rest})
		default:
			out = append(out, CellChange{UserID: col, Day: d, Shift: rc}, CellChange{UserID: req, Day: d, Shift: cc})
		}
	}
	return out, errs
}

// checkSwap runs every rota rule on the swap's changes as of now, plus the
// same-weekly-hours rule for an exchange. It writes nothing.
func (s *Store) checkSwap(ctx context.Context, kind string, req, col int64, days []time.Time) ([]CellChange, Changed, rota.Rota, error) {
	staff, err := s.RotaStaff(ctx)
	if err != nil {
		return nil, Changed{}, rota.Rota{}, err
	}
	if !slices.ContainsFunc(staff, func(u User) bool { return u.ID == req }) || !slices.ContainsFunc(staff, func(u User) bool { return u.ID == col }) {
		return nil, Changed{}, rota.Rota{}, Invalid("colleague", "shifts.err.not_on_rota")
	}
	slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
	start := Monday(days[0])
	weeks := int(Monday(days[len(days)-1]).Sub(start).Hours()/24)/7 + 1
	cur, _, err := s.loadWindow(ctx, staff, start, weeks)
	if err != nil {
		return nil, Changed{}, rota.Rota{}, err
	}
	changes, errs := swapChanges(kind, req, col, days, func(id int64, d time.Time) string {
		return cur.Cells[id][int(d.Sub(start).Hours()/24)]
	})
	if err := errs.Err(); err != nil {
		return nil, Changed{}, rota.Rota{}, err
	}
	plan, before, err := s.planChanges(ctx, changes)
	if err != nil {
		return nil, Changed{}, rota.Rota{}, err
	}
	if kind == SwapExchange {
		plan.Introduced = append(plan.Introduced, rota.SameHours(before, plan.After, plan.Params, []int64{req, col})...)
	}
	return changes, plan, before, nil
}

// parseSwapDays reads the chosen days: at least one, from today on, in
// published weeks (agents swap only what they can see).
func (s *Store) parseSwapDays(ctx context.Context, raw []string, today time.Time) ([]time.Time, error) {
	var days []time.Time
	for _, r := range raw {
		d, ok := ParseDay(strings.TrimSpace(r))
		if !ok {
			return nil, Invalid("days", "shifts.err.date")
		}
		if d.Before(today) {
			return nil, Invalid("days", "shifts.err.past")
		}
		if !slices.ContainsFunc(days, d.Equal) {
			days = append(days, d)
		}
	}
	if len(days) == 0 || len(days) > 14 {
		return nil, Invalid("days", "shifts.err.swap_days")
	}
	for _, d := range days {
		var n int64
		err := s.conn(ctx).Model(&RotaWeek{}).Where("week_start = ?::date AND status = 'published'", dateStr(Monday(d))).Count(&n).Error
		if err != nil {
			return nil, fmt.Errorf("models: unable to read rota week: %w", err)
		}
		if n == 0 {
			return nil, Invalid("days", "shifts.err.unpublished", dateStr(d))
		}
	}
	return days, nil
}

// ProposeSwap records a request after checking every rule on it: a request
// that could never be approved is refused at once, with the rules it breaks.
// A manager asking on someone's behalf skips the colleague's acceptance.
func (s *Store) ProposeSwap(ctx context.Context, a Actor, byManager bool, f SwapForm, today time.Time) (SwapRequest, error) {
	if f.Kind != SwapExchange && f.Kind != SwapGiveaway {
		return SwapRequest{}, Invalid("kind", "shifts.err.kind")
	}
	if !byManager {
		f.RequesterID = a.ID
	}
	if f.ColleagueID == f.RequesterID || f.ColleagueID == 0 {
		return SwapRequest{}, Invalid("colleague", "shifts.err.colleague")
	}
	if len([]rune(f.Note)) > 300 {
		return SwapRequest{}, Invalid("note", "shifts.err.note")
	}
	var out SwapRequest
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		days, err := s.parseSwapDays(ctx, f.Days, today)
		if err != nil {
			return err
		}
		_, plan, before, err := s.checkSwap(ctx, f.Kind, f.RequesterID, f.ColleagueID, days)
		if err != nil {
			return err
		}
		if len(plan.Introduced) > 0 {
			return &RuleError{Violations: plan.Introduced, Start: plan.Start}
		}
		status := SwapProposed
		if byManager {
			status = SwapAccepted
		}
		out = SwapRequest{Kind: f.Kind, RequesterID: f.RequesterID, ColleagueID: f.ColleagueID, Status: status,
			Note: strings.TrimSpace(f.Note), CreatedBy: a.ID, Version: 1}
		if byManager {
			now := time.Now()
			out.AcceptedAt = &now
		}
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt", "DecidedBy", "DecidedAt").Create(&out).Error; err != nil {
			return fmt.Errorf("models: unable to save swap request: %w", err)
		}
		for _, d := range days {
			i := int(d.Sub(before.Start).Hours() / 24)
			day := SwapDay{SwapID: out.ID, Day: d, RequesterShift: before.Cells[f.RequesterID][i], ColleagueShift: before.Cells[f.ColleagueID][i]}
			if err := tx.Exec(`INSERT INTO swap_request_days (swap_id, day, requester_shift, colleague_shift) VALUES (?, ?::date, ?, ?)`,
				day.SwapID, dateStr(d), day.RequesterShift, day.ColleagueShift).Error; err != nil {
				return fmt.Errorf("models: unable to save swap day: %w", err)
			}
			out.Days = append(out.Days, day)
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, "propose", "swap", out.ID, nil, map[string]any{"kind": f.Kind, "requester": f.RequesterID,
			"colleague": f.ColleagueID, "days": f.Days, "status": status})
	})
	return out, err
}
