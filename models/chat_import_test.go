package models_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"kefudesk/models"
	"kefudesk/models/testdb"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

const smallChat = `会话ID,买家,客服,发送方,时间,内容,备注
c1,tb_buyer1,云裳:小美,买家,2026-11-11 09:00:00,在吗？这件外套有XL吗,x
c1,tb_buyer1,云裳:小美,客服,2026-11-11 09:00:40,亲，在的，XL有货哦,
c1,tb_buyer1,云裳:小美,买家,2026-11-11 09:01:10,能便宜点吗,
c1,tb_buyer1,云裳:小美,客服,2026-11-11 09:08:30,抱歉久等了，现在下单送运费险哦,
c2,tb_buyer2,云裳:阿华,买家,2026-11-11 10:00:00,发货了吗,
`

func importString(t *testing.T, s *models.Store, body string) (models.ChatImport, error) {
	t.Helper()
	return s.ImportChats(context.Background(), models.SystemActor, strings.NewReader(body), "test.csv", shanghai, nil)
}

func count(t *testing.T, s *models.Store, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB().Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportChatsAndFigures(t *testing.T) {
	s, _ := newStore(t)
	res, err := importString(t, s, smallChat)
	if err != nil {
		t.Fatalf("import: %v %+v", err, res.Problems)
	}
	if res.Rows != 5 || res.Added != 5 || res.Duplicates != 0 || res.Conversations != 2 {
		t.Errorf("result %+v", res)
	}
	var c struct {
		Messages          int
		FirstResponseSecs *int
		SlowReplies       int
		Unanswered        bool
		StartedAt         time.Time
	}
	s.DB().Raw(`SELECT messages, first_response_secs, slow_replies, unanswered, started_at FROM chat_conversations WHERE external_id = 'c1'`).Scan(&c)
	if c.Messages != 4 || c.FirstResponseSecs == nil || *c.FirstResponseSecs != 40 || c.SlowReplies != 1 || c.Unanswered {
		t.Errorf("c1 figures %+v", c)
	}
	if !c.StartedAt.Equal(time.Date(2026, 11, 11, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("times not read in shop time: %v", c.StartedAt)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_conversations WHERE external_id = 'c2' AND unanswered AND first_response_secs IS NULL`); n != 1 {
		t.Error("c2 should be unanswered")
	}
	// The same file again adds nothing.
	res, err = importString(t, s, smallChat)
	if err != nil || res.Added != 0 || res.Duplicates != 5 {
		t.Errorf("re-import: %v %+v", err, res)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_messages`); n != 5 {
		t.Errorf("messages after re-import = %d", n)
	}
	// The rest of c2 arrives in another file: figures are recomputed.
	more := "conversation_id,buyer,agent,sender,sent_at,text\nc2,tb_buyer2,云裳:阿华,agent,2026-11-11T10:02:00+08:00,亲，今天下午发出\n"
	if _, err := importString(t, s, more); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_conversations WHERE external_id = 'c2' AND NOT unanswered AND first_response_secs = 120 AND agent_nicks = '{云裳:阿华}'`); n != 1 {
		t.Error("c2 figures not recomputed after the second file")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'import' AND entity = 'chats'`); n != 3 {
		t.Errorf("audit entries = %d", n)
	}
	if n := count(t, s, `SELECT messages FROM chat_agent_nicks WHERE nick = '云裳:小美'`); n != 2 {
		t.Errorf("nick message count = %d", n)
	}
}

func TestImportChatsGBKAndJSONLines(t *testing.T) {
	s, _ := newStore(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(smallChat)
	if err != nil {
		t.Fatal(err)
	}
	res, err := importString(t, s, gbk)
	if err != nil || res.Added != 5 {
		t.Fatalf("GBK: %v %+v", err, res)
	}
	var body string
	s.DB().Raw(`SELECT body FROM chat_messages ORDER BY sent_at LIMIT 1`).Scan(&body)
	if body != "在吗？这件外套有XL吗" {
		t.Errorf("GBK text decoded as %q", body)
	}
	jsonl := `{"conversation_id":"j1","buyer":"b","agent":"云裳:小晴","sender":"buyer","sent_at":"2026-11-12 08:00:00","text":"退款到哪了"}
{"conversation_id":"j1","buyer":"b","agent":"云裳:小晴","sender":"agent","sent_at":"2026-11-12 08:03:00","text":"亲，已经退回原支付账户"}
`
	res, err = importString(t, s, "\ufeff"+jsonl)
	if err != nil || res.Added != 2 || res.Conversations != 1 {
		t.Errorf("JSON Lines: %v %+v", err, res)
	}
}

func TestImportChatsRejectsBadFilesWhole(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantLines []int
		wantKey   string
	}{
		{"missing columns", "会话ID,买家,内容\nc1,b,hi\n", []int{1}, "chats.err.missing_columns"},
		{"empty", "", []int{1}, "chats.err.no_header"},
		{"bad time and sender", "conversation_id,buyer,agent,sender,sent_at,text\n" +
			"c1,b,a,buyer,2026-11-11 09:00:00,ok\n" +
			"c1,b,a,buyer,11/11/2026 9am,bad time\n" +
			"c1,b,a,robot,2026-11-11 09:00:00,bad sender\n" +
			"c1,b,,agent,2026-11-11 09:00:00,agent without nick\n", []int{3, 4, 5}, ""},
		{"short row", "conversation_id,buyer,agent,sender,sent_at,text\nc1,b,a,buyer\n", []int{2}, "chats.err.field_count"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newStore(t)
			res, err := importString(t, s, tc.body)
			if !errors.Is(err, models.ErrImportRejected) {
				t.Fatalf("err = %v", err)
			}
			var lines []int
			for _, p := range res.Problems {
				lines = append(lines, p.Line)
			}
			if fmt.Sprint(lines) != fmt.Sprint(tc.wantLines) {
				t.Errorf("problem lines %v, want %v (%+v)", lines, tc.wantLines, res.Problems)
			}
			if tc.wantKey != "" && res.Problems[0].Key != tc.wantKey {
				t.Errorf("key %q", res.Problems[0].Key)
			}
			if n := count(t, s, `SELECT count(*) FROM chat_messages`) + count(t, s, `SELECT count(*) FROM chat_conversations`); n != 0 {
				t.Errorf("a rejected file left %d rows", n)
			}
		})
	}
}

