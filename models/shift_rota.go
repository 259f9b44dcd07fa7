package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"kefudesk/models/rota"
)

// TopicShifts is the live-update topic of rota pages.
const TopicShifts = "shifts"

// Rota week states: agents see a week only once it is published.
const (
	RotaDraft     = "draft"
	RotaPublished = "published"
)

// RotaWeek is one week of the rota, from its Monday.
type RotaWeek struct {
	WeekStart   time.Time
	Status      string
	PublishedAt *time.Time
	PublishedBy *int64
	Version     int
	UpdatedAt   time.Time
	UpdatedBy   *int64
}

// TableName pins the table.
func (RotaWeek) TableName() string { return "rota_weeks" }

// ShiftAssignment is one agent's day: a shift code, rota.Rest or rota.Leave.
type ShiftAssignment struct {
	UserID    int64
	Day       time.Time
	Shift     string
	Version   int
	UpdatedAt time.Time
	UpdatedBy *int64
}

// TableName pins the table.
func (ShiftAssignment) TableName() string { return "shift_assignments" }

// DayOf is the shop-local date of t, as midnight UTC: how dates travel
// between the database, the rota and the pages.
func DayOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Monday is the first day of d's week.
func Monday(d time.Time) time.Time {
	back := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -back)
}

// ParseDay reads a 2006-01-02 date.
func ParseDay(s string) (time.Time, bool) {
	d, err := time.Parse(time.DateOnly, s)
	return d, err == nil
}

func dateStr(d time.Time) string { return d.Format(time.DateOnly) }

// RotaStaff lists who is on the rota: enabled agents and inspectors with a
// team, by team and name; the generator and every check use this order.
func (s *Store) RotaStaff(ctx context.Context) ([]User, error) {
	// The people list is ordered by disabled, team, name: its enabled part
	// is already in rota order, and it is read from the kept copy.
	us, err := s.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: unable to list rota staff: %w", err)
	}
	return slices.DeleteFunc(us, func(u User) bool {
		return u.Disabled || u.Team == "" || (u.Role != RoleAgent && u.Role != RoleQC)
	}), nil
}

// RotaGrid is a run of rota weeks as the pages show it.
type RotaGrid struct {
	Start      time.Time
	Weeks      []RotaWeek // one per week; Status "" when never generated
	Staff      []User
	Rota       rota.Rota
	Versions   map[int64][]int // per agent per day; 0 where no row yet
	Violations []rota.Violation
	Params     rota.Params
}

// Days is the number of days shown.
func (g RotaGrid) Days() int { return g.Rota.Days }

// Week returns the week that day index i belongs to.
func (g RotaGrid) Week(i int) RotaWeek { return g.Weeks[i/7] }

// Cell is agent id's cell on day i.
func (g RotaGrid) Cell(id int64, i int) string { return g.Rota.Cells[id][i] }

// LoadRota reads weeks weeks from start (a Monday) with the violations of
// every rule. The week before is read too, so a rest-day run or a short
// rest across the first Monday is seen.
func (s *Store) LoadRota(ctx context.Context, start time.Time, weeks int) (RotaGrid, error) {
	settings, err := s.Settings(ctx)
	if err != nil {
		return RotaGrid{}, err
	}
	p := RotaParams(settings)
	staff, err := s.RotaStaff(ctx)
	if err != nil {
		return RotaGrid{}, err
	}
	start = Monday(start)
	win, vers, err := s.loadWindow(ctx, staff, start.AddDate(0, 0, -7), weeks+1)
	if err != nil {
		return RotaGrid{}, err
	}
	g := RotaGrid{Start: start, Staff: staff, Params: p, Versions: map[int64][]int{}}
	g.Rota = rota.New(start, weeks, win.Agents)
	for _, a := range win.Agents {
		copy(g.Rota.Cells[a.ID], win.Cells[a.ID][7:])
		g.Versions[a.ID] = vers[a.ID][7:]
	}
	for i := range g.Rota.Agents {
		g.Rota.Agents[i].Leave = shiftLeave(g.Rota.Agents[i].Leave, -7)
	}
	for _, v := range rota.Check(win, p) {
		if v.Day >= 7 {
			v.Day -= 7
			g.Violations = append(g.Violations, v)
		}
	}
	var rows []RotaWeek
	err = s.conn(ctx).Where("week_start >= ?::date AND week_start < ?::date", dateStr(start), dateStr(start.AddDate(0, 0, 7*weeks))).
		Order("week_start").Find(&rows).Error
	if err != nil {
		return RotaGrid{}, fmt.Errorf("models: unable to read rota weeks: %w", err)
	}
	for w := range weeks {
		ws := start.AddDate(0, 0, 7*w)
		wk := RotaWeek{WeekStart: ws}
		for _, r := range rows {
			if r.WeekStart.Equal(ws) {
				wk = r
			}
		}
		g.Weeks = append(g.Weeks, wk)
	}
	return g, nil
}

