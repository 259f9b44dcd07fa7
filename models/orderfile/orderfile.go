// Package orderfile reads the seller centre's order report (已卖出的宝贝 /
// 订单报表) and ERP exports of it: CSV in GBK or UTF-8, or XLSX, with the
// quirks real exports have (="…" wrapped order numbers, a leading ' on
// numbers, trailing spaces in headers, 0000-00-00 for unpaid orders).
package orderfile

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"kefudesk/models/chatfile"
)

// Row is one order as exported.
type Row struct {
	Line      int
	OrderNo   string
	Buyer     string
	PaidFen   int64
	Status    string
	CreatedAt time.Time
	PaidAt    *time.Time // nil for unpaid orders
	Remark    string
	Flag      int // 0 none, 1 red, 2 yellow, 3 green, 4 blue, 5 purple
	RefundFen int64
}

// Problem is why a line was refused (a message catalog key and arguments).
type Problem = chatfile.Problem

// ProblemError wraps a Problem.
type ProblemError = chatfile.ProblemError

var columns = map[string][]string{
	"order_no": {"订单编号", "order_id", "订单号", "主订单编号"},
	"buyer":    {"买家会员名", "buyer", "买家昵称", "买家"},
	"paid":     {"买家实际支付金额", "paid_amount", "实付金额", "买家实付金额"},
	"status":   {"订单状态", "status"},
	"created":  {"订单创建时间", "created_at", "下单时间"},
	"paid_at":  {"订单付款时间", "paid_at", "付款时间"},
	"remark":   {"订单备注", "商家备注", "seller_remark", "卖家备注"},
	"flag":     {"旗帜", "flag", "插旗"},
	"refund":   {"退款金额", "refund_amount"},
}

var required = []string{"order_no", "buyer", "paid", "status", "created", "paid_at", "remark"}

// Reader yields the rows of one report.
type Reader struct {
	loc   *time.Location
	table *Table
	index map[string]int
}

// BytesRead is how much of the file was consumed (CSV), for progress.
func (r *Reader) BytesRead() int64 { return r.table.BytesRead() }

// NewReader detects CSV or XLSX (a zip file) and reads the header.
func NewReader(in io.Reader, loc *time.Location) (*Reader, error) {
	t, err := OpenTable(in)
	if err != nil {
		return nil, err
	}
	index, err := t.Header(columns, required)
	if err != nil {
		return nil, err
	}
	return &Reader{loc: loc, table: t, index: index}, nil
}

// Next returns the next order; io.EOF at the end; a *ProblemError for a
// row that cannot be used.
func (r *Reader) Next() (Row, error) {
	for {
		rec, line, err := r.table.Next()
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		if err != nil {
			return Row{}, &ProblemError{Problem: Problem{Line: line, Key: "chats.err.csv", Args: []any{err.Error()}}}
		}
		get := func(col string) string {
			i, ok := r.index[col]
			if !ok || i >= len(rec) {
				return ""
			}
			return clean(rec[i])
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // blank lines at the end of exports
		}
		return r.row(line, get)
	}
}

// clean undoes what spreadsheet-safe exports do to values: ="…" keeps
// long numbers from becoming 1.23E+18, a leading ' keeps phone numbers text.
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
	o := Row{Line: line, OrderNo: get("order_no"), Buyer: get("buyer"), Status: get("status"), Remark: get("remark")}
	if o.OrderNo == "" {
		return bad("orders.err.no_order")
	}
	if o.Buyer == "" {
		return bad("chats.err.no_buyer")
	}
	if o.Status == "" {
		return bad("orders.err.no_status")
	}
	var err error
	if o.PaidFen, err = Fen(get("paid")); err != nil {
		return bad("orders.err.money", get("paid"))
	}
	if o.RefundFen, err = Fen(get("refund")); err != nil {
		return bad("orders.err.money", get("refund"))
	}
	if o.CreatedAt, err = chatfile.ParseTime(get("created"), r.loc); err != nil {
		return bad("chats.err.time", get("created"))
	}
	if p := get("paid_at"); p != "" && !strings.HasPrefix(p, "0000-00-00") {
		t, err := chatfile.ParseTime(p, r.loc)
		if err != nil {
			return bad("chats.err.time", p)
		}
		o.PaidAt = &t
	}
	if o.Flag, err = ParseFlag(get("flag")); err != nil {
		return bad("orders.err.flag", get("flag"))
	}
	return o, nil
}

// Fen reads an amount in yuan ("1,299.00", "¥88", "") as fen.
func Fen(s string) (int64, error) {
	s = strings.NewReplacer(",", "", "¥", "", "￥", "", " ", "").Replace(s)
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e9 || math.IsNaN(f) {
		return 0, fmt.Errorf("orderfile: amount %q", s)
	}
	return int64(math.Round(f * 100)), nil
}

// Flags in the platform's numbering.
var flagNames = map[string]int{
	"": 0, "0": 0, "无": 0, "none": 0,
	"1": 1, "红": 1, "红旗": 1, "red": 1,
	"2": 2, "黄": 2, "黄旗": 2, "yellow": 2,
	"3": 3, "绿": 3, "绿旗": 3, "green": 3,
	"4": 4, "蓝": 4, "蓝旗": 4, "blue": 4,
	"5": 5, "紫": 5, "紫旗": 5, "purple": 5,
}

// ParseFlag reads a seller flag as a name or the platform's number.
func ParseFlag(s string) (int, error) {
	if f, ok := flagNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return f, nil
	}
	return 0, fmt.Errorf("orderfile: flag %q", s)
}
