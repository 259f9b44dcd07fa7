// Package chatfile reads chat-record exports: CSV (UTF-8, or GBK/GB18030 as
// Excel and Qianniu write them on Chinese Windows) or JSON Lines, one
// message per row. It streams: a file of any size is read in constant memory.
package chatfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Row is one message of a chat.
type Row struct {
	Line           int // 1-based line (record) number in the file, header = 1
	ConversationID string
	Buyer          string
	Agent          string // sub-account nick: the writer of an agent message, the receiving window on a buyer's line
	Sender         string // buyer, agent or system
	SentAt         time.Time
	Text           string
}

// Problem is why a line was refused: a message catalog key and arguments,
// shown to the user with the line number.
type Problem struct {
	Line int
	Key  string
	Args []any
}

// ProblemError wraps a Problem for a row that cannot be read.
type ProblemError struct{ Problem }

func (e *ProblemError) Error() string {
	return fmt.Sprintf("line %d: %s %v", e.Line, e.Key, e.Args)
}

// columns and the header names accepted for each (lower-cased, trimmed).
var columns = map[string][]string{
	"conversation_id": {"conversation_id", "会话id", "会话编号", "会话"},
	"buyer":           {"buyer", "买家", "买家昵称", "顾客"},
	"agent":           {"agent", "客服", "客服昵称", "子账号"},
	"sender":          {"sender", "发送方", "发送人角色", "角色"},
	"sent_at":         {"sent_at", "时间", "发送时间"},
	"text":            {"text", "内容", "消息内容", "消息"},
}

var required = []string{"conversation_id", "buyer", "agent", "sender", "sent_at", "text"}

// MaxText bounds one message; longer is a broken export, not a chat.
const MaxText = 20000

// Reader yields the rows of one file.
type Reader struct {
	loc     *time.Location
	counter *countingReader
	csv     *csv.Reader
	jsonl   *bufio.Scanner
	index   map[string]int // column -> position (CSV)
	line    int
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// BytesRead is how much of the file has been consumed, for progress.
func (r *Reader) BytesRead() int64 { return r.counter.n }

// NewReader sniffs the format and encoding and reads the header. Times
// without a zone are in loc, the shop's time zone.
func NewReader(in io.Reader, loc *time.Location) (*Reader, error) {
	text, peek, cr, err := decode(in)
	if err != nil {
		return nil, err
	}
	r := &Reader{loc: loc, counter: cr}
	if first := bytes.TrimLeft(bytes.TrimPrefix(peek, []byte("\xef\xbb\xbf")), " \t\r\n"); len(first) > 0 && first[0] == '{' {
		r.jsonl = bufio.NewScanner(text)
		r.jsonl.Buffer(make([]byte, 64<<10), 4*MaxText)
		return r, nil
	}
	r.csv = csv.NewReader(text)
	r.csv.ReuseRecord = true
	r.csv.LazyQuotes = true
	header, err := r.csv.Read()
	if err != nil {
		return nil, &ProblemError{Problem{Line: 1, Key: "chats.err.no_header"}}
	}
	r.line = 1
	r.index = map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		for col, names := range columns {
			for _, n := range names {
				if h == n {
					if _, seen := r.index[col]; !seen {
						r.index[col] = i
					}
				}
			}
		}
	}
	var missing []string
	for _, c := range required {
		if _, ok := r.index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &ProblemError{Problem{Line: 1, Key: "chats.err.missing_columns", Args: []any{strings.Join(missing, ", ")}}}
	}
	return r, nil
}

// Decode returns in as UTF-8 text: UTF-8 when the start of the file is valid
// UTF-8, else GB18030 (a superset of GBK, what Excel and Qianniu write on
// Chinese Windows); a byte-order mark is dropped. first is the start of the
// raw file, for sniffing the format; read tells how many raw bytes were
// consumed, for progress.
func Decode(in io.Reader) (text io.Reader, first []byte, read func() int64, err error) {
	text, first, cr, err := decode(in)
	if err != nil {
		return nil, nil, nil, err
	}
	return text, first, func() int64 { return cr.n }, nil
}

func decode(in io.Reader) (io.Reader, []byte, *countingReader, error) {
	cr := &countingReader{r: in}
	br := bufio.NewReaderSize(cr, 64<<10)
	peek, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, nil, fmt.Errorf("chatfile: read: %w", err)
	}
	var text io.Reader = br
	if !looksUTF8(peek) {
		text = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	return skipBOM(text), peek, cr, nil
}

