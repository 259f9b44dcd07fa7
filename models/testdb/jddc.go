package testdb

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// JDDC is the real JD.com customer-service corpus in shared/testdata as a
// chat export CSV. The corpus has no times and no agent names, so they are
// made up: messages 40 s apart with a 6-minute pause before every 6th, from
// 2026-11-10 08:00 Shanghai time, and five agent nicks (京东:客服0-4)
// taking the sessions in turn. It skips the test when the data is absent.
// It returns the CSV and the number of messages.
func JDDC(t testing.TB) (*bytes.Buffer, int) {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(root, "..", "shared", "testdata", "jddc", "chat_0.1per.tsv"))
	if err != nil {
		t.Skip("shared test data not present:", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	buf.WriteString("conversation_id,buyer,agent,sender,sent_at,text\n")
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 10, 8, 0, 0, 0, shanghai)
	sessions := map[string]int{}
	n := 0
	for ; sc.Scan(); n++ {
		c := strings.SplitN(sc.Text(), "\t", 7)
		if len(c) < 7 {
			t.Fatalf("jddc line %d: %d columns", n+1, len(c))
		}
		if _, ok := sessions[c[0]]; !ok {
			sessions[c[0]] = len(sessions)
		}
		sender := "buyer"
		if c[2] == "1" {
			sender = "agent"
		}
		at = at.Add(40 * time.Second)
		if n%6 == 5 {
			at = at.Add(6 * time.Minute)
		}
		fmt.Fprintf(&buf, "%s,%s,京东:客服%d,%s,%s,\"%s\"\n", c[0], c[1], sessions[c[0]]%5, sender,
			at.Format("2006-01-02 15:04:05"), strings.ReplaceAll(c[6], `"`, `""`))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return &buf, n
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("testdb: no go.mod above the working directory")
		}
		dir = parent
	}
}
