package views

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/a-h/templ"
)

// A label is one CSS string whatever it holds, escaped once for HTML.
func TestColumnLabelsAreCSSStrings(t *testing.T) {
	attrs := ColumnLabels("#", `say "hi"`, `a\b`, "two\nlines", "<b>&")
	var sb strings.Builder
	if err := templ.RenderAttributes(context.Background(), &sb, attrs); err != nil {
		t.Fatal(err)
	}
	want := ` data-cols style="--c1:&#34;#&#34;;--c2:&#34;say \22 hi\22 &#34;;--c3:&#34;a\5c b&#34;;--c4:&#34;two\a lines&#34;;--c5:&#34;&lt;b&gt;&amp;&#34;;"`
	if sb.String() != want {
		t.Errorf("got  %s\nwant %s", sb.String(), want)
	}
	many := make([]string, maxLabelledColumns+3)
	if style := ColumnLabels(many...)["style"].(string); strings.Count(style, "--c") != maxLabelledColumns {
		t.Errorf("%d columns named, the stylesheet has rules for %d", strings.Count(style, "--c"), maxLabelledColumns)
	}
}

// The stylesheet shows a label for every column ColumnLabels names.
func TestStylesheetNamesEveryLabelledColumn(t *testing.T) {
	css, err := os.ReadFile("../static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= maxLabelledColumns+1; i++ {
		rule := fmt.Sprintf(".table[data-cols] td:nth-child(%d)::before { content: var(--c%d); }", i, i)
		if has := strings.Contains(string(css), rule); has != (i <= maxLabelledColumns) {
			t.Errorf("rule for column %d present: %v", i, has)
		}
	}
}

// A table's head and its cards' labels are the one list, escaped for HTML.
func TestColumnsHeadAndLabels(t *testing.T) {
	cols := Columns{"#", "<客服>", ""}
	var sb strings.Builder
	if err := cols.Head().Render(context.Background(), &sb); err != nil {
		t.Fatal(err)
	}
	if want := `<thead><tr><th>#</th><th>&lt;客服&gt;</th><th></th></tr></thead>`; sb.String() != want {
		t.Errorf("head %s, want %s", sb.String(), want)
	}
	if style := cols.Attrs()["style"]; style != `--c1:"#";--c2:"<客服>";--c3:"";` {
		t.Errorf("labels %v", style)
	}
}