// looksUTF8 reports whether the start of a file is UTF-8, ignoring a
// character cut at the end of the sample.
func looksUTF8(b []byte) bool {
	for i := 0; i < 4 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return len(b) == 0
}

func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	return br
}

// Next returns the next row; io.EOF at the end; a *ProblemError for a row
// that cannot be used (the caller may go on to collect every problem).
func (r *Reader) Next() (Row, error) {
	if r.jsonl != nil {
		return r.nextJSON()
	}
	rec, err := r.csv.Read()
	if errors.Is(err, io.EOF) {
		return Row{}, io.EOF
	}
	r.line++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			r.line = pe.Line
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				return Row{}, &ProblemError{Problem{Line: pe.Line, Key: "chats.err.field_count"}}
			}
		}
		return Row{}, &ProblemError{Problem{Line: r.line, Key: "chats.err.csv", Args: []any{err.Error()}}}
	}
	if line, _ := r.csv.FieldPos(0); line > 0 {
		r.line = line
	}
	get := func(col string) string {
		i := r.index[col]
		if i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	return r.row(r.line, get("conversation_id"), get("buyer"), get("agent"), get("sender"), get("sent_at"), get("text"))
}

type jsonRow struct {
	ConversationID json.RawMessage `json:"conversation_id"`
	Buyer          string          `json:"buyer"`
	Agent          string          `json:"agent"`
	Sender         string          `json:"sender"`
	SentAt         string          `json:"sent_at"`
	Text           string          `json:"text"`
}

func (r *Reader) nextJSON() (Row, error) {
	for r.jsonl.Scan() {
		r.line++
		b := bytes.TrimSpace(r.jsonl.Bytes())
		if len(b) == 0 {
			continue
		}
		var j jsonRow
		if err := json.Unmarshal(b, &j); err != nil {
			return Row{}, &ProblemError{Problem{Line: r.line, Key: "chats.err.json"}}
		}
		id := strings.Trim(strings.TrimSpace(string(j.ConversationID)), `"`)
		return r.row(r.line, id, strings.TrimSpace(j.Buyer), strings.TrimSpace(j.Agent), strings.TrimSpace(j.Sender), strings.TrimSpace(j.SentAt), j.Text)
	}
	if err := r.jsonl.Err(); err != nil {
		return Row{}, &ProblemError{Problem{Line: r.line + 1, Key: "chats.err.line_too_long"}}
	}
	return Row{}, io.EOF
}

func (r *Reader) row(line int, conv, buyer, agent, sender, sentAt, text string) (Row, error) {
	row := Row{Line: line, ConversationID: conv, Buyer: buyer, Agent: agent, Text: text}
	bad := func(key string, args ...any) (Row, error) {
		return Row{}, &ProblemError{Problem{Line: line, Key: key, Args: args}}
	}
	if conv == "" {
		return bad("chats.err.no_conversation")
	}
	if buyer == "" {
		return bad("chats.err.no_buyer")
	}
	var ok bool
	if row.Sender, ok = parseSender(sender); !ok {
		return bad("chats.err.sender", sender)
	}
	if row.Sender == "agent" && agent == "" {
		return bad("chats.err.no_agent")
	}
	t, err := ParseTime(sentAt, r.loc)
	if err != nil {
		return bad("chats.err.time", sentAt)
	}
	row.SentAt = t
	if utf8.RuneCountInString(text) > MaxText {
		return bad("chats.err.text_long", MaxText)
	}
	if strings.ContainsRune(text, 0) || !utf8.ValidString(text) {
		return bad("chats.err.text_bytes")
	}
	return row, nil
}

func parseSender(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "buyer", "customer", "买家", "顾客", "0":
		return "buyer", true
	case "agent", "seller", "客服", "卖家", "1":
		return "agent", true
	case "system", "系统", "2":
		return "system", true
	}
	return "", false
}

var timeLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04",
	"2006/01/02 15:04:05", "2006/1/2 15:04:05", "2006/1/2 15:04", "2006/01/02 15:04",
	"2006-01-02T15:04:05", "2006年01月02日 15:04:05", "2006年1月2日 15:04:05",
}

// ParseTime reads the time formats exports use; a time with a zone keeps it,
// one without is in loc.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			if t.Year() < 2000 || t.Year() > 2100 {
				break
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("chatfile: unknown time %q", s)
}