func shiftLeave(m map[int]bool, by int) map[int]bool {
	out := map[int]bool{}
	for d := range m {
		if d+by >= 0 {
			out[d+by] = true
		}
	}
	return out
}

// loadWindow reads every staff member's cells and approved leave for
// weeks weeks from start.
func (s *Store) loadWindow(ctx context.Context, staff []User, start time.Time, weeks int) (rota.Rota, map[int64][]int, error) {
	agents := make([]rota.Agent, len(staff))
	for i, u := range staff {
		agents[i] = rota.Agent{ID: u.ID, Team: string(u.Team), Leave: map[int]bool{}}
	}
	r := rota.New(start, weeks, agents)
	vers := map[int64][]int{}
	for _, a := range agents {
		vers[a.ID] = make([]int, r.Days)
	}
	end := start.AddDate(0, 0, r.Days)
	var cells []ShiftAssignment
	err := s.conn(ctx).Where("day >= ?::date AND day < ?::date", dateStr(start), dateStr(end)).Find(&cells).Error
	if err != nil {
		return r, nil, fmt.Errorf("models: unable to read shifts: %w", err)
	}
	for _, c := range cells {
		if row, ok := r.Cells[c.UserID]; ok {
			i := int(c.Day.Sub(start).Hours() / 24)
			row[i], vers[c.UserID][i] = c.Shift, c.Version
		}
	}
	var leave []LeaveRequest
	err = s.conn(ctx).Where("status = 'approved' AND last_day >= ?::date AND first_day < ?::date", dateStr(start), dateStr(end)).Find(&leave).Error
	if err != nil {
		return r, nil, fmt.Errorf("models: unable to read leave: %w", err)
	}
	for _, l := range leave {
		ai := indexOf(r.Agents, l.UserID)
		if ai < 0 {
			continue
		}
		for d := l.FirstDay; !d.After(l.LastDay); d = d.AddDate(0, 0, 1) {
			if i := int(d.Sub(start).Hours() / 24); i >= 0 && i < r.Days {
				r.Agents[ai].Leave[i] = true
			}
		}
	}
	return r, vers, nil
}

func indexOf(agents []rota.Agent, id int64) int {
	for i, a := range agents {
		if a.ID == id {
			return i
		}
	}
	return -1
}

