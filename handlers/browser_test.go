//go:build browser

// Browser tests drive the real server with headless Chromium. They run only
// with the build tag "browser":
//
//	go test -count=1 -tags browser -run Browser -v ./handlers/
//
// Chromium must be installed (Debian: apt-get install chromium); the path can
// be changed with CHROMIUM_PATH. Set SCREENSHOT_DIR to save full-page PNG
// screenshots of the pages the tests visit.
package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kefudesk/models"
	"kefudesk/models/demo"
)

const (
	defaultChromium = "/usr/bin/chromium"
	browserTimeout  = 60 * time.Second // the whole test, browser start included
	stepTimeout     = 20 * time.Second // one step: leaves time to report on failure
	phoneWidth      = 390
	phoneHeight     = 844
	desktopWidth    = 1280
	desktopHeight   = 900
)

// browser is one headless Chromium with one tab, pointed at an app.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// newBrowser starts Chromium for the test. It fails, and does not skip, when
// Chromium is missing: CI installs it.
func newBrowser(t *testing.T, a *app) *browser {
	t.Helper()
	execPath := os.Getenv("CHROMIUM_PATH")
	if execPath == "" {
		execPath = defaultChromium
	}
	if _, err := exec.LookPath(execPath); err != nil {
		t.Fatalf("chromium not found at %s (%v): install it with `apt-get install -y chromium` or set CHROMIUM_PATH", execPath, err)
	}
	// Made before the browser so that its cleanup (removing the profile)
	// runs after the browser has exited.
	profile := t.TempDir()

	ctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is tiny in containers
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc(); cancelTimeout() })

	b := &browser{t: t, ctx: tabCtx, base: a.srv.URL}
	// The first Run starts the browser; it must not have a shorter deadline
	// than the browser's life.
	if err := chromedp.Do(tabCtx, chromedp.EmulateViewport(desktopWidth, desktopHeight)); err != nil {
		t.Fatalf("start chromium (%s): %v", execPath, err)
	}
	return b
}

// run runs one action as a named step with its own deadline, and fails the
// test with where the browser was when the step failed.
func run[T any](b *browser, step string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("step %q failed: %v\n%s", step, err, b.where())
	}
	return v
}

// do runs actions that return nothing as one named step.
func (b *browser) do(step string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	run(b, step, chromedp.Steps(steps...))
}

// where describes the current page for a failure message.
func (b *browser) where() string {
	if errors.Is(b.ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("(the whole browser test ran out of its %s)", browserTimeout)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return fmt.Sprintf("(page location unavailable: %v)", err)
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(text) > 1500 {
		text = text[:1500] + "…"
	}
	return fmt.Sprintf("page: %s\nvisible text:\n%s", loc, text)
}

// open navigates to a path of the app and waits for sel to be visible.
func (b *browser) open(path, sel string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// path is the path of the current page.
func (b *browser) path() string {
	b.t.Helper()
	loc := run(b, "read location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("parse location %q: %v", loc, err)
	}
	return u.Path
}

// text is the visible text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(run(b, "read text of "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// login signs in through the login form and waits for the today page.
func (b *browser) login(username string) { b.loginWith(username, testPassword) }

func (b *browser) loginWith(username, password string) {
	b.t.Helper()
	b.open("/login", `[data-testid=login-form]`)
	b.do("log in as "+username,
		chromedp.SendKeys(chromedp.CSS(`[data-testid=login-form] #username`), username),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=login-form] #password`), password),
		chromedp.Click(chromedp.CSS(`[data-testid=login-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=today-title]`)),
	)
}

// screenshot saves a full-page PNG into SCREENSHOT_DIR, if it is set.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("screenshot dir: %v", err)
	}
	png := run(b, "screenshot "+name, chromedp.FullScreenshot(100)) // 100 = PNG
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatalf("save screenshot: %v", err)
	}
	b.t.Logf("screenshot: %s", file)
}

// atPhoneSize reloads the current page in a phone-size viewport, checks that
// nothing overflows sideways, runs the page's own checks, saves a
// screenshot (if SCREENSHOT_DIR is set), then goes back to the desktop
// viewport.
func (b *browser) atPhoneSize(name, waitSel string, checks ...func()) {
	b.t.Helper()
	b.do("switch to phone viewport",
		chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(waitSel)),
	)
	scroll := run(b, "measure page width", chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if len(scroll) == 2 && scroll[0] > scroll[1] {
		b.t.Errorf("%s: the page is %dpx wide in a %dpx phone viewport (horizontal overflow)", name, scroll[0], scroll[1])
	}
	for _, check := range checks {
		check()
	}
	b.screenshot(name)
	b.do("back to desktop viewport",
		chromedp.EmulateViewport(desktopWidth, desktopHeight),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(waitSel)),
	)
}

