package models_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"kefudesk/models"
)

// The people list, the published rota and the period sums of the daily
// sales figures are kept in memory between requests. A change written by
// anyone (another server, the command line, plain SQL) must show on the
// very next read, and a transaction must read its own writes.
func TestCachedReadsSeeEveryWriterAtOnce(t *testing.T) {
	s, boss, team, _ := rotaShop(t)
	other := models.NewStore(s.DB()) // a second server on the same database
	ctx := context.Background()
	a1 := team[0]

	name := func(st *models.Store) string {
		t.Helper()
		u := listedUser(t, ctx, st, a1.ID)
		out := u.Name() + "|"
		for _, n := range u.Nicks {
			out += n + ","
		}
		return out
	}
	if got := name(s); got != "a1|" {
		t.Fatalf("before: %q", got)
	}
	s.DB().Exec(`UPDATE users SET display_name = '小美' WHERE id = ?`, a1.ID)
	if got := name(s); got != "小美|" {
		t.Fatalf("after a rename by SQL: %q", got)
	}
	// The attribution index of the directory is a copy kept with it.
	nickKey := func(st *models.Store) string {
		t.Helper()
		p, err := st.AgentPeople(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return p.KeyOfNick("云裳:小美")
	}
	if got := nickKey(s); got != "云裳:小美" {
		t.Fatalf("an unknown nick is its own key, got %q", got)
	}
	p1, _ := s.AgentPeople(ctx)
	p2, _ := s.AgentPeople(ctx)
	if reflect.ValueOf(p1.Users).UnsafePointer() != reflect.ValueOf(p2.Users).UnsafePointer() {
		t.Error("the directory's index was built again without a write")
	}
	s.DB().Exec(`INSERT INTO agent_nicks (user_id, nick) VALUES (?, '云裳:小美')`, a1.ID)
	if got := name(s); got != "小美|云裳:小美," {
		t.Fatalf("after a nick by SQL: %q", got)
	}
	if got, want := nickKey(s), fmt.Sprintf("u%d", a1.ID); got != want {
		t.Fatalf("after a nick by SQL the index says %q, want %q", got, want)
	}
	// A caller sorting its list must not reorder the next caller's.
	us, _ := s.ListUsers(ctx)
	us[0], us[len(us)-1] = us[len(us)-1], us[0]
	again, _ := s.ListUsers(ctx)
	if again[0].ID == us[0].ID && len(us) > 1 {
		t.Fatal("a caller's change to its list reached the cache")
	}
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE users SET display_name = '大美' WHERE id = ?`, a1.ID).Error; err != nil {
			return err
		}
		us, err := s.ListUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range us {
			if u.ID == a1.ID && u.Name() != "大美" {
				t.Errorf("inside the transaction: %q", u.Name())
			}
		}
		if got := name(other); got != "小美|云裳:小美," {
			t.Errorf("another server saw an uncommitted rename: %q", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := name(other); got != "大美|云裳:小美," {
		t.Fatalf("another server after the commit: %q", got)
	}

	// The rota: one cell changed behind the cache's back.
	shift := func(st *models.Store) string {
		t.Helper()
		days, err := st.PublishedShifts(ctx, a1.ID, rotaMonday, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(days) != 1 {
			t.Fatalf("published days: %v", days)
		}
		return days[0].Shift
	}
	before := shift(s)
	_ = shift(other)
	s.DB().Exec(`UPDATE shift_assignments SET shift = 'leave' WHERE user_id = ? AND day = ?`, a1.ID, rotaMonday.Format(time.DateOnly))
	if got := shift(other); got != "leave" || before == "leave" {
		t.Fatalf("rota cell: %q before, %q after", before, got)
	}
	// Unpublishing the week hides it at once.
	s.DB().Exec(`UPDATE rota_weeks SET status = 'draft' WHERE week_start = ?`, rotaMonday.Format(time.DateOnly))
	if days, _ := other.PublishedShifts(ctx, a1.ID, rotaMonday, 1); len(days) != 0 {
		t.Fatalf("a draft week still shown: %v", days)
	}

	// Daily sales figures: a refresh rewriting a day changes the period's sums.
	loc := time.UTC
	from, to := rotaMonday, rotaMonday.AddDate(0, 0, 7)
	sales := func(st *models.Store) (int64, int) {
		t.Helper()
		rep, err := st.SalesPerformance(ctx, from, to, loc, 0)
		if err != nil {
			t.Fatal(err)
		}
		var trend int64
		for _, d := range rep.Trend {
			trend += d.SalesFen
		}
		return rep.CreditedFen, int(trend)
	}
	day := rotaMonday.AddDate(0, 0, 2).Format(time.DateOnly)
	// The nick above marked every day for recomputing; the page would
	// recompute them from chats there are none of.
	s.DB().Exec(`DELETE FROM sales_day_marks`)
	s.DB().Exec(`INSERT INTO sales_days (day) VALUES (?)`, day)
	s.DB().Exec(`INSERT INTO sales_daily (day, agent, user_id, sales_fen) VALUES (?, ?, ?, 12300)`, day, "u"+itoa(a1.ID), a1.ID)
	if c, tr := sales(other); c != 12300 || tr != 12300 {
		t.Fatalf("credited %d, trend %d; want 12300", c, tr)
	}
	s.DB().Exec(`UPDATE sales_daily SET sales_fen = 45600 WHERE day = ?`, day)
	if c, tr := sales(other); c != 45600 || tr != 45600 {
		t.Fatalf("after the day was rewritten: credited %d, trend %d; want 45600", c, tr)
	}

	// Without its counter row a copy could never be known stale: reads go
	// to the tables.
	s.DB().Exec(`DELETE FROM cache_versions WHERE name = 'directory'`)
	fresh := models.NewStore(s.DB()) // a server started after the row went
	_ = name(fresh)
	s.DB().Exec(`UPDATE users SET display_name = '老美' WHERE id = ?`, a1.ID)
	if got := name(fresh); got != "老美|云裳:小美," {
		t.Fatalf("without a counter: %q", got)
	}
	_ = boss
}

// The VIP list's tag choices are a kept copy too: a customer written by
// any writer shows its tags on the next read, and a caller's change to
// its slice stays its own.
func TestVIPTagsFollowEveryWrite(t *testing.T) {
	s, _ := newStore(t)
	other := models.NewStore(s.DB())
	ctx := context.Background()
	tags := func(st *models.Store) string {
		t.Helper()
		ts, err := st.VIPTags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(ts, ",")
	}
	if got := tags(s); got != "" {
		t.Fatalf("no customers, tags %q", got)
	}
	if err := s.DB().Exec(`INSERT INTO vip_customers (buyer, tags) VALUES ('tb_a', '{大客户,复购}')`).Error; err != nil {
		t.Fatal(err)
	}
	if got := tags(s); got != "复购,大客户" && got != "大客户,复购" {
		t.Fatalf("after an insert by SQL: %q", got)
	}
	first := tags(s)
	ts, _ := s.VIPTags(ctx)
	ts[0] = "changed"
	if got := tags(s); got != first {
		t.Fatalf("a caller's change reached the copy: %q", got)
	}
	if got := tags(other); got != first {
		t.Fatalf("another server: %q", got)
	}
	s.DB().Exec(`UPDATE vip_customers SET tags = '{生日}'`)
	if got := tags(other); got != "生日" {
		t.Fatalf("after an update, another server reads %q", got)
	}
	s.DB().Exec(`TRUNCATE vip_customers CASCADE`)
	if got := tags(s); got != "" {
		t.Fatalf("after TRUNCATE: %q", got)
	}
}

// A request's copies use the counters read with its session
// (CacheVersions) until the request writes: through WithTx, or through
// any Exec, Create, Update or Delete on the Store's connection. From
// then on the copies read their counters again and see the write.
func TestCacheVersionsLastUntilTheRequestWrites(t *testing.T) {
	s, _, team, _ := rotaShop(t)
	a1 := team[0]
	nameIn := func(ctx context.Context) string {
		t.Helper()
		return listedUser(t, ctx, s, a1.ID).Name()
	}
	rename := func(to string) {
		t.Helper()
		if err := s.DB().Exec(`UPDATE users SET display_name = ? WHERE id = ?`, to, a1.ID).Error; err != nil {
			t.Fatal(err)
		}
	}
	request := func() context.Context {
		t.Helper()
		v, err := s.ReadCacheVersions(context.Background())
		if err != nil || v == nil {
			t.Fatalf("cache versions: %v, %v", v, err)
		}
		return models.WithCacheVersions(context.Background(), v)
	}

	// The snapshot is what the copy is checked against: another writer's
	// rename after it is seen by the next request, not this one.
	ctx := request()
	if got := nameIn(ctx); got != "a1" {
		t.Fatalf("first read: %q", got)
	}
	rename("小美")
	if got := nameIn(ctx); got != "a1" {
		t.Fatalf("the request read the counter again instead of its snapshot: %q", got)
	}
	if got := nameIn(request()); got != "小美" {
		t.Fatalf("the next request: %q", got)
	}

	// A transaction in the request spends the snapshot.
	ctx = request()
	nameIn(ctx)
	rename("小美2")
	if err := s.WithTx(ctx, func(context.Context, *gorm.DB) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := nameIn(ctx); got != "小美2" {
		t.Fatalf("after the request's transaction: %q", got)
	}

	// So does a plain Exec made with the request's context.
	ctx = request()
	nameIn(ctx)
	rename("小美3")
	if err := s.DB().WithContext(ctx).Exec(`UPDATE shop_settings SET vals = vals WHERE false`).Error; err != nil {
		t.Fatal(err)
	}
	if got := nameIn(ctx); got != "小美3" {
		t.Fatalf("after the request's Exec: %q", got)
	}
}

// listedUser is user id as st.ListUsers lists it (the kept copy).
func listedUser(t *testing.T, ctx context.Context, st *models.Store, id int64) models.User {
	t.Helper()
	us, err := st.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.ID == id {
			return u
		}
	}
	t.Fatalf("user %d not listed", id)
	return models.User{}
}
