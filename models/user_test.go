package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"kefudesk/models"
	"kefudesk/models/live"
	"kefudesk/models/testdb"
)

func newStore(t *testing.T) (*models.Store, string) {
	t.Helper()
	t.Parallel()
	db, dsn := testdb.New(t)
	return models.NewStore(db), dsn
}

func mustUser(t *testing.T, s *models.Store, name string, role models.Role, nicks ...string) models.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), models.SystemActor, models.UserForm{Username: name, Role: role, Password: "long-enough", Nicks: nicks})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

// Two saves of the same version at the same moment: exactly one wins.
func TestConcurrentSavesOfOneVersion(t *testing.T) {
	s, _ := newStore(t)
	admin := mustUser(t, s, "boss", models.RoleAdmin)
	u := mustUser(t, s, "agent1", models.RoleAgent)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = s.UpdateUser(context.Background(), admin.Actor(""), models.UserForm{
				ID: u.ID, Version: u.Version, DisplayName: string(rune('A' + i)), Role: models.RoleAgent,
			})
		}(i)
	}
	wg.Wait()
	wins, conflicts := 0, 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if c, ok := models.AsConflict(err); ok && c.By == "boss" {
			conflicts++
		} else {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 || conflicts != len(errs)-1 {
		t.Errorf("wins=%d conflicts=%d", wins, conflicts)
	}
	got, _ := s.UserByID(context.Background(), u.ID)
	if got.Version != 2 {
		t.Errorf("version after one win = %d", got.Version)
	}
	page, _ := s.ListAudit(context.Background(), models.AuditFilter{Entity: "user"})
	updates := 0
	for _, e := range page.Entries {
		if e.Action == "update" {
			updates++
		}
	}
	if updates != 1 {
		t.Errorf("audit has %d updates, want 1", updates)
	}
}

func TestNicksMoveOnlyWhenFree(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	a := mustUser(t, s, "amei", models.RoleAgent, "店:阿美", "店:阿美2")
	b := mustUser(t, s, "bing", models.RoleAgent)
	_, err := s.UpdateUser(ctx, models.SystemActor, models.UserForm{ID: b.ID, Version: b.Version, Role: models.RoleAgent, Nicks: []string{"店:阿美2"}})
	if f, ok := models.AsValidation(err); !ok || f["nicks"].Key != "users.err.nick_taken" {
		t.Fatalf("taking a held nick: %v", err)
	}
	// Emptying a's nicks frees them.
	if _, err := s.UpdateUser(ctx, models.SystemActor, models.UserForm{ID: a.ID, Version: a.Version, Role: models.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.UserByID(ctx, a.ID)
	if len(got.Nicks) != 0 {
		t.Errorf("nicks after clearing: %v", got.Nicks)
	}
	if _, err := s.UpdateUser(ctx, models.SystemActor, models.UserForm{ID: b.ID, Version: b.Version, Role: models.RoleAgent, Nicks: []string{"店:阿美2"}}); err != nil {
		t.Errorf("taking a freed nick: %v", err)
	}
}

func TestParseNicks(t *testing.T) {
	got := models.ParseNicks(" 店:小美，店:小美2\n店:小美 ; 店:阿华；")
	want := []string{"店:小美", "店:小美2", "店:阿华"}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestAuthenticate(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	u := mustUser(t, s, "Xiaomei", models.RoleAgent)
	if _, err := s.Authenticate(ctx, "xiaomei", "long-enough"); err != nil {
		t.Errorf("case-insensitive login: %v", err)
	}
	for _, pw := range []string{"", "long-enougH", "wrong"} {
		if _, err := s.Authenticate(ctx, "xiaomei", pw); !errors.Is(err, models.ErrBadCredentials) {
			t.Errorf("password %q: %v", pw, err)
		}
	}
	if err := s.SetDisabled(ctx, models.SystemActor, u.ID, 0, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "xiaomei", "long-enough"); !errors.Is(err, models.ErrBadCredentials) {
		t.Errorf("disabled user logs in: %v", err)
	}
}

func TestSettingsKeepOnlyWhatDiffersFromDefaults(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	_, err := s.SaveSettings(ctx, models.SystemActor, 1, map[string]string{
		models.SettingShopName: "  云裳旗舰店 ", models.SettingTimeZoneKey: "Asia/Shanghai", models.SettingDefaultLocale: "zh-CN",
	})
	if err != nil {
		t.Fatal(err)
	}
	var vals string
	s.DB().Raw(`SELECT vals::text FROM shop_settings`).Scan(&vals)
	if vals != `{"shop_name": "云裳旗舰店"}` {
		t.Errorf("stored %s", vals)
	}
	_, err = s.SaveSettings(ctx, models.SystemActor, 2, map[string]string{models.SettingShopName: "", models.SettingTimeZoneKey: "Local", models.SettingDefaultLocale: "fr"})
	f, ok := models.AsValidation(err)
	if !ok || len(f) != 3 || f[models.SettingTimeZoneKey].Key != "settings.err.tz" {
		t.Errorf("bad values: %v", err)
	}
}

// Two hubs stand for two server processes on one database: a change
// committed through either reaches subscribers of both; a rolled-back one
// reaches nobody.
func TestLiveSignalsCrossProcesses(t *testing.T) {
	s, dsn := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var chans []<-chan string
	for i := 0; i < 2; i++ {
		h := live.NewHub(dsn, testLogger())
		go h.Run(ctx)
		ch, stop := h.Subscribe([]string{models.TopicUsers})
		defer stop()
		chans = append(chans, ch)
	}
	time.Sleep(300 * time.Millisecond) // let both LISTEN
	_ = s.WithTx(ctx, func(ctx context.Context, tx *gormDB) error {
		_ = live.Publish(tx, models.TopicUsers)
		return errors.New("roll back")
	})
	mustUser(t, s, "fresh", models.RoleAgent)
	for i, ch := range chans {
		select {
		case topic := <-ch:
			if topic != models.TopicUsers {
				t.Errorf("hub %d: topic %q", i, topic)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("hub %d heard nothing", i)
		}
		select {
		case extra := <-ch:
			t.Errorf("hub %d: extra signal %q (the rolled-back one?)", i, extra)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
