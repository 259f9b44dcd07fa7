package i18n

import "fmt"

// messages is the whole catalog. Each work area keeps its strings in its own
// file (messages_<area>.go), so areas built side by side never edit the
// same map; a key defined twice is a programming error caught at start-up.
var messages = merge(coreMessages, orderMessages, badReviewMessages, shiftMessages, vipMessages)

func merge(parts ...map[string]msg) map[string]msg {
	out := make(map[string]msg)
	for _, p := range parts {
		for k, m := range p {
			if _, dup := out[k]; dup {
				panic(fmt.Sprintf("i18n: key %q is defined twice", k))
			}
			out[k] = m
		}
	}
	return out
}
