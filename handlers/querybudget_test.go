package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/models/demo"
)

// maxQueriesPerPage is the most SQL statements one page may run. A page
// whose count grows with the rows it shows (N+1) blows through it on the
// demo shop, whose lists hold dozens to thousands of rows.
const maxQueriesPerPage = 20

type queryCountKey struct{}

// queryCounter counts the statements gorm runs, and those a read batch
// sends, for the request whose context carries it; last holds the count of the latest finished request,
// lastSQL its statements.
type queryCounter struct {
	last     atomic.Int64
	mu       sync.Mutex
	idle     *sync.Cond // signalled when a request leaves wrap
	inflight int        // requests inside wrap
	lastSQL  []string
}

// requestQueries is one request's statements, counted and kept.
type requestQueries struct {
	n   atomic.Int64
	mu  sync.Mutex
	sql []string
}

// statements returns the latest finished request's statements.
func (q *queryCounter) statements() []string {
	q.settle()
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.lastSQL)
}

// count returns the latest finished request's number of statements.
func (q *queryCounter) count() int64 {
	q.settle()
	return q.last.Load()
}

// begin and end bracket a request in wrap; settle waits until none is in
// flight. The client has the whole response before the server's handler
// returns to wrap, so without it a test could read the page before's
// figures.
func (q *queryCounter) begin() {
	q.mu.Lock()
	q.inflight++
	q.mu.Unlock()
}

func (q *queryCounter) end() {
	q.mu.Lock()
	q.inflight--
	q.mu.Unlock()
	q.idle.Broadcast()
}

func (q *queryCounter) settle() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.inflight > 0 {
		q.idle.Wait()
	}
}

// newQueryCounter registers gorm callbacks on db that count the statements
// of each request carrying a counter (see wrap).
func newQueryCounter(db *gorm.DB) *queryCounter {
	count := func(tx *gorm.DB) {
		// A dry run is a subquery being built into its statement, not one sent.
		if r, ok := tx.Statement.Context.Value(queryCountKey{}).(*requestQueries); ok && !tx.DryRun {
			r.n.Add(1)
			r.mu.Lock()
			r.sql = append(r.sql, tx.Statement.SQL.String())
			r.mu.Unlock()
		}
	}
	cb := db.Callback()
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(cb.Query().After("gorm:query").Register("kefudesk:count_query", count))
	must(cb.Row().After("gorm:row").Register("kefudesk:count_row", count))
	must(cb.Raw().After("gorm:raw").Register("kefudesk:count_raw", count))
	must(cb.Create().After("gorm:create").Register("kefudesk:count_create", count))
	must(cb.Update().After("gorm:update").Register("kefudesk:count_update", count))
	must(cb.Delete().After("gorm:delete").Register("kefudesk:count_delete", count))
	q := &queryCounter{}
	q.idle = sync.NewCond(&q.mu)
	return q
}

// wrap returns h with a fresh counter in every request's context.
func (q *queryCounter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q.begin()
		defer q.end()
		rq := new(requestQueries)
		ctx := context.WithValue(r.Context(), queryCountKey{}, rq)
		// A batch's statements pass no gorm callback: they are counted
		// as they are sent.
		ctx = models.WithStatementObserver(ctx, func(sql string, _ []any) {
			rq.n.Add(1)
			rq.mu.Lock()
			rq.sql = append(rq.sql, sql)
			rq.mu.Unlock()
		})
		h.ServeHTTP(w, r.WithContext(ctx))
		q.last.Store(rq.n.Load())
		rq.mu.Lock()
		q.mu.Lock()
		q.lastSQL = rq.sql
		q.mu.Unlock()
		rq.mu.Unlock()
	})
}

// TestEveryPageRunsAFixedNumberOfQueries opens every page without a path
// parameter, as each demo user whose role may, on the demo shop, and fails
// when one runs more than maxQueriesPerPage statements.
func TestEveryPageRunsAFixedNumberOfQueries(t *testing.T) {
	a := newApp(t)
	if _, err := demo.Load(context.Background(), a.store); err != nil {
		t.Fatalf("demo: %v", err)
	}
	// Pages with a path parameter, filled from the demo's rows: the screens
	// people open most after the lists.
	var reviewID, chatID int64
	db := a.store.DB()
	if err := db.Raw(`SELECT id FROM reviews ORDER BY id LIMIT 1`).Scan(&reviewID).Error; err != nil || reviewID == 0 {
		t.Fatalf("demo review: %v", err)
	}
	if err := db.Raw(`SELECT id FROM chat_conversations ORDER BY id DESC LIMIT 1`).Scan(&chatID).Error; err != nil || chatID == 0 {
		t.Fatalf("demo chat: %v", err)
	}
	params := map[string]string{
		"/spot-checks/reviews/:rid": "/spot-checks/reviews/" + itoa(reviewID),
		"/spot-checks/chats/:id":    "/spot-checks/chats/" + itoa(chatID),
	}
	type row struct {
		page string
		n    int64
	}
	var seen []row
	for _, who := range []struct {
		name string
		role models.Role
	}{{"manager", models.RoleManager}, {"qc", models.RoleQC}, {"xiaomei", models.RoleAgent}, {"admin", models.RoleAdmin}} {
		c := a.client()
		if res := c.postForm("/login", url.Values{"username": {who.name}, "password": {demo.Password}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %d", who.name, res.StatusCode)
		}
		for _, r := range a.router.Router.Routes() {
			path := r.Path
			if p, ok := params[path]; ok {
				path = p
			}
			if r.Method != http.MethodGet || r.Public || strings.Contains(path, ":") || path == "/events" || !web.Allowed(who.role, r.Roles) {
				continue
			}
			res := c.get(path)
			if res.StatusCode == http.StatusSeeOther {
				continue // an area's index sends the user to its first page
			}
			if res.StatusCode == http.StatusNotFound && path != r.Path {
				continue // another agent's record: not this user's to see
			}
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s as %s: status %d", path, who.name, res.StatusCode)
				continue
			}
			n := a.queries.count()
			seen = append(seen, row{who.name + " " + path, n})
			if n > maxQueriesPerPage {
				t.Errorf("GET %s as %s ran %d queries, more than %d: look for a query per row", path, who.name, n, maxQueriesPerPage)
			}
		}
	}
	if len(seen) < 10 {
		t.Fatalf("walked only %d pages: the walk is broken", len(seen))
	}
	sort.Slice(seen, func(i, j int) bool { return seen[i].n > seen[j].n })
	for _, s := range seen[:min(8, len(seen))] {
		t.Logf("%3d queries  %s", s.n, s.page)
	}
}