// cardLabelsAreColumnHeads checks, at phone size, that each cell of the
// table's first row shows its column's head above it (ColumnLabels), and
// that the row has at least min cells.
func (b *browser) cardLabelsAreColumnHeads(table string, min int) {
	b.t.Helper()
	got := run(b, "read the cards' labels of "+table, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => {
		const t = document.querySelector(%q);
		const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
		const cells = [...t.querySelectorAll('tbody tr:first-child td')];
		return cells.map((td, i) => {
			const label = getComputedStyle(td, '::before').content;
			return label === JSON.stringify(heads[i]) ? '' : heads[i] + ' ≠ ' + label;
		});
	})()`, table)))
	if len(got) < min {
		b.t.Errorf("%s: the first card has %d cells, want %d", table, len(got), min)
	}
	for _, g := range got {
		if g != "" {
			b.t.Errorf("%s: a card's label is not its column's head: %s", table, g)
		}
	}
}

// clearField empties an input as a user selecting all and deleting would.
// (chromedp.SetValue with "" reports a failure in chromedp v0.23.0.)
func clearField(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const el = document.querySelector(%q); if (!el) throw new Error("no field " + %q); el.value = ""; el.dispatchEvent(new Event("input", {bubbles: true})); })()`,
		sel, sel))
}