// The real JDDC transcripts (times and agents made up by testdb.JDDC).
func TestImportRealJDDCTranscripts(t *testing.T) {
	buf, lines := testdb.JDDC(t)
	s, _ := newStore(t)
	res, err := s.ImportChats(context.Background(), models.SystemActor, buf, "jddc.csv", shanghai, nil)
	if err != nil {
		t.Fatalf("import: %v %+v", err, res.Problems)
	}
	if res.Conversations != 994 || res.Rows != int64(lines) {
		t.Errorf("imported %+v from %d lines", res, lines)
	}
	if n := count(t, s, `SELECT sum(messages) FROM chat_conversations`); n != res.Added {
		t.Errorf("figures count %d messages, table has %d", n, res.Added)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_conversations WHERE slow_replies > 0`); n == 0 {
		t.Error("no slow replies found despite 6-minute pauses")
	}
}

// A 100,000-row file with every row twice imports in one go; duplicates
// within the file are skipped like re-imported ones.
func TestImportLargeFileWithDuplicateRows(t *testing.T) {
	s, _ := newStore(t)
	var buf bytes.Buffer
	buf.WriteString("conversation_id,buyer,agent,sender,sent_at,text\n")
	at := time.Date(2026, 11, 11, 0, 0, 0, 0, shanghai)
	for i := 0; i < 50000; i++ {
		sender := "buyer"
		if i%2 == 1 {
			sender = "agent"
		}
		line := fmt.Sprintf("big%d,b%d,店:客服%d,%s,%s,消息 %d\n", i/10, i/10, i%7, sender, at.Add(time.Duration(i)*time.Second).Format("2006-01-02 15:04:05"), i)
		buf.WriteString(line)
		buf.WriteString(line)
	}
	res, err := s.ImportChats(context.Background(), models.SystemActor, &buf, "big.csv", shanghai, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 100000 || res.Added != 50000 || res.Duplicates != 50000 || res.Conversations != 5000 {
		t.Errorf("result %+v", res)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_messages`); n != 50000 {
		t.Errorf("messages %d", n)
	}
}

