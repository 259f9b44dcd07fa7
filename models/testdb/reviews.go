package testdb

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// NegativeReviews turns the negative rows of the real review sample in
// shared/testdata/reviews (online_shopping_10_cats, label 0) into a review
// export with Chinese headers. The sample has no ids, buyers, stars or
// dates, so they are made up: ids R000001…, buyers tb_买家N, every third a
// 中评 and the rest 差评, one review every 7 minutes from 2026-11-01 09:00
// Shanghai time, the category as the item. It skips the test when the data
// is absent, and returns the CSV and the number of reviews.
func NegativeReviews(t testing.TB) (*bytes.Buffer, int) {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(root, "..", "shared", "testdata", "reviews", "online_shopping_10_cats_sample5000.csv"))
	if err != nil {
		t.Skip("shared test data not present:", err)
	}
	defer f.Close()
	rd := csv.NewReader(f)
	rd.FieldsPerRecord = -1
	recs, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"评价ID", "订单编号", "买家", "评价", "评价内容", "评价时间", "宝贝"})
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	n := 0
	for _, r := range recs[1:] {
		if len(r) < 3 || r[1] != "0" {
			continue
		}
		n++
		rating := "差评"
		if n%3 == 0 {
			rating = "中评"
		}
		_ = w.Write([]string{fmt.Sprintf("R%06d", n), fmt.Sprintf("38600%08d", n), fmt.Sprintf("tb_买家%d", n%700), rating, r[2],
			at.Add(time.Duration(n*7) * time.Minute).Format("2006-01-02 15:04:05"), r[0]})
	}
	w.Flush()
	return &buf, n
}