func TestBrowserLoginLanguageLogout(t *testing.T) {
	a := newApp(t)
	b := newBrowser(t, a)
	agent := a.users[models.RoleAgent]

	b.open("/login", `[data-testid=login-form]`)
	b.screenshot("01-login")

	b.login(agent.Username)
	if got, want := b.text(`[data-testid=today-title]`), agent.DisplayName+"，你好"; got != want {
		t.Errorf("today title in Chinese = %q, want %q", got, want)
	}
	if got := run(b, "read html lang", chromedp.Evaluate[string](`document.documentElement.lang`)); got != "zh-CN" {
		t.Errorf(`<html lang> after login = %q, want "zh-CN"`, got)
	}
	if got := b.text(`[data-testid=user-name]`); got != agent.DisplayName {
		t.Errorf("header user name = %q, want %q", got, agent.DisplayName)
	}
	b.screenshot("02-today-zh")
	b.atPhoneSize("03-today-zh-phone", `[data-testid=today-title]`)

	// The language switch is a plain form post answered with a redirect back;
	// html[lang=en] only exists on the new page.
	b.do("switch to English",
		chromedp.Click(chromedp.CSS(`[data-testid=lang-en]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang=en] [data-testid=today-title]`)),
	)
	if got, want := b.text(`[data-testid=today-title]`), "Hello, "+agent.DisplayName; got != want {
		t.Errorf("today title in English = %q, want %q", got, want)
	}
	if p := b.path(); p != "/" {
		t.Errorf("after switching language the path is %q, want / (redirect back)", p)
	}
	b.screenshot("04-today-en")

	b.do("log out",
		chromedp.Click(chromedp.CSS(`[data-testid=logout]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)),
	)
	if p := b.path(); p != "/login" {
		t.Errorf("after logout the path is %q, want /login", p)
	}
}

func TestBrowserAdminCreatesUserWithHTMX(t *testing.T) {
	a := newApp(t)
	b := newBrowser(t, a)

	b.login(a.users[models.RoleAdmin].Username)
	b.open("/admin/users", `[data-testid=new-user]`)
	b.screenshot("05-admin-users")
	b.atPhoneSize("06-admin-users-phone", `[data-testid=new-user]`)

	b.do("open the new user form",
		chromedp.Click(chromedp.CSS(`[data-testid=new-user]`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-form #username`)),
	)
	if p := b.path(); p != "/admin/users/new" {
		t.Fatalf("new user link went to %q, want /admin/users/new", p)
	}

	const displayName = "测试客服小李"
	// A marker on window survives an HTMX swap but not a page load.
	b.do("submit an invalid form",
		chromedp.Evaluate[chromedp.Void](`window.__kefuNoReload = true`),
		chromedp.SendKeys(chromedp.CSS(`#user-form #username`), "x"),
		chromedp.SendKeys(chromedp.CSS(`#user-form #display_name`), displayName),
		chromedp.SendKeys(chromedp.CSS(`#user-form #password`), "short"),
		chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#user-form [data-testid=error-username]`)),
	)
	if !run(b, "check the page was not reloaded", chromedp.Evaluate[bool](`window.__kefuNoReload === true`)) {
		t.Errorf("the invalid form reloaded the page; want HTMX to swap only the form")
	}
	if p := b.path(); p != "/admin/users/new" {
		t.Errorf("after the invalid submit the path is %q, want /admin/users/new", p)
	}
	if got := run(b, "read display name", chromedp.Value(chromedp.CSS(`#user-form #display_name`))); got != displayName {
		t.Errorf("display name after the error = %q, want the typed %q", got, displayName)
	}
	if n := run(b, "count forms", chromedp.Evaluate[int](`document.querySelectorAll("#user-form").length`)); n != 1 {
		t.Errorf("%d forms #user-form on the page after the swap, want 1", n)
	}
	b.do("see the password error", chromedp.WaitVisible(chromedp.CSS(`#user-form [data-testid=error-password]`)))
	b.screenshot("07-user-form-errors")

	const username = "new_agent.li"
	b.do("fix the form and submit",
		clearField(`#user-form #username`),
		chromedp.SendKeys(chromedp.CSS(`#user-form #username`), username),
		clearField(`#user-form #password`),
		chromedp.SendKeys(chromedp.CSS(`#user-form #password`), "long-enough-password"),
		chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)),
		// HX-Redirect sends the browser to the list, where the new row is.
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="user-`+username+`"]`)),
	)
	if p := b.path(); p != "/admin/users" {
		t.Errorf("after creating the user the path is %q, want /admin/users", p)
	}
	row := b.text(`[data-testid="user-` + username + `"]`)
	if !strings.Contains(row, username) || !strings.Contains(row, displayName) {
		t.Errorf("new user's row = %q, want it to show %q and %q", row, username, displayName)
	}
	if flash := b.text(`[data-testid=flash]`); !strings.Contains(flash, username) {
		t.Errorf("flash after creating = %q, want it to name %q", flash, username)
	}
}

// TestBrowserSettingsAndAudit saves a setting through the form and finds the
// change in the audit log, as an admin would check who changed what.
func TestBrowserSettingsAndAudit(t *testing.T) {
	a := newApp(t)
	b := newBrowser(t, a)
	b.login(a.users[models.RoleAdmin].Username)
	b.open("/admin/settings", `#settings-form`)
	b.screenshot("08-settings")
	b.do("rename the shop",
		clearField(`#settings-form #shop_name`),
		chromedp.SendKeys(chromedp.CSS(`#settings-form #shop_name`), "云裳旗舰店"),
		chromedp.Click(chromedp.CSS(`#settings-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=flash]`)),
	)
	if got := b.text(`.brand small`); got != "云裳旗舰店" {
		t.Errorf("shop name in the header = %q", got)
	}
	b.open("/admin/audit?entity=settings", `[data-testid=audit-row]`)
	row := b.text(`[data-testid=audit-row]`)
	if !strings.Contains(row, "u_admin") || !strings.Contains(row, "云裳旗舰店") {
		t.Errorf("audit row = %q", row)
	}
	b.screenshot("09-audit")
}