func TestRecomputeChatsFollowsNewSettings(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	body := "conversation_id,buyer,agent,sender,sent_at,text\n" +
		"r1,b,店:甲,buyer,2026-11-11 10:00:00,能换吗\nr1,b,店:甲,agent,2026-11-11 10:03:00,亲，规定就是这样\n"
	if _, err := importString(t, s, body); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_conversations WHERE 'banned_word' = ANY (flags) AND slow_replies = 0`); n != 1 {
		t.Fatal("banned word not flagged at import")
	}
	set, _ := s.Settings(ctx)
	_, err := s.SaveSettings(ctx, models.SystemActor, set.Version, map[string]string{
		models.FlagOnKey("banned_word"): "false", models.SettingSlowReplyMinutes: "2"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.RecomputeChats(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai))
	if err != nil || n != 1 {
		t.Fatalf("recompute %d %v", n, err)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_conversations WHERE NOT ('banned_word' = ANY (flags)) AND slow_replies = 1`); n != 1 {
		t.Error("stored figures and flags not rechecked under the new settings")
	}
}

func TestStaleImportRunsAreMarkedInterrupted(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	stale, _ := s.StartImportRun(ctx, models.SystemActor, "chats", "old.csv", 100)
	fresh, _ := s.StartImportRun(ctx, models.SystemActor, "chats", "new.csv", 100)
	s.DB().Exec(`UPDATE import_runs SET progressed_at = now() - interval '2 hours' WHERE id = ?`, stale.ID)
	n, err := s.FailStaleImportRuns(ctx, models.StaleImportAfter)
	if err != nil || n != 1 {
		t.Fatalf("marked %d, %v", n, err)
	}
	r, _ := s.ImportRunByID(ctx, stale.ID)
	list, total := r.ProblemList()
	if r.Status != "failed" || total != 1 || list[0].Key != "import.err.interrupted" {
		t.Errorf("stale run %+v", r)
	}
	if r, _ := s.ImportRunByID(ctx, fresh.ID); r.Status != "running" {
		t.Errorf("a moving run was marked: %s", r.Status)
	}
}

// The import computes new conversations' figures from the file as it
// writes them; recomputing them from the stored messages must find the
// same. The file is bigger than one merge batch, its conversations'
// lines are spread through it, some conversations are already known
// from an earlier file, and some lines share a second.
func TestImportedFiguresMatchStoredMessages(t *testing.T) {
	s, _ := newStore(t)
	at := time.Date(2026, 11, 11, 0, 0, 0, 0, shanghai)
	texts := []string{"在吗", "亲，在的，有什么可以帮您", "能便宜点吗", "请稍等", "抱歉久等了", "滚", "谢谢亲，祝您生活愉快"}
	var all []string
	for i := 0; i < 45000; i++ {
		conv := i % 3000 // a conversation's lines are 3000 lines apart
		step := i / 3000
		sender, agent := "buyer", fmt.Sprintf("店:客服%d", conv%11)
		if step%2 == 1 {
			sender = "agent"
		}
		// Every fourth step repeats the previous second.
		sec := step*97 - (step/4)%2
		all = append(all, fmt.Sprintf("m%d,b%d,%s,%s,%s,%s %d", conv, conv, agent, sender,
			at.Add(time.Duration(conv)*time.Minute+time.Duration(sec)*time.Second).Format("2006-01-02 15:04:05"), texts[(i/7)%len(texts)], step))
	}
	// Within one second, the buyer's line comes first in the file.
	all = append(all, "tie,bt,店:客服1,buyer,2026-11-11 08:00:00,在吗", "tie,bt,店:客服1,agent,2026-11-11 08:00:00,在的亲")
	header := "conversation_id,buyer,agent,sender,sent_at,text\n"
	file := func(lines []string) string { return header + strings.Join(lines, "\n") + "\n" }

	// The earlier file: the first 5 lines of the first 500 conversations.
	var earlier []string
	for i := 0; i < 5*3000; i++ {
		if i%3000 < 500 {
			earlier = append(earlier, all[i])
		}
	}
	first, err := importString(t, s, file(earlier))
	if err != nil || first.Added != 2500 || first.Conversations != 500 {
		t.Fatalf("first file: %v %+v", err, first)
	}
	// The whole file, with a line repeated: 2,500 lines are stored already
	// and one is in the file twice. The 2,501 new conversations' 37,502
	// lines take two merge batches.
	res, err := importString(t, s, file(append(all, all[9000])))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != int64(len(all))+1 || res.Added != int64(len(all))-2500 || res.Duplicates != 2501 || res.Conversations != 3001 {
		t.Errorf("second file %+v", res)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_messages`); n != int64(len(all)) {
		t.Errorf("messages %d, want %d", n, len(all))
	}
	var order []string
	s.DB().Raw(`SELECT m.sender FROM chat_messages m JOIN chat_conversations c ON c.id = m.conversation_id
		WHERE c.external_id = 'tie' ORDER BY m.id`).Scan(&order)
	if fmt.Sprint(order) != "[buyer agent]" {
		t.Errorf("same-second lines stored as %v, want file order", order)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_agent_nicks n
		WHERE messages <> (SELECT count(*) FROM chat_messages m WHERE m.agent_nick = n.nick AND m.sender = 'agent')`); n != 0 {
		t.Errorf("%d nicks' message counts differ from the stored messages", n)
	}
	imported := storedFigures(t, s)
	if !strings.Contains(imported, "no_greeting") || !strings.Contains(imported, "|t|") {
		t.Fatalf("the file should raise flags and leave chats unanswered:\n%.500s", imported)
	}
	figuresMatchRecomputed(t, s, imported, at)
}