// TestSessionAndUserAreOneStatement: a logged-in page reads its session
// and its user in one statement, and that read is live: a rename or a
// disabling done straight in the database shows on the next request.
func TestSessionAndUserAreOneStatement(t *testing.T) {
	a := newApp(t)
	agent := a.loginAs(models.RoleAgent)
	if res := agent.get("/spot-checks/mine"); res.StatusCode != http.StatusOK {
		t.Fatalf("GET /spot-checks/mine: %d", res.StatusCode)
	}
	var sessionReads []string
	for _, s := range a.queries.statements() {
		if strings.Contains(s, "web_sessions") || strings.Contains(s, "FROM users u") {
			sessionReads = append(sessionReads, strings.Join(strings.Fields(s), " "))
		}
	}
	if len(sessionReads) != 1 || !strings.Contains(sessionReads[0], "JOIN users u") {
		t.Errorf("the session and its user took %d statements: %q", len(sessionReads), sessionReads)
	}
	u := a.users[models.RoleAgent]
	db := a.store.DB()
	if err := db.Exec(`UPDATE users SET display_name = '改名后' WHERE id = ?`, u.ID).Error; err != nil {
		t.Fatal(err)
	}
	if body := agent.get("/spot-checks/mine").Body; !strings.Contains(body, "改名后") {
		t.Error("the page does not show the name changed in the database")
	}
	if err := db.Exec(`UPDATE users SET disabled = true WHERE id = ?`, u.ID).Error; err != nil {
		t.Fatal(err)
	}
	if res := agent.get("/spot-checks/mine"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a user disabled in the database still gets the page: %d", res.StatusCode)
	}
}

// A GET's copies of the directory and the rota take their counters from
// the session's statement: the board (both) and my shifts (the rota) read
// no counter of their own, the performance page reads its one with its
// totals, and a rename made in SQL between two requests is on the next
// page.
func TestGetPagesTakeCacheCountersWithTheSession(t *testing.T) {
	a := newApp(t)
	if _, err := demo.Load(context.Background(), a.store); err != nil {
		t.Fatal(err)
	}
	counterReads := func(c *client, path string) (int, string) {
		t.Helper()
		res := c.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		n := 0
		for _, s := range a.queries.statements() {
			if strings.Contains(s, "FROM cache_versions WHERE name") {
				n++
			}
		}
		return n, res.Body
	}
	manager := a.loginAs(models.RoleManager)
	if n, _ := counterReads(manager, "/reviews"); n != 0 {
		t.Errorf("the board read %d cache counters of its own", n)
	}
	agent := a.loginAs(models.RoleAgent)
	if n, _ := counterReads(agent, "/shifts/me"); n != 0 {
		t.Errorf("my shifts read %d cache counters of its own", n)
	}
	// The performance page reads its 'sales' counter in its totals'
	// statement (its kept copies must match the totals): once its copies
	// are warm, that statement is its one read of the sales tables, and no
	// statement reads a counter on its own.
	for i := range 2 {
		if res := manager.get("/orders/performance"); res.StatusCode != http.StatusOK {
			t.Fatalf("GET /orders/performance: %d", res.StatusCode)
		}
		if i == 0 {
			continue
		}
		var sales, counters int
		for _, s := range a.queries.statements() {
			switch {
			case strings.Contains(s, "sales_day"):
				sales++
				if !strings.Contains(s, "FROM cache_versions WHERE name = 'sales'") {
					t.Errorf("the totals' statement does not read the counter: %s", s)
				}
			case strings.Contains(s, "FROM cache_versions WHERE name"):
				counters++
			}
		}
		if sales != 1 || counters != 0 {
			t.Errorf("a warm performance page read the sales tables in %d statements (want 1) and a counter in %d (want 0): %q",
				sales, counters, a.queries.statements())
		}
	}
	var id int64
	if err := a.store.DB().Raw(`SELECT id FROM users WHERE role = 'agent' AND NOT disabled ORDER BY id LIMIT 1`).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	if err := a.store.DB().Exec(`UPDATE users SET display_name = '新名字客服' WHERE id = ?`, id).Error; err != nil {
		t.Fatal(err)
	}
	if _, body := counterReads(manager, "/reviews"); !strings.Contains(body, "新名字客服") {
		t.Error("the board does not show an agent renamed in the database since the last page")
	}
}
