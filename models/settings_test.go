package models_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"kefudesk/models"
)

// Settings are read through a one-second copy: a save through the store is
// seen at once, a change written by another process within a second, and
// a transaction always reads the row itself.
func TestSettingsCopyIsFreshAfterASaveAndWithinASecond(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	st, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveSettings(ctx, models.SystemActor, st.Version, map[string]string{models.SettingShopName: "云裳旗舰店"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Settings(ctx); got.Get(models.SettingShopName) != "云裳旗舰店" {
		t.Fatalf("after a save: %q", got.Get(models.SettingShopName))
	}
	// Another process renames the shop.
	if err := s.DB().Exec(`UPDATE shop_settings SET vals = vals || '{"shop_name": "别家店"}', version = version + 1`).Error; err != nil {
		t.Fatal(err)
	}
	err = s.WithTx(ctx, func(ctx context.Context, _ *gorm.DB) error {
		if got, _ := s.Settings(ctx); got.Get(models.SettingShopName) != "别家店" {
			t.Errorf("inside a transaction: %q", got.Get(models.SettingShopName))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		got, err := s.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Get(models.SettingShopName) == "别家店" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("another process's change never seen")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
