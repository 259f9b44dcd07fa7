package models_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kefudesk/models"
)

// vipList is a shop's own spreadsheet: Chinese headers, GBK, a ' before the
// phone, tags in one cell, the same buyer twice (the last line wins).
const vipList = `买家会员名,姓名,手机,微信,等级,标签,备注,首选渠道,联系时段,勿扰
tb_小王,王小二,'13800138000,wx_wang,钻石,双11老客、大码,爱买连衣裙,电话,工作日 12:00-13:30,否
tb_小李,李四,13900139000,,金,老客,,旺旺,,否
tb_小王,王小二,'13800138000,wx_wang,钻石,双11老客、大码,只买连衣裙,电话,工作日 12:00-13:30,否
`

func TestImportVIPsUpdatesAndNeverDuplicates(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	res, err := s.ImportVIPs(ctx, models.SystemActor, strings.NewReader(gbk(t, vipList)), "vips.csv", shanghai, nil)
	if err != nil {
		t.Fatalf("import: %v %+v", err, res.Problems)
	}
	if res.Rows != 3 || res.Added != 2 || res.Updated != 0 {
		t.Errorf("first import %+v, want 3 rows, 2 added", res)
	}
	page, err := s.ListVIPs(ctx, models.VIPFilter{})
	if err != nil || len(page.Customers) != 2 {
		t.Fatalf("customers %d, %v", len(page.Customers), err)
	}
	li, wang := page.Customers[0], page.Customers[1]
	if wang.Buyer != "tb_小王" || wang.Phone != "13800138000" || wang.Tier != "diamond" || wang.Notes != "只买连衣裙" ||
		strings.Join(wang.Tags, "|") != "双11老客|大码" || wang.PreferredChannel != "phone" || wang.Source != "import" {
		t.Errorf("tb_小王 stored as %+v", wang)
	}
	if li.Tier != "gold" || li.PreferredChannel != "wangwang" || li.ContactWindow != "" {
		t.Errorf("tb_小李 stored as %+v", li)
	}

	// The same file again: nothing added, nothing changed.
	res, err = s.ImportVIPs(ctx, models.SystemActor, strings.NewReader(gbk(t, vipList)), "vips.csv", shanghai, nil)
	if err != nil || res.Added != 0 || res.Updated != 0 || res.Unchanged != 2 {
		t.Errorf("second import %+v %v", res, err)
	}

	// An English XLSX naming only some columns updates those and keeps the rest.
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A1", &[]any{"buyer", "tier", "do_not_contact"})
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"tb_小李", "silver", "yes"})
	_ = x.SetSheetRow("Sheet1", "A3", &[]any{"tb_新客", "gold", "no"})
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err = s.ImportVIPs(ctx, models.SystemActor, &buf, "vips.xlsx", shanghai, nil)
	if err != nil || res.Added != 1 || res.Updated != 1 {
		t.Fatalf("xlsx import %+v %v", res, err)
	}
	li2, _ := s.VIPByID(ctx, li.ID)
	if li2.Tier != "silver" || !li2.DoNotContact || li2.Phone != "13900139000" || li2.RealName != "李四" || li2.Version != li.Version+1 {
		t.Errorf("tb_小李 after a partial import: %+v", li2)
	}
}

func TestImportVIPsRejectsBadFileWhole(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	bad := "buyer,phone,tier,contact_window\n" +
		"tb_ok,13800138000,gold,\n" +
		"tb_bad_phone,call me,gold,\n" +
		",13800138000,gold,\n" +
		"tb_bad_tier,13800138000,platinum,\n" +
		"tb_bad_window,13800138000,gold,lunch\n"
	res, err := s.ImportVIPs(ctx, models.SystemActor, strings.NewReader(bad), "bad.csv", shanghai, nil)
	if !errors.Is(err, models.ErrImportRejected) {
		t.Fatalf("err %v", err)
	}
	var lines []int
	for _, p := range res.Problems {
		lines = append(lines, p.Line)
	}
	if len(lines) != 4 || lines[0] != 3 || lines[1] != 4 || lines[2] != 5 || lines[3] != 6 {
		t.Errorf("problem lines %v, want 3 4 5 6", lines)
	}
	if page, _ := s.ListVIPs(ctx, models.VIPFilter{}); len(page.Customers) != 0 {
		t.Errorf("a rejected file stored %d customers", len(page.Customers))
	}
	if _, err := s.ImportVIPs(ctx, models.SystemActor, strings.NewReader("姓名,手机\n王,138\n"), "x.csv", shanghai, nil); !errors.Is(err, models.ErrImportRejected) {
		t.Errorf("a file without the buyer column: %v", err)
	}
}

