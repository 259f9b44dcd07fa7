package models_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kefudesk/models"
	"kefudesk/models/testdb"
)

// reviewExport is shaped like the platform's export: Chinese headers, every
// rating form, a follow-up and photo links, a ="…" order number.
const reviewExport = `评价ID,订单编号,买家,评价,评价内容,评价时间,宝贝,追评,追评时间,图片
RV1,="3850001",tb_王,差评,衣服起球，和图片不一样,2026-11-10 21:00:00,羊毛针织衫,洗了一次就变形了,2026-11-12 10:00:00,https://img.example/a.jpg;https://img.example/b.jpg
RV2,3850002,tb_李,中评,物流太慢了，等了五天,2026/11/10 09:30:00,加绒卫衣,,,
RV3,3850003,tb_张,好评,小美服务很好，推荐,2026-11-10 10:00:00,加绒卫衣,,,
RV4,3850004,tb_赵,bad,size runs small,2026-11-10 11:00:00,加绒卫衣,,,
RV5,3850005,tb_钱,2,颜色不对,2026-11-10 12:00:00,加绒卫衣,,,
RV6,3850006,tb_孙,3星,一般般,2026-11-10 13:00:00,羊毛针织衫,,,
RV7,3850007,tb_周,5,very good,2026-11-10 14:00:00,羊毛针织衫,,,
`

func TestBadReviewImportGBKChineseHeadersAllRatingForms(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	res, err := s.ImportBadReviews(ctx, models.SystemActor, strings.NewReader(gbk(t, reviewExport)), "r.csv", shanghai, nil)
	if err != nil {
		t.Fatalf("%v %+v", err, res.Problems)
	}
	if res.Added != 7 || res.Updated != 0 {
		t.Fatalf("result %+v", res)
	}
	var got []struct {
		ReviewNo, Rating, Status, OrderNo, FollowUp string
		Photos                                      int
		ReviewedAt                                  time.Time
	}
	s.DB().Raw(`SELECT review_no, rating, status, order_no, follow_up, cardinality(photos) AS photos, reviewed_at FROM bad_reviews ORDER BY review_no`).Scan(&got)
	want := map[string][2]string{"RV1": {"bad", "new"}, "RV2": {"medium", "new"}, "RV3": {"good", "praise"}, "RV4": {"bad", "new"},
		"RV5": {"bad", "new"}, "RV6": {"medium", "new"}, "RV7": {"good", "praise"}}
	for _, g := range got {
		if w := want[g.ReviewNo]; g.Rating != w[0] || g.Status != w[1] {
			t.Errorf("%s: rating %s status %s, want %v", g.ReviewNo, g.Rating, g.Status, w)
		}
	}
	if g := got[0]; g.OrderNo != "3850001" || g.FollowUp != "洗了一次就变形了" || g.Photos != 2 || !g.ReviewedAt.Equal(time.Date(2026, 11, 10, 13, 0, 0, 0, time.UTC)) {
		t.Errorf("RV1 kept %+v", g)
	}

	// The same file again adds and updates nothing.
	res, err = s.ImportBadReviews(ctx, models.SystemActor, strings.NewReader(gbk(t, reviewExport)), "r.csv", shanghai, nil)
	if err != nil || res.Added != 0 || res.Updated != 0 || res.Unchanged != 7 {
		t.Fatalf("re-import %+v %v", res, err)
	}
	// The buyer revised RV2 to good: the rating changes, the case stays.
	revised := strings.Replace(reviewExport, "tb_李,中评,物流太慢了，等了五天", "tb_李,好评,物流太慢了，等了五天", 1)
	res, err = s.ImportBadReviews(ctx, models.SystemActor, strings.NewReader(revised), "r2.csv", shanghai, nil)
	if err != nil || res.Added != 0 || res.Updated != 1 {
		t.Fatalf("revision %+v %v", res, err)
	}
	var rv2 struct{ Rating, FirstRating, Status string }
	s.DB().Raw(`SELECT rating, first_rating, status FROM bad_reviews WHERE review_no = 'RV2'`).Scan(&rv2)
	if rv2.Rating != "good" || rv2.FirstRating != "medium" || rv2.Status != "new" {
		t.Errorf("revised RV2 %+v", rv2)
	}
}

