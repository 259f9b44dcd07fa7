package attribution

import (
	"reflect"
	"testing"
	"time"
)

var sh, _ = time.LoadLocation("Asia/Shanghai")

func at(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, sh) }

func agents(name string) (string, bool) {
	m := map[string]string{"小美": "xiaomei", "阿华": "ahua", "云裳:小美": "xiaomei"}
	a, ok := m[name]
	return a, ok
}

func paid(t time.Time) *time.Time { return &t }

func TestAttribute(t *testing.T) {
	r := Rules{WindowDays: 1, Loc: sh}
	tests := []struct {
		name    string
		order   Order
		chats   []Contact
		rules   Rules
		rule    string
		credits []Credit
		assists []Credit
	}{
		{"last agent in the window", Order{CreatedAt: at(11, 10, 0), PaidAt: paid(at(11, 10, 5)), PaidFen: 10000},
			[]Contact{{"ahua", at(10, 9, 0)}, {"xiaomei", at(11, 9, 0)}}, r, RuleLastChat,
			[]Credit{{"xiaomei", 1, 10000}}, nil},
		{"the day before counts, two days before does not", Order{CreatedAt: at(11, 0, 30), PaidFen: 500},
			[]Contact{{"ahua", at(9, 23, 59)}, {"xiaomei", at(10, 0, 0)}}, r, RuleLastChat,
			[]Credit{{"xiaomei", 1, 500}}, nil},
		{"silent", Order{CreatedAt: at(11, 10, 0), PaidFen: 500},
			[]Contact{{"ahua", at(9, 10, 0)}, {"xiaomei", at(11, 11, 0)}}, r, RuleSilent, nil, nil},
		{"red flag remark wins over the last chat", Order{CreatedAt: at(11, 10, 0), PaidFen: 999, Flag: 1, Remark: "阿华：要M码"},
			[]Contact{{"xiaomei", at(11, 9, 0)}}, r, RuleRemark, []Credit{{"ahua", 1, 999}}, nil},
		{"unknown name in the remark falls through", Order{CreatedAt: at(11, 10, 0), PaidFen: 999, Flag: 1, Remark: "某人：加急"},
			[]Contact{{"xiaomei", at(11, 9, 0)}}, r, RuleLastChat, []Credit{{"xiaomei", 1, 999}}, nil},
		{"promotion splits evenly, remainders to the first", Order{CreatedAt: at(11, 0, 10), PaidFen: 1001, Flag: 1, Remark: "阿华：x"},
			[]Contact{{"ahua", at(10, 22, 0)}, {"xiaomei", at(10, 23, 0)}, {"ahua", at(11, 0, 5)}},
			Rules{WindowDays: 1, Loc: sh, Promotions: []Period{{at(10, 20, 0), at(12, 0, 0)}}}, RulePromotion,
			[]Credit{{"ahua", 0.5, 501}, {"xiaomei", 0.5, 500}}, nil},
		{"payment reminder gets an assist, no share by default", Order{CreatedAt: at(11, 10, 0), PaidAt: paid(at(11, 16, 0)), PaidFen: 2000},
			[]Contact{{"xiaomei", at(11, 9, 0)}, {"ahua", at(11, 15, 0)}}, r, RuleLastChat,
			[]Credit{{"xiaomei", 1, 2000}}, []Credit{{"ahua", 0, 0}}},
		{"assist share taken from the credit", Order{CreatedAt: at(11, 10, 0), PaidAt: paid(at(11, 16, 0)), PaidFen: 2000, Flag: 2, Remark: "阿华"},
			[]Contact{{"xiaomei", at(11, 9, 0)}, {"ahua", at(11, 15, 0)}}, Rules{WindowDays: 1, Loc: sh, AssistShare: 0.25}, RuleLastChat,
			[]Credit{{"xiaomei", 0.75, 1500}}, []Credit{{"ahua", 0.25, 500}}},
		{"payment time decides when the shop says so", Order{CreatedAt: at(11, 10, 0), PaidAt: paid(at(11, 16, 0)), PaidFen: 100},
			[]Contact{{"xiaomei", at(11, 9, 0)}, {"ahua", at(11, 15, 0)}}, Rules{WindowDays: 1, Loc: sh, UsePaymentTime: true}, RuleLastChat,
			[]Credit{{"ahua", 1, 100}}, nil},
	}
	for _, tc := range tests {
		got := Attribute(tc.order, tc.chats, agents, tc.rules)
		if got.Rule != tc.rule || !reflect.DeepEqual(got.Credits, tc.credits) || !reflect.DeepEqual(got.Assists, tc.assists) {
			t.Errorf("%s: rule %s credits %+v assists %+v", tc.name, got.Rule, got.Credits, got.Assists)
		}
		if len(got.Steps) < 2 {
			t.Errorf("%s: explanation too short: %+v", tc.name, got.Steps)
		}
	}
}

func TestRemarkName(t *testing.T) {
	for in, want := range map[string]string{"小美：要M码": "小美", "云裳:小美: x": "云裳", " 阿华:": "阿华", "要M码": "", "：x": ""} {
		if got := RemarkName(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

func BenchmarkAttribute(b *testing.B) {
	var chats []Contact
	for i := 0; i < 40; i++ {
		chats = append(chats, Contact{Agent: []string{"a", "b", "c"}[i%3], At: at(10, 8, 0).Add(time.Duration(i) * 17 * time.Minute)})
	}
	o := Order{CreatedAt: at(11, 1, 0), PaidAt: paid(at(11, 2, 0)), PaidFen: 12900}
	r := Rules{WindowDays: 1, Loc: sh}
	b.ReportAllocs()
	for b.Loop() {
		Attribute(o, chats, agents, r)
	}
}