// TestBrowserChatImportAndTranscript uploads an export, watches the progress
// bar finish without reloading, and opens the transcript.
func TestBrowserChatImportAndTranscript(t *testing.T) {
	a := newApp(t)
	b := newBrowser(t, a)
	dir := t.TempDir()
	file := dir + "/chats.csv"
	if err := os.WriteFile(file, []byte(uploadCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	b.login(a.users[models.RoleQC].Username)
	b.open("/spot-checks/import", `[data-testid=import-form]`)
	b.do("upload the export",
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{file}),
		chromedp.Click(chromedp.CSS(`[data-testid=import-form] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=import-done]`)),
	)
	b.screenshot("10-import-done")
	b.open("/spot-checks/chats", `[data-testid=chat-row]`)
	b.screenshot("11-chats")
	b.atPhoneSize("11-chats-phone", `[data-testid=chat-row]`, func() {
		b.cardLabelsAreColumnHeads(`#chats table`, 6)
	})
	b.open("/spot-checks/chats?slow=1", `[data-testid=chat-row]`)
	b.do("open the slow chat",
		chromedp.Click(chromedp.CSS(`[data-testid=chat-row] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=transcript]`)),
	)
	if got := b.text(`.wait-slow`); !strings.Contains(got, "7分30秒") {
		t.Errorf("slow wait shown as %q", got)
	}
	b.screenshot("12-transcript")
	b.atPhoneSize("13-transcript-phone", `[data-testid=transcript]`)
}

// TestBrowserScoreOneChat scores a chat end to end with the keyboard, as an
// inspector works through a queue: J to the first category, then one key per
// category; the draft saves itself; submit shows the score.
func TestBrowserScoreOneChat(t *testing.T) {
	a := newApp(t)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := a.store.ImportChats(context.Background(), models.SystemActor, strings.NewReader(uploadCSV), "chats.csv", shanghai, nil); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a)
	b.login(a.users[models.RoleQC].Username)
	b.open("/spot-checks/chats?slow=1", `[data-testid=chat-row]`)
	b.do("open the chat and start the review",
		chromedp.Click(chromedp.CSS(`[data-testid=chat-row] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=start-review]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=start-review]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-panel]`)),
	)
	// Default card order: first_reply, reply_speed, opening, polite, closing,
	// product, no_exaggeration, read_history (N/A), discount, promises (N/A), handover (N/A).
	keys := "j" + "p5p5p5pnpnn"
	b.do("rate every category with the keyboard",
		chromedp.Click(chromedp.CSS(`h1`)),
		chromedp.KeyEvent(keys),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=save-state]`)),
	)
	if got := b.text(`[data-testid=live-score]`); got != "" && got != "100.0%" {
		t.Logf("live score before reload: %q", got)
	}
	b.screenshot("14-review-draft")
	b.do("submit",
		chromedp.Click(chromedp.CSS(`[data-testid=submit-review]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=score]`)),
	)
	if got := b.text(`[data-testid=score]`); got != "100.0%" {
		t.Errorf("score after submit = %q, want 100.0%%", got)
	}
	b.screenshot("15-review-submitted")
	b.open("/spot-checks/quality?from=2026-11-01&to=2026-11-30", `[data-testid=quality-agent]`)
	b.screenshot("16-quality")
}

// TestBrowserDemoTour loads the demo shop and walks the pages a store
// manager opens on a busy morning, checking each shows its data.
func TestBrowserDemoTour(t *testing.T) {
	a := newApp(t)
	if _, err := demo.Load(context.Background(), a.store); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a)
	b.loginWith("manager", demo.Password)
	for _, p := range []struct{ path, sel, shot string }{
		{"/", `[data-testid=card-appeals]`, "20-demo-today-manager"},
		{"/spot-checks/quality?from=2026-11-01&to=2026-11-30", `[data-testid=quality-agent]`, "21-demo-quality"},
		{"/spot-checks/reception?day=2026-11-11", `[data-testid=reception-row]`, "22-demo-reception"},
		{"/spot-checks/appeals", `[data-testid=open-appeal]`, "23-demo-appeals"},
		{"/spot-checks/cases?week=" + time.Now().Format("2006-01-02"), `[data-testid=case]`, "24-demo-cases"}, // marked today
		{"/spot-checks/chats?flag=banned_word", `[data-testid=chat-row]`, "25-demo-chats-banned"},
		{"/orders", `[data-testid=order]`, "27-demo-orders"},
	} {
		b.open(p.path, p.sel)
		b.screenshot(p.shot)
	}
	// On a phone each list's cards say what each value is.
	b.open("/spot-checks/quality?from=2026-11-01&to=2026-11-30", `[data-testid=quality-agent]`)
	b.atPhoneSize("21-demo-quality-phone", `[data-testid=quality-agent]`, func() {
		b.cardLabelsAreColumnHeads(`[data-testid=quality-agents]`, 7)
	})
	b.open("/spot-checks/appeals", `[data-testid=open-appeal]`)
	b.atPhoneSize("23-demo-appeals-phone", `[data-testid=open-appeal]`, func() {
		b.cardLabelsAreColumnHeads(`#appeals table`, 4)
	})
	b.do("open the appeal",
		chromedp.Click(chromedp.CSS(`[data-testid=open-appeal] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=resolve]`)),
	)
	b.screenshot("26-demo-appeal")
	b.logout()
	b.loginWith("qc", demo.Password)
	b.open("/spot-checks/queue", `[data-testid=queue-item]`)
	b.atPhoneSize("28-demo-queue-phone", `[data-testid=queue-item]`, func() {
		b.cardLabelsAreColumnHeads(`table:has([data-testid=queue-item])`, 5)
	})
	b.logout()
	b.loginWith("xiaomei", demo.Password)
	b.open("/spot-checks/mine", `[data-testid=my-review]`)
	b.atPhoneSize("29-demo-mine-phone", `[data-testid=my-review]`, func() {
		b.cardLabelsAreColumnHeads(`table:has([data-testid=my-review])`, 3)
	})
}
