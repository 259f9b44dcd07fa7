package views

import (
	"context"
	"testing"
	"time"

	"kefudesk/views/i18n"
)

func TestDur(t *testing.T) {
	zh, en := i18n.WithLocale(context.Background(), i18n.ZH), i18n.WithLocale(context.Background(), i18n.EN)
	for _, tc := range []struct {
		d      time.Duration
		zh, en string
	}{
		{30 * time.Second, "30秒", "30s"},
		{5 * time.Minute, "5分钟", "5 min"},
		{7*time.Minute + 30*time.Second, "7分30秒", "7m 30s"},
		{2*time.Hour + 5*time.Minute, "2小时5分", "2h 5m"},
	} {
		if got := Dur(zh, tc.d); got != tc.zh {
			t.Errorf("zh %v = %q", tc.d, got)
		}
		if got := Dur(en, tc.d); got != tc.en {
			t.Errorf("en %v = %q", tc.d, got)
		}
	}
}