func TestBadReviewImportRejectsBadFileWhole(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	bad := "review_id,order_id,buyer,rating,content,reviewed_at,item\n" +
		"A1,O1,tb_a,bad,破了,2026-11-10 10:00:00,杯子\n" +
		"A2,O2,tb_b,不好不坏,还行,2026-11-10 10:00:00,杯子\n" +
		"A3,O3,tb_c,medium,慢,昨天,杯子\n" +
		",O4,tb_d,bad,x,2026-11-10 10:00:00,杯子\n"
	res, err := s.ImportBadReviews(ctx, models.SystemActor, strings.NewReader(bad), "bad.csv", shanghai, nil)
	if !errors.Is(err, models.ErrImportRejected) {
		t.Fatalf("err %v", err)
	}
	var lines []int
	for _, p := range res.Problems {
		lines = append(lines, p.Line)
	}
	if len(lines) != 3 || lines[0] != 3 || lines[1] != 4 || lines[2] != 5 {
		t.Errorf("problem lines %v %+v", lines, res.Problems)
	}
	var n int64
	s.DB().Raw(`SELECT count(*) FROM bad_reviews`).Scan(&n)
	if n != 0 {
		t.Errorf("rejected file wrote %d reviews", n)
	}
	_, err = s.ImportBadReviews(ctx, models.SystemActor, strings.NewReader("评价ID,买家\nA,b\n"), "x.csv", shanghai, nil)
	if !errors.Is(err, models.ErrImportRejected) {
		t.Errorf("missing columns accepted: %v", err)
	}
}

func TestBadReviewImportXLSXEnglishHeadersStars(t *testing.T) {
	s, _ := newStore(t)
	f := excelize.NewFile()
	rows := [][]any{
		{"review_id", "order_id", "buyer", "rating", "content", "reviewed_at", "item", "photos"},
		{"X1", "O1", "tb_a", 1, "破损", "2026-11-10 10:00:00", "马克杯", "https://img.example/1.jpg"},
		{"X2", "O2", "tb_b", 4, "不错", "2026-11-10 10:00:00", "马克杯", ""},
		{"X3", "O3", "tb_c", "medium", "一般", "2026-11-10 10:00:00", "马克杯", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		_ = f.SetSheetRow("Sheet1", cell, &r)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportBadReviews(context.Background(), models.SystemActor, &buf, "r.xlsx", shanghai, nil)
	if err != nil || res.Added != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	var cases int64
	s.DB().Raw(`SELECT count(*) FROM bad_reviews WHERE status = 'new'`).Scan(&cases)
	if cases != 2 {
		t.Errorf("cases opened %d, want 2 (1 star and medium)", cases)
	}
}

func TestBadReviewImportRealNegativeReviews(t *testing.T) {
	s, _ := newStore(t)
	csv, n := testdb.NegativeReviews(t)
	res, err := s.ImportBadReviews(context.Background(), models.SystemActor, csv, "real.csv", shanghai, nil)
	if err != nil {
		t.Fatalf("%v %+v", err, res.Problems)
	}
	if int(res.Added) != n || n < 1000 {
		t.Fatalf("added %d of %d", res.Added, n)
	}
	var open, medium int64
	s.DB().Raw(`SELECT count(*) FILTER (WHERE status = 'new'), count(*) FILTER (WHERE rating = 'medium') FROM bad_reviews`).Row().Scan(&open, &medium)
	if open != int64(n) || medium != int64(n/3) {
		t.Errorf("open %d medium %d of %d", open, medium, n)
	}
}
