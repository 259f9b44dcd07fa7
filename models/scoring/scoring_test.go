package scoring

import (
	"reflect"
	"testing"
)

var card = Card{Sections: []Section{
	{Name: "响应", Categories: []Category{
		{ID: "first_reply", Name: "首次响应", Weight: 2, Scale: PassFail},
		{ID: "polite", Name: "礼貌", Weight: 1, Scale: OneToFive},
	}},
	{Name: "规范", Categories: []Category{
		{ID: "discount", Name: "优惠", Weight: 1, Scale: PassFail, Critical: true},
		{ID: "handover", Name: "交接", Weight: 1, Scale: PassFail, NAAllowed: true},
	}},
}}

func TestScore(t *testing.T) {
	tests := []struct {
		name    string
		ratings map[string]Rating
		want    Result
		wantErr bool
	}{
		{"perfect with N/A still 100", map[string]Rating{"first_reply": {Value: 1}, "polite": {Value: 5}, "discount": {Value: 1}, "handover": {NA: true}},
			Result{Percent: 100, Scored: true}, false},
		{"weighted mean", map[string]Rating{"first_reply": {Value: 0}, "polite": {Value: 3}, "discount": {Value: 1}, "handover": {Value: 1}},
			// (2*0 + 1*0.5 + 1*1 + 1*1) / 5 = 0.5
			Result{Percent: 50, Scored: true}, false},
		{"critical fail zeroes", map[string]Rating{"first_reply": {Value: 1}, "polite": {Value: 5}, "discount": {Value: 0}, "handover": {Value: 1}},
			Result{Percent: 0, Scored: true, CriticalFailed: []string{"discount"}}, false},
		{"missing listed, rest scored", map[string]Rating{"polite": {Value: 4}},
			Result{Percent: 75, Scored: true, Missing: []string{"first_reply", "discount", "handover"}}, false},
		{"nothing rated", map[string]Rating{"handover": {NA: true}},
			Result{Missing: []string{"first_reply", "polite", "discount"}}, false},
		{"out of scale", map[string]Rating{"polite": {Value: 6}}, Result{}, true},
		{"N/A not allowed", map[string]Rating{"discount": {NA: true}}, Result{}, true},
		{"rounded to 0.01", map[string]Rating{"first_reply": {Value: 1}, "polite": {Value: 2}, "discount": {Value: 1}},
			// (2 + 0.25 + 1) / 4 = 81.25
			Result{Percent: 81.25, Scored: true, Missing: []string{"handover"}}, false},
	}
	for _, tc := range tests {
		got, err := Score(card, tc.ratings)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: err %v", tc.name, err)
			continue
		}
		if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := card.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []Card{
		{},
		{Sections: []Section{{Categories: []Category{{ID: "a", Name: "A", Weight: 0, Scale: PassFail}}}}},
		{Sections: []Section{{Categories: []Category{{ID: "a", Name: "A", Weight: 1, Scale: "1-10"}}}}},
		{Sections: []Section{{Categories: []Category{{ID: "a", Name: "A", Weight: 1, Scale: PassFail}, {ID: "a", Name: "B", Weight: 1, Scale: PassFail}}}}},
	}
	for i, c := range bad {
		if c.Validate() == nil {
			t.Errorf("bad card %d accepted", i)
		}
	}
	if err := Default().Validate(); err != nil {
		t.Errorf("default card: %v", err)
	}
}

func BenchmarkScore(b *testing.B) {
	d := Default()
	ratings := map[string]Rating{}
	for _, c := range d.Categories() {
		lo, hi := c.Scale.Bounds()
		ratings[c.ID] = Rating{Value: (lo + hi + 1) / 2}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Score(d, ratings); err != nil {
			b.Fatal(err)
		}
	}
}
