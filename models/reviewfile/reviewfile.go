// Package reviewfile reads the platform's review export (评价管理 → 导出):
// CSV in GBK or UTF-8, or XLSX, with Chinese or English headers, the rating
// as 好评/中评/差评, good/medium/bad or 1-5 stars, follow-up reviews (追评)
// and photo links. It follows orderfile's approach: the encoding and the
// XLSX zip are sniffed, the header names the columns, and every bad line is
// reported with its number so the caller can refuse the file whole.
package reviewfile

import (
	"errors"
	"io"
	"strings"
	"time"

	"kefudesk/models/chatfile"
	"kefudesk/models/orderfile"
)

// Ratings as stored.
const (
	Good   = "good"
	Medium = "medium"
	Bad    = "bad"
)

// Row is one review as exported.
type Row struct {
	Line       int
	ReviewNo   string
	OrderNo    string
	Buyer      string
	Rating     string // good, medium, bad
	Content    string
	ReviewedAt time.Time
	Item       string
	FollowUp   string
	FollowUpAt *time.Time
	Photos     []string
}

// Problem is why a line was refused (a message catalog key and arguments).
type Problem = chatfile.Problem

// ProblemError wraps a Problem.
type ProblemError = chatfile.ProblemError

var columns = map[string][]string{
	"review_no":    {"评价id", "review_id", "评价编号"},
	"order_no":     {"订单编号", "order_id", "订单号", "子订单编号"},
	"buyer":        {"买家", "buyer", "买家昵称", "买家会员名"},
	"rating":       {"评价", "rating", "评价结果", "评分", "星级"},
	"content":      {"评价内容", "content", "初评内容"},
	"reviewed_at":  {"评价时间", "reviewed_at", "初评时间"},
	"item":         {"宝贝", "item", "宝贝标题", "商品", "商品名称"},
	"follow_up":    {"追评", "追评内容", "follow_up"},
	"follow_up_at": {"追评时间", "follow_up_at"},
	"photos":       {"图片", "评价图片", "photos", "晒图"},
}

var required = []string{"review_no", "order_no", "buyer", "rating", "content", "reviewed_at", "item"}

// Reader yields the rows of one export.
type Reader struct {
	loc   *time.Location
	next  func() ([]string, int, error)
	index map[string]int
	read  func() int64
}

// BytesRead is how much of the file was consumed (CSV), for progress.
func (r *Reader) BytesRead() int64 { return r.read() }

// NewReader detects CSV (GBK or UTF-8) or XLSX, as the order report's
// reader does, and reads the header.
func NewReader(in io.Reader, loc *time.Location) (*Reader, error) {
	t, err := orderfile.OpenTable(in)
	if err != nil {
		return nil, err
	}
	index, err := t.Header(columns, required)
	if err != nil {
		return nil, err
	}
	return &Reader{loc: loc, next: t.Next, index: index, read: t.BytesRead}, nil
}

// Next returns the next review; io.EOF at the end; a *ProblemError for a
// row that cannot be used.
func (r *Reader) Next() (Row, error) {
	for {
		rec, line, err := r.next()
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		if err != nil {
			return Row{}, &ProblemError{Problem: Problem{Line: line, Key: "chats.err.csv", Args: []any{err.Error()}}}
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		get := func(col string) string {
			i, ok := r.index[col]
			if !ok || i >= len(rec) {
				return ""
			}
			return clean(rec[i])
		}
		return r.row(line, get)
	}
}

func clean(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, `="`) && strings.HasSuffix(v, `"`) && len(v) >= 3 {
		v = v[2 : len(v)-1]
	}
	return strings.TrimSpace(strings.TrimPrefix(v, "'"))
}

func (r *Reader) row(line int, get func(string) string) (Row, error) {
	bad := func(key string, args ...any) (Row, error) {
		return Row{}, &ProblemError{Problem: Problem{Line: line, Key: key, Args: args}}
	}
	o := Row{Line: line, ReviewNo: get("review_no"), OrderNo: get("order_no"), Buyer: get("buyer"),
		Content: get("content"), Item: get("item"), FollowUp: get("follow_up")}
	if o.ReviewNo == "" {
		return bad("badreviews.err.no_review_id")
	}
	if o.Buyer == "" {
		return bad("chats.err.no_buyer")
	}
	var ok bool
	if o.Rating, ok = ParseRating(get("rating")); !ok {
		return bad("badreviews.err.rating", get("rating"))
	}
	var err error
	if o.ReviewedAt, err = chatfile.ParseTime(get("reviewed_at"), r.loc); err != nil {
		return bad("chats.err.time", get("reviewed_at"))
	}
	if s := get("follow_up_at"); s != "" {
		t, err := chatfile.ParseTime(s, r.loc)
		if err != nil {
			return bad("chats.err.time", s)
		}
		o.FollowUpAt = &t
	}
	o.Photos = Photos(get("photos"))
	return o, nil
}

// Photos splits a cell of photo links (exports separate them with
// semicolons, commas, spaces or new lines).
func Photos(s string) []string {
	out := []string{}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == ',' || r == '；' || r == '，' || r == ' ' || r == '\n' || r == '|'
	}) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var ratings = map[string]string{
	"好评": Good, "good": Good, "positive": Good, "5": Good, "4": Good, "好": Good,
	"中评": Medium, "medium": Medium, "neutral": Medium, "3": Medium, "中": Medium,
	"差评": Bad, "bad": Bad, "negative": Bad, "2": Bad, "1": Bad, "差": Bad,
}

// ParseRating reads 好评/中评/差评, good/medium/bad or 1-5 stars (4-5 good,
// 3 medium, 1-2 bad, as the platform maps stars to its three grades).
func ParseRating(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "星"), ".0")
	r, ok := ratings[s]
	return r, ok
}
