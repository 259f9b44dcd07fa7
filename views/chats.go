package views

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"kefudesk/models"
	"kefudesk/models/chatfile"
	"kefudesk/models/chatqa"
	"kefudesk/views/i18n"
)

// ChatFilterForm is the chat list's filter as typed.
type ChatFilterForm struct {
	From, To, Agent, Buyer, MinMessages, Flag string
	Slow, Unanswered                          bool
}

// ChatsView is the chat list page.
type ChatsView struct {
	Filter ChatFilterForm
	Errors models.FieldErrors
	Page   models.ChatPage
	Limit  time.Duration
}

// NextURL links to the next page, keeping the filter.
func (v ChatsView) NextURL() string {
	q := v.query()
	q.Set("before", v.Page.Next.String())
	return "/spot-checks/chats?" + q.Encode()
}

// ListURL is this list from its first page: what a live refresh reloads.
func (v ChatsView) ListURL() string { return "/spot-checks/chats?" + v.query().Encode() }

func (v ChatsView) query() url.Values {
	q := url.Values{}
	f := v.Filter
	for k, val := range map[string]string{"from": f.From, "to": f.To, "agent": f.Agent, "buyer": f.Buyer, "min": f.MinMessages, "flag": f.Flag} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if f.Slow {
		q.Set("slow", "1")
	}
	if f.Unanswered {
		q.Set("unanswered", "1")
	}
	return q
}

// TranscriptView is one chat with its computed figures and flags.
type TranscriptView struct {
	T          models.Transcript
	Figures    chatqa.Figures
	Flags      []chatqa.Flag
	FlagPoints int
	Limit      time.Duration
	Names      map[string]string // agent nick -> the user's name, when mapped
	Reviews    []models.Review   // of this chat, one per agent at most
}

// ReviewOf returns the review of one agent in this chat, if any.
func (v TranscriptView) ReviewOf(nick string) (models.Review, bool) {
	for _, r := range v.Reviews {
		if r.AgentNick == nick {
			return r, true
		}
	}
	return models.Review{}, false
}

// FlagsAt lists the flags a message raised.
func (v TranscriptView) FlagsAt(i int) []chatqa.Flag {
	var out []chatqa.Flag
	for _, f := range v.Flags {
		if f.Index == i {
			out = append(out, f)
		}
	}
	return out
}

// FlagText names a flag, with its detail (the word, the amount).
func FlagText(ctx context.Context, f chatqa.Flag) string {
	name := i18n.T(ctx, "flag."+string(f.Kind))
	switch f.Kind {
	case chatqa.FlagBannedWord:
		return name + "「" + f.Detail + "」"
	case chatqa.FlagDiscountOver:
		return name + " ¥" + f.Detail
	}
	return name
}

// AgentName is the user behind a nick, or the nick itself.
func (v TranscriptView) AgentName(nick string) string {
	if n, ok := v.Names[nick]; ok {
		return n
	}
	return nick
}

// ImportKind is how one kind of import's pages read.
type ImportKind struct {
	Base      string // the upload page
	Title     string // catalog keys
	Help      string
	Back      string // the list the imported records show in
	BackLabel string
	Accept    string
}

// The kinds of import.
var (
	ChatImportKind = ImportKind{Base: "/spot-checks/import", Title: "chats.import", Help: "chats.import.help",
		Back: "/spot-checks/chats", BackLabel: "chats.title", Accept: ".csv,.txt,.jsonl,.json,text/csv"}
	OrderImportKind = ImportKind{Base: "/orders/import", Title: "orders.import", Help: "orders.import.help",
		Back: "/orders", BackLabel: "orders.title", Accept: ".csv,.txt,.xlsx,text/csv"}
)

// ImportView is the upload page.
type ImportView struct {
	Kind   ImportKind
	Runs   []models.ImportRun
	Errors models.FieldErrors
}

// ImportRunView is one run's progress or outcome.
type ImportRunView struct {
	Run  models.ImportRun
	Kind ImportKind
}

// Problems of a finished, rejected run.
func (v ImportRunView) Problems() ([]chatfile.Problem, int) { return v.Run.ProblemList() }

// Dur writes a wait or a length the way people say it: 4分12秒, 4m 12s.
func Dur(ctx context.Context, d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if i18n.Locale(ctx) == i18n.EN {
		switch {
		case h > 0:
			return fmt.Sprintf("%dh %dm", h, m)
		case m > 0 && s == 0:
			return fmt.Sprintf("%d min", m)
		case m > 0:
			return fmt.Sprintf("%dm %ds", m, s)
		}
		return fmt.Sprintf("%ds", s)
	}
	switch {
	case h > 0:
		return fmt.Sprintf("%d小时%d分", h, m)
	case m > 0 && s == 0:
		return fmt.Sprintf("%d分钟", m)
	case m > 0:
		return fmt.Sprintf("%d分%d秒", m, s)
	}
	return fmt.Sprintf("%d秒", s)
}

// Secs shows a stored number of seconds, or a dash when there is none.
func Secs(ctx context.Context, s *int) string {
	if s == nil {
		return "—"
	}
	return Dur(ctx, time.Duration(*s)*time.Second)
}

// Clock shows the time of day of t in the shop's time zone.
func Clock(ctx context.Context, t time.Time) string {
	return t.In(FrameOf(ctx).Loc).Format("15:04:05")
}

// ProblemText translates an import problem.
func ProblemText(ctx context.Context, p chatfile.Problem) string {
	return i18n.T(ctx, p.Key, p.Args...)
}
