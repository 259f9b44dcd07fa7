// Package scoring holds scorecards and the score formula QC inspectors and
// agents see on every review:
//
//   - A category is rated on its scale: pass/fail (0 or 1) or 1-5.
//   - Category score = (rating - scale min) / (scale max - scale min), 0..1.
//   - Review score = the weighted mean of the rated categories' scores, in
//     percent. Categories marked N/A are left out of both sums, so a perfect
//     review still reaches 100%.
//   - A critical category rated at its scale's minimum (fail, or 1 of 5)
//     makes the whole review 0%.
//   - A review with nothing rated has no score.
//
// The quality score of an agent or a team over a period is the mean of its
// review scores; it passes when it reaches the shop's pass mark (a setting).
package scoring

import (
	"errors"
	"fmt"
	"math"
)

// Scale is how a category is rated.
type Scale string

// The scales.
const (
	PassFail  Scale = "pass_fail"
	OneToFive Scale = "1-5"
)

// Bounds returns the scale's lowest and highest rating.
func (s Scale) Bounds() (lo, hi int) {
	if s == OneToFive {
		return 1, 5
	}
	return 0, 1
}

// Category is one thing an inspector rates.
type Category struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	NameEN    string  `json:"name_en,omitempty"`
	Guide     string  `json:"guide,omitempty"`
	Weight    float64 `json:"weight"`
	Scale     Scale   `json:"scale"`
	NAAllowed bool    `json:"na_allowed"`
	Critical  bool    `json:"critical"`
	Flag      string  `json:"flag,omitempty"` // an automatic check that pre-fills this category
}

// Section groups categories on the card.
type Section struct {
	Name       string     `json:"name"`
	NameEN     string     `json:"name_en,omitempty"`
	Categories []Category `json:"categories"`
}

// Card is one version of a scorecard.
type Card struct {
	Sections []Section `json:"sections"`
}

// Categories lists every category in card order.
func (c Card) Categories() []Category {
	var out []Category
	for _, s := range c.Sections {
		out = append(out, s.Categories...)
	}
	return out
}

// Category finds one by id.
func (c Card) Category(id string) (Category, bool) {
	for _, cat := range c.Categories() {
		if cat.ID == id {
			return cat, true
		}
	}
	return Category{}, false
}

// Validate checks a card can be scored: ids unique, weights positive, known scales.
func (c Card) Validate() error {
	seen := map[string]bool{}
	n := 0
	for _, cat := range c.Categories() {
		switch {
		case cat.ID == "" || seen[cat.ID]:
			return fmt.Errorf("scoring: category id %q missing or repeated", cat.ID)
		case cat.Name == "":
			return fmt.Errorf("scoring: category %s has no name", cat.ID)
		case !(cat.Weight > 0) || math.IsInf(cat.Weight, 0):
			return fmt.Errorf("scoring: category %s needs a weight above 0", cat.ID)
		case cat.Scale != PassFail && cat.Scale != OneToFive:
			return fmt.Errorf("scoring: category %s has an unknown scale %q", cat.ID, cat.Scale)
		}
		seen[cat.ID] = true
		n++
	}
	if n == 0 {
		return errors.New("scoring: a scorecard needs at least one category")
	}
	return nil
}

// Rating is one category's rating; NA means not applicable to this chat.
type Rating struct {
	Value int  `json:"value"`
	NA    bool `json:"na,omitempty"`
}

// Result is a review's score and why.
type Result struct {
	Percent        float64 // 0..100
	Scored         bool    // false when nothing was rated
	CriticalFailed []string
	Missing        []string // categories neither rated nor N/A
}

// Score applies the formula to ratings (by category id). Ratings outside a
// category's scale, or N/A where it is not allowed, are errors.
func Score(c Card, ratings map[string]Rating) (Result, error) {
	var res Result
	var sum, weights float64
	for _, cat := range c.Categories() {
		r, ok := ratings[cat.ID]
		if !ok {
			res.Missing = append(res.Missing, cat.ID)
			continue
		}
		if r.NA {
			if !cat.NAAllowed {
				return res, fmt.Errorf("scoring: %s cannot be N/A", cat.ID)
			}
			continue
		}
		lo, hi := cat.Scale.Bounds()
		if r.Value < lo || r.Value > hi {
			return res, fmt.Errorf("scoring: %s rated %d, outside %d-%d", cat.ID, r.Value, lo, hi)
		}
		if cat.Critical && r.Value == lo {
			res.CriticalFailed = append(res.CriticalFailed, cat.ID)
		}
		sum += cat.Weight * float64(r.Value-lo) / float64(hi-lo)
		weights += cat.Weight
	}
	if weights == 0 {
		return res, nil
	}
	res.Scored = true
	res.Percent = math.Round(10000*sum/weights) / 100
	if len(res.CriticalFailed) > 0 {
		res.Percent = 0
	}
	return res, nil
}