// GenerateRota fills weeks draft weeks from start with a generated rota.
// Published weeks are never regenerated: their changes go through edits and
// swaps, which tell the people they touch.
func (s *Store) GenerateRota(ctx context.Context, a Actor, start time.Time, weeks int) (RotaGrid, error) {
	start = Monday(start)
	if weeks < 1 || weeks > 12 {
		return RotaGrid{}, Invalid("weeks", "shifts.err.weeks")
	}
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var published int64
		err := tx.Model(&RotaWeek{}).Where("status = 'published' AND week_start >= ?::date AND week_start < ?::date",
			dateStr(start), dateStr(start.AddDate(0, 0, 7*weeks))).Count(&published).Error
		if err != nil {
			return fmt.Errorf("models: unable to read rota weeks: %w", err)
		}
		if published > 0 {
			return Invalid("start", "shifts.err.published")
		}
		g, err := s.LoadRota(ctx, start.AddDate(0, 0, -7), 1)
		if err != nil {
			return err
		}
		win, _, err := s.loadWindow(ctx, g.Staff, start, weeks)
		if err != nil {
			return err
		}
		continueRotation(&win, g)
		out := rota.Generate(win, g.Params)
		for _, ag := range out.Agents {
			for d := range out.Days {
				if err := upsertCell(tx, a, ag.ID, out.Day(d), out.Cells[ag.ID][d]); err != nil {
					return err
				}
			}
		}
		for w := range weeks {
			err := tx.Exec(`INSERT INTO rota_weeks (week_start, updated_by) VALUES (?::date, ?)
				ON CONFLICT (week_start) DO UPDATE SET version = rota_weeks.version + 1, updated_at = now(), updated_by = excluded.updated_by`,
				dateStr(start.AddDate(0, 0, 7*w)), nullID(a)).Error
			if err != nil {
				return fmt.Errorf("models: unable to save rota week: %w", err)
			}
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, "generate", "rota", dateStr(start), nil, map[string]any{"weeks": weeks, "violations": len(rota.Check(out, g.Params))})
	})
	if err != nil {
		return RotaGrid{}, err
	}
	return s.LoadRota(ctx, start, weeks)
}

// continueRotation sets each agent's phase so their first generated week
// takes the other shift than their last week before it: the weekly
// alternation carries on across generations.
func continueRotation(win *rota.Rota, prev RotaGrid) {
	k := len(prev.Params.Types)
	pos := map[string]int{}
	for i := range win.Agents {
		a := &win.Agents[i]
		idx := pos[a.Team]
		pos[a.Team]++
		last := -1
		for d := 0; d < 7; d++ {
			for t, st := range prev.Params.Types {
				if prev.Rota.Cells[a.ID][d] == st.Code {
					last = t
				}
			}
		}
		if last >= 0 && k > 0 {
			a.Phase = ((last+1-idx)%k + k) % k
		}
	}
}

func upsertCell(tx *gorm.DB, a Actor, userID int64, day time.Time, shift string) error {
	err := tx.Exec(`INSERT INTO shift_assignments (user_id, day, shift, updated_by) VALUES (?, ?::date, ?, ?)
		ON CONFLICT (user_id, day) DO UPDATE SET shift = excluded.shift, version = shift_assignments.version + 1,
			updated_at = now(), updated_by = excluded.updated_by
		WHERE shift_assignments.shift IS DISTINCT FROM excluded.shift`,
		userID, dateStr(day), shift, nullID(a)).Error
	if err != nil {
		return fmt.Errorf("models: unable to save shift of user %d on %s: %w", userID, dateStr(day), err)
	}
	return nil
}

// PublishWeek makes a draft week visible to agents.
func (s *Store) PublishWeek(ctx context.Context, a Actor, weekStart time.Time, version int) error {
	return s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var w RotaWeek
		if err := tx.Clauses(lockingClause).Where("week_start = ?::date", dateStr(weekStart)).Take(&w).Error; err != nil {
			return notFound(err, "rota week "+dateStr(weekStart))
		}
		if w.Version != version {
			return s.conflict(ctx, "rota week", w.UpdatedBy, w.UpdatedAt)
		}
		if w.Status == RotaPublished {
			return nil
		}
		err := tx.Exec(`UPDATE rota_weeks SET status = 'published', published_at = now(), published_by = ?,
			version = version + 1, updated_at = now(), updated_by = ? WHERE week_start = ?::date`, nullID(a), nullID(a), dateStr(weekStart)).Error
		if err != nil {
			return fmt.Errorf("models: unable to publish week: %w", err)
		}
		if err := publishLive(tx); err != nil {
			return err
		}
		return audit(tx, a, "publish", "rota", dateStr(weekStart), map[string]string{"status": w.Status}, map[string]string{"status": RotaPublished})
	})
}
