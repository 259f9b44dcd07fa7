package views

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// maxLabelledColumns is how many columns the stylesheet names from a
// table's labels (the .table[data-cols] rules in static/app.css).
const maxLabelledColumns = 16

// ColumnLabels names a table's columns for its narrow (card) layout once
// per table: data-cols, and the custom properties --c1 … --cN in its
// style, which the stylesheet shows before each cell of the column.
// Labels given per cell (data-label) repeat on every row: on a big shop's
// performance page, 300 agents by 12 columns, they were half of its
// 185 KB and a third of the time to render it. It is spread into the
// table's attributes ({ ColumnLabels(…)... }), which templ escapes once
// for HTML; its style attribute would escape the quotes twice.
func ColumnLabels(labels ...string) templ.Attributes {
	var b strings.Builder
	for i, l := range labels[:min(len(labels), maxLabelledColumns)] {
		b.WriteString("--c")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(":\"")
		cssStringBody(&b, l)
		b.WriteString("\";")
	}
	return templ.Attributes{"data-cols": true, "style": b.String()}
}

// Columns are a table's column heads, in order. Its <thead> (Head) and
// its cards' labels on phones (Attrs) come from the one list, so a column
// added to one cannot leave the other behind.
type Columns []string

// ColumnsOf is the catalog's texts for keys; an empty key is a column
// without a head (a row's buttons).
func ColumnsOf(ctx context.Context, keys ...string) Columns {
	c := make(Columns, len(keys))
	for i, k := range keys {
		if k != "" {
			c[i] = T(ctx, k)
		}
	}
	return c
}

// Attrs names the columns for the table's phone cards (ColumnLabels).
func (c Columns) Attrs() templ.Attributes { return ColumnLabels(c...) }

// Head is the table's <thead>: one row of the heads.
func (c Columns) Head() templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var b strings.Builder
		b.WriteString("<thead><tr>")
		for _, h := range c {
			b.WriteString("<th>" + templ.EscapeString(h) + "</th>")
		}
		b.WriteString("</tr></thead>")
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// cssStringBody writes s for a double-quoted CSS string: quotes,
// backslashes and control characters as hex escapes, which end in a
// space so a following hex digit is not read into them. (templ escapes
// the result again for the HTML attribute.)
func cssStringBody(b *strings.Builder, s string) {
	for _, r := range s {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			b.WriteByte('\\')
			b.WriteString(strconv.FormatInt(int64(r), 16))
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
}
