// Package vipfile reads a shop's VIP customer list: CSV in GBK or UTF-8, or
// XLSX, with Chinese or English headers, read through the order report's
// table reader (the same export quirks). Only the buyer nick is required;
// a column left out of the file leaves that field of existing customers as
// it is, while an empty cell clears it.
package vipfile

import (
	"errors"
	"io"
	"strings"

	"kefudesk/models/chatfile"
	"kefudesk/models/orderfile"
	"kefudesk/models/vipwindow"
)

// Row is one customer as listed. Fields of columns missing from the file
// are nil.
type Row struct {
	Line             int
	Buyer            string
	RealName         *string
	Phone            *string
	Wechat           *string
	Tier             *string
	Tags             []string // nil: no tags column
	Notes            *string
	PreferredChannel *string
	ContactWindow    *string
	DoNotContact     *bool
}

// Problem is why a line was refused.
type Problem = chatfile.Problem

// ProblemError wraps a Problem.
type ProblemError = chatfile.ProblemError

var columns = map[string][]string{
	"buyer":     {"买家会员名", "buyer", "旺旺", "旺旺号", "买家昵称", "买家", "buyer_nick"},
	"real_name": {"姓名", "真实姓名", "real_name", "name"},
	"phone":     {"手机", "手机号", "电话", "phone", "mobile"},
	"wechat":    {"微信", "微信号", "wechat"},
	"tier":      {"等级", "会员等级", "tier"},
	"tags":      {"标签", "tags"},
	"notes":     {"备注", "notes"},
	"channel":   {"首选渠道", "联系渠道", "preferred_channel", "channel"},
	"window":    {"联系时段", "可联系时段", "contact_window"},
	"dnc":       {"勿扰", "请勿联系", "do_not_contact"},
}

// Tier and channel words as shops write them.
var (
	tierWords = map[string]string{"钻石": "diamond", "diamond": "diamond", "金": "gold", "黄金": "gold", "金卡": "gold",
		"gold": "gold", "银": "silver", "白银": "silver", "银卡": "silver", "silver": "silver"}
	channelWords = map[string]string{"电话": "phone", "phone": "phone", "旺旺": "wangwang", "wangwang": "wangwang",
		"短信": "sms", "sms": "sms", "微信": "wechat", "wechat": "wechat"}
	yesWords = map[string]bool{"是": true, "yes": true, "y": true, "true": true, "1": true,
		"否": false, "no": false, "n": false, "false": false, "0": false, "": false}
)

// Reader yields the customers of one file.
type Reader struct {
	table *orderfile.Table
	index map[string]int
}

// NewReader opens the file and reads its header.
func NewReader(in io.Reader) (*Reader, error) {
	t, err := orderfile.OpenTable(in)
	if err != nil {
		return nil, err
	}
	index, err := t.Header(columns, []string{"buyer"})
	if err != nil {
		return nil, err
	}
	return &Reader{table: t, index: index}, nil
}

// BytesRead is how much of the file was consumed, for progress.
func (r *Reader) BytesRead() int64 { return r.table.BytesRead() }

// Next returns the next customer; io.EOF at the end; a *ProblemError for
// a line that cannot be used.
func (r *Reader) Next() (Row, error) {
	for {
		rec, line, err := r.table.Next()
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		if err != nil {
			return Row{}, &ProblemError{Problem: Problem{Line: line, Key: "chats.err.csv", Args: []any{err.Error()}}}
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		get := func(col string) *string {
			i, ok := r.index[col]
			if !ok {
				return nil
			}
			v := ""
			if i < len(rec) {
				v = orderfile.Clean(rec[i])
			}
			return &v
		}
		return row(line, get)
	}
}

func row(line int, get func(string) *string) (Row, error) {
	bad := func(key string, args ...any) (Row, error) {
		return Row{}, &ProblemError{Problem: Problem{Line: line, Key: key, Args: args}}
	}
	o := Row{Line: line, Buyer: *get("buyer"), RealName: get("real_name"), Phone: get("phone"), Wechat: get("wechat"), Notes: get("notes")}
	if o.Buyer == "" || len([]rune(o.Buyer)) > 64 {
		return bad("chats.err.no_buyer")
	}
	if p := o.Phone; p != nil && *p != "" && !validPhone(*p) {
		return bad("vip.err.import_phone", *p)
	}
	if t := get("tier"); t != nil {
		v, ok := tierWords[strings.ToLower(*t)]
		if !ok && *t != "" {
			return bad("vip.err.import_tier", *t)
		}
		if ok {
			o.Tier = &v
		}
	}
	if c := get("channel"); c != nil {
		v, ok := channelWords[strings.ToLower(*c)]
		if !ok && *c != "" {
			return bad("vip.err.import_channel", *c)
		}
		if ok {
			o.PreferredChannel = &v
		}
	}
	if w := get("window"); w != nil {
		if *w != "" {
			if _, err := vipwindow.Parse(*w); err != nil {
				return bad("vip.err.import_window", *w)
			}
		}
		o.ContactWindow = w
	}
	if d := get("dnc"); d != nil {
		v, ok := yesWords[strings.ToLower(*d)]
		if !ok {
			return bad("vip.err.import_yesno", *d)
		}
		o.DoNotContact = &v
	}
	if t := get("tags"); t != nil {
		o.Tags = splitTags(*t)
	}
	return o, nil
}

func validPhone(p string) bool {
	digits := 0
	for i, c := range p {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' && i == 0, c == ' ', c == '-':
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}

// splitTags splits on the separators people type in one cell.
func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，;；、|", r) }) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
