package orderfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"kefudesk/models/chatfile"
)

// Table reads the records of a spreadsheet export, CSV (GBK or UTF-8,
// detected) or XLSX (the first sheet), with their line numbers. Order
// reports and VIP customer lists are both read through it.
type Table struct {
	next func() ([]string, int, error) // a record and its line
	read func() int64
}

// OpenTable detects CSV or XLSX (a zip file) and prepares to read records.
func OpenTable(in io.Reader) (*Table, error) {
	raw := bufio.NewReader(in)
	magic, _ := raw.Peek(4)
	t := &Table{read: func() int64 { return 0 }}
	if bytes.Equal(magic, []byte("PK\x03\x04")) {
		// A zip: it must reach excelize untouched by any text decoding.
		return t, t.openXLSX(raw)
	}
	text, _, read, err := chatfile.Decode(raw)
	if err != nil {
		return nil, err
	}
	t.read = read
	c := csv.NewReader(text)
	c.LazyQuotes, c.FieldsPerRecord, c.ReuseRecord = true, -1, true
	t.next = func() ([]string, int, error) {
		rec, err := c.Read()
		line, _ := c.FieldPos(0)
		return rec, line, err
	}
	return t, nil
}

// openXLSX reads the first sheet. An XLSX is a zip, which needs the whole
// file; exports are bounded by the platform's export size.
func (t *Table) openXLSX(text io.Reader) error {
	f, err := excelize.OpenReader(text)
	if err != nil {
		return &ProblemError{Problem: Problem{Line: 1, Key: "orders.err.xlsx"}}
	}
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		return &ProblemError{Problem: Problem{Line: 1, Key: "orders.err.xlsx"}}
	}
	line := 0
	t.next = func() ([]string, int, error) {
		if !rows.Next() {
			return nil, line, io.EOF
		}
		line++
		cols, err := rows.Columns()
		return cols, line, err
	}
	return nil
}

// Next returns the next record and its line; io.EOF at the end.
func (t *Table) Next() ([]string, int, error) { return t.next() }

// BytesRead is how much of the file was consumed (CSV), for progress.
func (t *Table) BytesRead() int64 { return t.read() }

// Header reads the header row and finds each column by any of its names
// (compared trimmed and lower-cased, a BOM ignored). It returns the index of
// each column found and the first name of each required column missing.
func (t *Table) Header(columns map[string][]string, required []string) (map[string]int, error) {
	header, _, err := t.next()
	if err != nil {
		return nil, &ProblemError{Problem: Problem{Line: 1, Key: "chats.err.no_header"}}
	}
	index := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for col, names := range columns {
			for _, n := range names {
				if _, seen := index[col]; h == strings.ToLower(n) && !seen {
					index[col] = i
				}
			}
		}
	}
	var missing []string
	for _, c := range required {
		if _, ok := index[c]; !ok {
			missing = append(missing, columns[c][0])
		}
	}
	if len(missing) > 0 {
		return nil, &ProblemError{Problem: Problem{Line: 1, Key: "chats.err.missing_columns", Args: []any{strings.Join(missing, ", ")}}}
	}
	return index, nil
}

// Clean undoes what spreadsheet-safe exports do to values: ="…" keeps
// long numbers from becoming 1.23E+18, a leading ' keeps phone numbers text.
func Clean(v string) string { return clean(v) }