// storedFigures is every conversation's stored figures, one line each.
func storedFigures(t *testing.T, s *models.Store) string {
	t.Helper()
	var rows []string
	err := s.DB().Raw(`SELECT concat_ws('|', external_id, buyer, started_at, ended_at, messages, buyer_messages, agent_messages,
		first_response_secs, longest_gap_secs, slow_replies, unanswered, agent_nicks, flags, flag_points, received_by)
		FROM chat_conversations ORDER BY external_id`).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(rows, "\n")
}

// figuresMatchRecomputed recomputes the chats since the day before from
// their stored messages and fails if any figure differs from imported.
func figuresMatchRecomputed(t *testing.T, s *models.Store, imported string, since time.Time) {
	t.Helper()
	if _, err := s.RecomputeChats(context.Background(), since.AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	if recomputed := storedFigures(t, s); recomputed != imported {
		a, b := strings.Split(imported, "\n"), strings.Split(recomputed, "\n")
		for i := range a {
			if i < len(b) && a[i] != b[i] {
				t.Fatalf("imported figures differ from the stored messages':\n%s\n%s", a[i], b[i])
			}
		}
		t.Fatal("imported figures differ from the stored messages'")
	}
}

// An export may be grouped by conversation, sorted by time (conversations
// interleaved), or both with a conversation turning up again far later.
// Whatever the order, every distinct line is stored once, a conversation
// counts once and its figures cover all its lines. A bad line after a
// batch has been written still leaves nothing behind.
func TestImportGroupsLinesInAnyOrder(t *testing.T) {
	const chatIdleLines = 20000 // models.chatIdleLines
	s, _ := newStore(t)
	at := time.Date(2026, 11, 11, 0, 0, 0, 0, shanghai)
	texts := []string{"在吗", "亲，在的，有什么可以帮您", "能便宜点吗", "请稍等", "抱歉久等了", "谢谢亲"}
	line := func(conv string, step int, sec int) string {
		sender := "buyer"
		if step%2 == 1 {
			sender = "agent"
		}
		return fmt.Sprintf("%s,b-%s,店:客服%d,%s,%s,%s", conv, conv, len(conv)%7, sender,
			at.Add(time.Duration(sec)*time.Second).Format("2006-01-02 15:04:05"), texts[step%len(texts)])
	}
	var lines []string
	// "back" opens the file and returns after more than a batch.
	lines = append(lines, line("back", 0, 0), line("back", 1, 30), line("back", 2, 60))
	// 2,500 conversations of 10 lines, grouped.
	for c := 0; c < 2500; c++ {
		for step := 0; step < 10; step++ {
			lines = append(lines, line(fmt.Sprintf("g%d", c), step, c*10+step*20))
		}
	}
	// "back" again: a line it had, two new ones and one of those twice.
	lines = append(lines, line("back", 2, 60), line("back", 3, 90), line("back", 4, 4000), line("back", 3, 90))
	// 2,000 conversations of 12 lines, interleaved as a time-sorted export
	// would have them: each conversation's lines 150 lines apart.
	for i := 0; i < 24000; i++ {
		c, step := i%2000, i/2000
		lines = append(lines, line(fmt.Sprintf("t%d", c), step, 50000+i))
	}
	// 2,200 more grouped conversations, then "back" once more, repeating a
	// line of its second visit (by now written in an earlier batch).
	for c := 0; c < 2200; c++ {
		for step := 0; step < 10; step++ {
			lines = append(lines, line(fmt.Sprintf("h%d", c), step, 80000+c*10+step*20))
		}
	}
	lines = append(lines, line("back", 3, 90), line("back", 5, 4100))
	header := "conversation_id,buyer,agent,sender,sent_at,text\n"
	res, err := importString(t, s, header+strings.Join(lines, "\n")+"\n")
	if err != nil {
		t.Fatal(err)
	}
	want := models.ChatImport{Rows: int64(len(lines)), Added: int64(len(lines)) - 3, Duplicates: 3, Conversations: 1 + 2500 + 2000 + 2200}
	if res.Rows != want.Rows || res.Added != want.Added || res.Duplicates != want.Duplicates || res.Conversations != want.Conversations {
		t.Errorf("import %+v, want rows %d added %d duplicates %d conversations %d", res, want.Rows, want.Added, want.Duplicates, want.Conversations)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_messages`); n != want.Added {
		t.Errorf("%d messages stored, want %d", n, want.Added)
	}
	if n := count(t, s, `SELECT messages FROM chat_conversations WHERE external_id = 'back'`); n != 6 {
		t.Errorf("the returning conversation has %d messages, want 6", n)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_conversations`); n != want.Conversations {
		t.Errorf("%d conversations stored, want %d", n, want.Conversations)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_agent_nicks n
		WHERE messages <> (SELECT count(*) FROM chat_messages m WHERE m.agent_nick = n.nick AND m.sender = 'agent')`); n != 0 {
		t.Errorf("%d nicks' message counts differ from the stored messages", n)
	}
	figuresMatchRecomputed(t, s, storedFigures(t, s), at)

	// 25,000 good new lines (more than a batch, so some are written before
	// the end), then a bad one: refused whole, nothing kept.
	var more []string
	for i := 0; i < 25000; i++ {
		more = append(more, line(fmt.Sprintf("n%d", i/10), i%10, 90000+i))
	}
	more = append(more, "n-bad,b,店:客服1,robot,2026-11-12 09:00:00,?")
	res, err = importString(t, s, header+strings.Join(more, "\n")+"\n")
	if !errors.Is(err, models.ErrImportRejected) || res.ProblemCount != 1 || res.Problems[0].Line != 25002 {
		t.Fatalf("a file with a bad last line: %v %+v", err, res.Problems)
	}
	if n := count(t, s, `SELECT count(*) FROM chat_messages`); n != want.Added {
		t.Errorf("a refused file changed the messages: %d, want %d", n, want.Added)
	}

	// A conversation that went idle and came back before its batch was
	// written is still one conversation.
	more = []string{line("twice", 0, 100000), line("twice", 1, 100010)}
	for i := 0; i < chatIdleLines; i++ {
		more = append(more, line("big", i, 100000+i))
	}
	more = append(more, line("twice", 1, 100010), line("twice", 2, 100020))
	res, err = importString(t, s, header+strings.Join(more, "\n")+"\n")
	if err != nil || res.Added != int64(len(more))-1 || res.Conversations != 2 {
		t.Fatalf("a conversation back within its batch: %v %+v", err, res)
	}
	if n := count(t, s, `SELECT messages FROM chat_conversations WHERE external_id = 'twice'`); n != 3 {
		t.Errorf("it has %d messages, want 3", n)
	}
}