func TestVIPFormErrorsAndVersion(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	m := mustUser(t, s, "boss", models.RoleManager)
	_, err := s.SaveVIP(ctx, m.Actor(""), models.VIPForm{Buyer: "", Tier: "platinum", PreferredChannel: "phone", ContactWindow: "lunch"})
	errs, ok := models.AsValidation(err)
	if !ok || !errs.Has("buyer") || !errs.Has("tier") || !errs.Has("phone") || !errs.Has("contact_window") {
		t.Fatalf("errors %v", err)
	}
	c, err := s.SaveVIP(ctx, m.Actor(""), models.VIPForm{Buyer: "tb_a", Tier: "gold", PreferredChannel: "wangwang"})
	if err != nil {
		t.Fatal(err)
	}
	f := models.VIPForm{ID: c.ID, Version: c.Version, Buyer: "tb_a", Tier: "diamond", PreferredChannel: "wangwang"}
	if _, err := s.SaveVIP(ctx, m.Actor(""), f); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveVIP(ctx, m.Actor(""), f); err == nil {
		t.Fatal("a stale save was accepted")
	} else if c, ok := models.AsConflict(err); !ok || c.By != "boss" {
		t.Errorf("stale save: %v", err)
	}
	if _, err := s.SaveVIP(ctx, m.Actor(""), models.VIPForm{Buyer: "tb_a", Tier: "gold", PreferredChannel: "sms"}); err == nil {
		t.Error("a second customer with the same nick was created")
	}
	// The shop's default window is checked like a customer's.
	_, err = s.SaveSettings(ctx, m.Actor(""), 1, map[string]string{models.SettingVIPCallWindow: "lunch time"})
	if errs, ok := models.AsValidation(err); !ok || errs[models.SettingVIPCallWindow].Key != "vip.err.window" {
		t.Errorf("bad window setting: %v", err)
	}
	set, err := s.SaveSettings(ctx, m.Actor(""), 1, map[string]string{models.SettingVIPCallWindow: "每天 10:00-20:00"})
	if err != nil || set.CallWindow().DaysName() != "daily" {
		t.Errorf("window setting: %v", err)
	}
}

// TestVIPSuggestionsRFM scores six buyers: quintiles over all of them,
// the rule (3+ paid orders or 2,000+ yuan) picks three, a dismissal and an
// acceptance are remembered.
func TestVIPSuggestionsRFM(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, shanghai)
	var b strings.Builder
	b.WriteString("order_id,buyer,paid_amount,status,created_at,paid_at,seller_remark,refund_amount\n")
	n := 0
	add := func(buyer string, daysAgo int, yuan string, refund string) {
		n++
		t := now.AddDate(0, 0, -daysAgo).Format("2006-01-02 15:04:05")
		b.WriteString("X" + strconv.Itoa(n) + "," + buyer + "," + yuan + ",交易成功," + t + "," + t + ",," + refund + "\n")
	}
	// tb_a: 4 orders, recent, 1,200 yuan: frequent and recent.
	for i := 0; i < 4; i++ {
		add("tb_a", 2+i*20, "300", "0")
	}
	add("tb_b", 200, "2500", "0") // one big order long ago
	for i := 0; i < 3; i++ {      // tb_c: 3 orders, but the last was 300 days ago
		add("tb_c", 300+i*10, "100", "0")
	}
	add("tb_d", 5, "99", "0")                                 // one small recent order
	add("tb_e", 60, "2100", "2100")                           // refunded in full: not a paid order
	add("tb_f", 30, "150", "0")                               // one order
	add("tb_old", 500, "9000", "0")                           // outside the 12 months
	unpaid := "Y1,tb_g,5000,等待买家付款,2026-11-19 10:00:00,,,0\n" // unpaid: not counted
	b.WriteString(unpaid)
	if _, err := s.ImportOrders(ctx, models.SystemActor, strings.NewReader(b.String()), "o.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	sug, err := s.VIPSuggestions(ctx, now, 50)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.VIPSuggestion{}
	for _, x := range sug {
		got[x.Buyer] = x
	}
	if len(sug) != 3 || got["tb_a"].Buyer == "" || got["tb_b"].Buyer == "" || got["tb_c"].Buyer == "" {
		t.Fatalf("suggested %+v, want tb_a, tb_b, tb_c", sug)
	}
	// Scored over tb_a, tb_b, tb_c, tb_d, tb_f (five buyers with paid orders).
	a, bb, c := got["tb_a"], got["tb_b"], got["tb_c"]
	if a.R != 5 || a.F != 5 || a.M != 4 || a.Segment != "champions" || a.Orders != 4 || a.SpendFen != 120000 {
		t.Errorf("tb_a %+v", a)
	}
	if bb.R != 2 || bb.F != 1 || bb.M != 5 || bb.Segment != "hibernating" {
		t.Errorf("tb_b %+v", bb)
	}
	if c.R != 1 || c.F != 4 || c.Segment != "cant_lose" {
		t.Errorf("tb_c %+v", c)
	}
	m := mustUser(t, s, "boss", models.RoleManager)
	if err := s.DismissSuggestion(ctx, m.Actor(""), "tb_b"); err != nil {
		t.Fatal(err)
	}
	vip, err := s.AcceptSuggestion(ctx, m.Actor(""), "tb_a", "diamond")
	if err != nil || vip.Source != "suggestion" || vip.Tier != "diamond" {
		t.Fatalf("accept: %+v %v", vip, err)
	}
	sug, _ = s.VIPSuggestions(ctx, now, 50)
	if len(sug) != 1 || sug[0].Buyer != "tb_c" {
		t.Errorf("after a dismissal and an acceptance: %+v", sug)
	}
	// A stricter rule in settings: 4+ orders or 3,000 yuan leaves nobody new.
	if _, err := s.SaveSettings(ctx, m.Actor(""), 1, map[string]string{models.SettingVIPMinOrders: "4", models.SettingVIPMinSpendYuan: "3000"}); err != nil {
		t.Fatal(err)
	}
	if sug, _ = s.VIPSuggestions(ctx, now, 50); len(sug) != 0 {
		t.Errorf("stricter rule still suggests %+v", sug)
	}
}
