package chatqa

// Automatic rule flags (auto-QA): DetectFlags looks at one transcript and
// reports agent messages that break the shop's service rules, so QC
// inspectors see likely problems without reading every chat.
//
// Rules of the checks:
//
//   - Only agent messages raise flags; buyer, system and unknown senders
//     never do. A kind not enabled in FlagRules.Enabled is not checked.
//   - Word matching is a case-insensitive substring match on the message
//     text. Empty words in a list are ignored (they would match anything).
//     A nil word list means the default list; a non-nil empty list means
//     "no words".
//   - no_greeting: the first message of each agent (by nick) must contain a
//     greeting.
//   - no_closing: the last agent message of the chat must contain closing
//     words.
//   - slow_no_apology: a slow reply (Figures.Replies[i].Slow) must contain an
//     apology, or one of the next 2 messages of the same agent must.
//   - wait_no_follow_up: a message asking the buyer to wait must be followed
//     by an agent message (any agent) at most FollowUp later. A wait phrase
//     in the last agent message is always flagged.
//   - banned_word: one flag per message; Detail is the first banned word of
//     the list found in it.
//   - discount_over_limit: see maxDiscountPromise.
//   - A non-positive FollowUp or DiscountLimit means the default.

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FlagKind names one automatic rule check.
type FlagKind string

const (
	FlagNoGreeting     FlagKind = "no_greeting"         // an agent's first message in the chat has no greeting
	FlagNoClosing      FlagKind = "no_closing"          // the chat's last agent message has no closing words
	FlagSlowNoApology  FlagKind = "slow_no_apology"     // a slow reply, and no apology in it or that agent's next 2 messages
	FlagWaitNoFollowUp FlagKind = "wait_no_follow_up"   // "稍等 / please wait" with no agent message within FollowUp after it
	FlagBannedWord     FlagKind = "banned_word"         // an agent message with a banned word (Detail = the word)
	FlagDiscountOver   FlagKind = "discount_over_limit" // an agent promises a discount over the limit (Detail = amount in yuan, e.g. "50")
)

// FlagKinds lists all kinds in the order above.
var FlagKinds = []FlagKind{
	FlagNoGreeting,
	FlagNoClosing,
	FlagSlowNoApology,
	FlagWaitNoFollowUp,
	FlagBannedWord,
	FlagDiscountOver,
}

// FlagRules are the shop settings of the automatic checks.
type FlagRules struct {
	Enabled       map[FlagKind]bool // a kind not true here is not checked
	Greetings     []string
	Closings      []string
	Apologies     []string
	WaitPhrases   []string
	BannedWords   []string
	FollowUp      time.Duration // default 15 minutes
	DiscountLimit int           // yuan, default 20
}

// Flag is one rule break found in a transcript.
type Flag struct {
	Kind      FlagKind
	Index     int    // index of the message that raised it
	AgentNick string // the agent it belongs to (the writer of that message)
	Detail    string // the banned word, the amount, or ""
}

const (
	defaultFollowUp      = 15 * time.Minute
	defaultDiscountLimit = 20
)

// Default word lists. They are never handed out directly (DefaultFlagRules
// returns copies), so callers cannot change them.
var (
	defaultGreetings   = []string{"您好", "你好", "亲", "在的", "欢迎", "hello", "hi"}
	defaultClosings    = []string{"祝您", "欢迎下次", "感谢您的支持", "感谢支持", "再见", "还有其他问题", "愉快", "随时找我", "谢谢"}
	defaultApologies   = []string{"抱歉", "不好意思", "久等", "对不起", "sorry"}
	defaultWaitPhrases = []string{"稍等", "请等一下", "等一下", "please wait"}
	defaultBannedWords = []string{"不知道", "自己看", "规定就是这样", "没办法", "不能换", "你自己"}
)

// DefaultFlagRules returns the default settings: all kinds enabled, the
// default word lists, a 15 minute follow-up and a 20 yuan discount limit.
// The maps and slices are fresh copies the caller may change.
func DefaultFlagRules() FlagRules {
	en := make(map[FlagKind]bool, len(FlagKinds))
	for _, k := range FlagKinds {
		en[k] = true
	}
	return FlagRules{
		Enabled:       en,
		Greetings:     slices.Clone(defaultGreetings),
		Closings:      slices.Clone(defaultClosings),
		Apologies:     slices.Clone(defaultApologies),
		WaitPhrases:   slices.Clone(defaultWaitPhrases),
		BannedWords:   slices.Clone(defaultBannedWords),
		FollowUp:      defaultFollowUp,
		DiscountLimit: defaultDiscountLimit,
	}
}

// DetectFlags returns the flags in message order (ties in FlagKinds order).
// f must be the figures of msgs (Compute(msgs, ...)); only its Replies are
// used, for slow_no_apology, and replies whose Index is not an agent message
// of msgs are ignored. No flags gives nil. DetectFlags does not modify its
// arguments.
func DetectFlags(msgs []Message, f Figures, r FlagRules) []Flag {
	if len(msgs) == 0 {
		return nil
	}
	onGreeting := r.Enabled[FlagNoGreeting]
	onClosing := r.Enabled[FlagNoClosing]
	onSlow := r.Enabled[FlagSlowNoApology]
	onWait := r.Enabled[FlagWaitNoFollowUp]
	onBanned := r.Enabled[FlagBannedWord]
	onDiscount := r.Enabled[FlagDiscountOver]
	if !(onGreeting || onClosing || onSlow || onWait || onBanned || onDiscount) {
		return nil
	}
	greetings := prepareWords(r.Greetings, defaultGreetings)
	closings := prepareWords(r.Closings, defaultClosings)
	apologies := prepareWords(r.Apologies, defaultApologies)
	waits := prepareWords(r.WaitPhrases, defaultWaitPhrases)
	banned := prepareWords(r.BannedWords, defaultBannedWords)
	followUp := r.FollowUp
	if followUp <= 0 {
		followUp = defaultFollowUp
	}
	limit := r.DiscountLimit
	if limit <= 0 {
		limit = defaultDiscountLimit
	}

	lastAgent := -1
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Sender == Agent {
			lastAgent = i
			break
		}
	}
	if lastAgent < 0 {
		return nil
	}

	// Replies from Compute are in message order; walk them with a cursor.
	replies := f.Replies
	if onSlow && !slices.IsSortedFunc(replies, func(a, b Reply) int { return a.Index - b.Index }) {
		replies = slices.Clone(replies)
		slices.SortStableFunc(replies, func(a, b Reply) int { return a.Index - b.Index })
	}
	rp := 0

	var seenBuf [8]string
	seen := seenBuf[:0] // agent nicks whose first message was checked
	var sc discountScratch
	var out []Flag
	for i := range msgs {
		m := &msgs[i]
		if m.Sender != Agent {
			continue
		}
		text := foldCase(m.Text)
		add := func(k FlagKind, detail string) {
			out = append(out, Flag{Kind: k, Index: i, AgentNick: m.AgentNick, Detail: detail})
		}

		if onGreeting && !slices.Contains(seen, m.AgentNick) {
			seen = append(seen, m.AgentNick)
			if !greetings.in(text) {
				add(FlagNoGreeting, "")
			}
		}
		if onClosing && i == lastAgent {
			if !closings.in(text) {
				add(FlagNoClosing, "")
			}
		}
		if onSlow {
			slow := false
			for ; rp < len(replies) && replies[rp].Index <= i; rp++ {
				if replies[rp].Index == i && replies[rp].Slow {
					slow = true
				}
			}
			if slow && !apologized(msgs, i, text, apologies) {
				add(FlagSlowNoApology, "")
			}
		}
		if onWait {
			if waits.in(text) && !followedUp(msgs, i, followUp) {
				add(FlagWaitNoFollowUp, "")
			}
		}
		if onBanned {
			if k := banned.first(text); k >= 0 {
				add(FlagBannedWord, banned.words[k])
			}
		}
		if onDiscount {
			if amt, ok := sc.maxDiscountPromise(m.Text); ok && amt > float64(limit) {
				add(FlagDiscountOver, strconv.FormatFloat(amt, 'f', -1, 64))
			}
		}
	}
	return out
}

// wordList is a word list prepared for case-insensitive matching.
type wordList struct {
	words  []string // as configured (reported as Detail)
	folded []string // case-folded; "" for empty words, which never match
}

// prepareWords returns words (def when words is nil) ready for matching. It
// allocates only when a word has upper-case letters.
func prepareWords(words, def []string) wordList {
	if words == nil {
		words = def
	}
	l := wordList{words: words, folded: words}
	copied := false
	for i, w := range words {
		if f := foldCase(w); f != w {
			if !copied {
				l.folded, copied = slices.Clone(words), true
			}
			l.folded[i] = f
		}
	}
	return l
}

// first returns the index of the first word (in list order) that occurs in
// foldedText, or -1.
func (l wordList) first(foldedText string) int {
	for i, w := range l.folded {
		if w != "" && strings.Contains(foldedText, w) {
			return i
		}
	}
	return -1
}

func (l wordList) in(foldedText string) bool { return l.first(foldedText) >= 0 }

// foldCase returns s in lower case. Chat text is mostly Chinese, which has no
// case, so s is returned as is (without allocating) unless it has a rune that
// changes.
func foldCase(s string) string {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				return strings.ToLower(s)
			}
		case r >= 0x3000 && r <= 0x9FFF: // CJK punctuation, kana, ideographs: no case
		default:
			if unicode.ToLower(r) != r {
				return strings.ToLower(s)
			}
		}
	}
	return s
}

// apologized reports whether agent message i (foldedText is its folded
// text) or one of the next 2 messages by the same agent contains an apology.
func apologized(msgs []Message, i int, foldedText string, apologies wordList) bool {
	if apologies.in(foldedText) {
		return true
	}
	nick := msgs[i].AgentNick
	seen := 0
	for j := i + 1; j < len(msgs) && seen < 2; j++ {
		if msgs[j].Sender != Agent || msgs[j].AgentNick != nick {
			continue
		}
		seen++
		if apologies.in(foldCase(msgs[j].Text)) {
			return true
		}
	}
	return false
}

// followedUp reports whether a later agent message (any agent) was sent at
// most d after message i. A later message stamped earlier (clock skew)
// counts as a follow-up.
func followedUp(msgs []Message, i int, d time.Duration) bool {
	t := msgs[i].SentAt
	for j := i + 1; j < len(msgs); j++ {
		if msgs[j].Sender == Agent && msgs[j].SentAt.Sub(t) <= d {
			return true
		}
	}
	return false
}

// ---- discount promises ----

// Discount words. An amount counts as promised only near one of them.
var discountWords = [][]rune{
	[]rune("优惠"), []rune("便宜"), []rune("减"), []rune("少"), []rune("改价"),
	[]rune("折扣"), []rune("返现"), []rune("补偿"), []rune("红包"), []rune("让利"),
}

var discountWordStrings = func() []string {
	s := make([]string, len(discountWords))
	for i, w := range discountWords {
		s[i] = string(w)
	}
	return s
}()

const (
	discountCandidateWindow = 6 // a number this close after a discount word is an amount even without 元/块
	discountPairWindow      = 8 // a discount word this close before or after an amount makes it a promise
)

type discountSpan struct{ start, end int } // rune positions, end exclusive

type discountNumber struct {
	start, end int
	val        float64
	money      bool // followed by 元/块/rmb or preceded by ¥
	notMoney   bool // a threshold (满300), an ordinal, or followed by a non-money unit (3件, 8折, 30天)
	paired     bool // claimed by a discount word
}

// discountScratch holds buffers reused across the messages of one chat.
type discountScratch struct {
	rs    []rune
	words []discountSpan
	nums  []discountNumber
}

// maxDiscountPromise returns the largest money discount (in yuan) that text
// promises, if any.
//
// Numbers are digit runs (ASCII or full-width, with an optional decimal part
// and 1,000 separators) or Chinese numerals (一…九, 两, 十, 百, 千, 零: 五十,
// 二十五, 一百五十), optionally followed by 万/千/百 as a multiplier. A
// number is a candidate amount when it is followed by optional spaces and
// 元/块 (or rmb), preceded by ¥, or preceded by a discount word within 6
// runes. It is promised as a discount when a discount word is paired with it:
// each discount word pairs with the nearest number after it within 8 runes,
// or if there is none, the nearest number before it within 8 runes. So in
// "这件199元，给您便宜10元" only 10 is promised, and in "满300减30" only 30.
//
// To avoid flagging prices and other numbers:
//   - pairing and the 6-rune window never cross a sentence or clause
//     separator (，。！？；~ and their ASCII forms, line breaks);
//   - a number after 满 (a spending threshold) or 第, next to a Latin letter
//     (iPhone15, 15cm), or followed by a non-money unit (件, 个, 天, 折, %,
//     点, …) is not an amount;
//   - a discount word directly followed by 后 or 到, or by 价 (except 减价),
//     introduces the resulting price ("优惠价159元", "便宜到99元") and is
//     ignored; 少 in 多少/至少/最少/不少/减少 is ignored.
func (sc *discountScratch) maxDiscountPromise(text string) (float64, bool) {
	// Fast path: most messages contain no discount word at all.
	hasWord := false
	for _, w := range discountWordStrings {
		if strings.Contains(text, w) {
			hasWord = true
			break
		}
	}
	if !hasWord {
		return 0, false
	}
	if cap(sc.rs) < len(text) { // len in bytes >= len in runes
		sc.rs = make([]rune, 0, len(text))
		if sc.words == nil {
			sc.words = make([]discountSpan, 0, 8)
			sc.nums = make([]discountNumber, 0, 8)
		}
	}
	rs := sc.rs[:0]
	for _, r := range text {
		rs = append(rs, r)
	}
	sc.rs = rs
	sc.words = findDiscountWords(rs, sc.words[:0])
	if len(sc.words) == 0 {
		return 0, false
	}
	sc.nums = findNumbers(rs, sc.nums[:0])
	if len(sc.nums) == 0 {
		return 0, false
	}
	words, nums := sc.words, sc.nums

	for _, w := range words {
		paired := false
		for k := range nums { // nearest number after the word
			n := &nums[k]
			if n.start >= w.end {
				if n.start-w.end <= discountPairWindow && !hasSeparator(rs[w.end:n.start]) {
					n.paired, paired = true, true
				}
				break
			}
		}
		if paired {
			continue
		}
		for k := len(nums) - 1; k >= 0; k-- { // else nearest number before it
			n := &nums[k]
			if n.end <= w.start {
				if w.start-n.end <= discountPairWindow && !hasSeparator(rs[n.end:w.start]) {
					n.paired = true
				}
				break
			}
		}
	}

	best, found := 0.0, false
	for _, n := range nums {
		if !n.paired || n.notMoney || n.val <= 0 {
			continue
		}
		if !n.money && !discountWordJustBefore(rs, words, n.start) {
			continue
		}
		if !found || n.val > best {
			best, found = n.val, true
		}
	}
	return best, found
}

// discountWordJustBefore reports whether a discount word ends at most
// discountCandidateWindow runes before pos, in the same clause.
func discountWordJustBefore(rs []rune, words []discountSpan, pos int) bool {
	for _, w := range words {
		if w.end <= pos && pos-w.end <= discountCandidateWindow && !hasSeparator(rs[w.end:pos]) {
			return true
		}
	}
	return false
}

func findDiscountWords(rs []rune, out []discountSpan) []discountSpan {
	for i := range rs {
		for _, w := range discountWords {
			if !hasRunesAt(rs, i, w) {
				continue
			}
			end := i + len(w)
			if discountWordIgnored(rs, i, end, w) {
				continue
			}
			out = append(out, discountSpan{i, end})
		}
	}
	return out
}

func hasRunesAt(rs []rune, i int, w []rune) bool {
	if i+len(w) > len(rs) {
		return false
	}
	for k, r := range w {
		if rs[i+k] != r {
			return false
		}
	}
	return true
}

// discountWordIgnored reports whether the discount word w at rs[start:end]
// does not promise an amount off: "优惠价/优惠后/便宜到" name a resulting
// price, and "多少/至少/…" are not about discounts.
func discountWordIgnored(rs []rune, start, end int, w []rune) bool {
	if end < len(rs) {
		switch rs[end] {
		case '后', '到':
			return true
		case '价':
			if !(len(w) == 1 && w[0] == '减') {
				return true
			}
		}
	}
	if len(w) == 1 && w[0] == '少' && start > 0 {
		switch rs[start-1] {
		case '多', '至', '最', '不', '减':
			return true
		}
	}
	return false
}

func hasSeparator(rs []rune) bool {
	for _, r := range rs {
		switch r {
		case '，', ',', '。', '！', '!', '？', '?', '；', ';', '~', '～', '\n', '\r':
			return true
		}
	}
	return false
}

func asciiDigit(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '０' && r <= '９':
		return int(r - '０'), true
	}
	return 0, false
}

func isLatinLetter(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

func isCNNumeral(r rune) bool {
	return strings.ContainsRune("零一二三四五六七八九十两百千", r)
}

// nonMoneyUnits follow numbers that are not yuan amounts.
const nonMoneyUnits = "件个次号月年日周折%％斤克米码岁期单台瓶盒支条双套份位张人点秒分小公寸毫厘级楼层度倍毛角"

func findNumbers(rs []rune, out []discountNumber) []discountNumber {
	for i := 0; i < len(rs); {
		var n discountNumber
		if _, ok := asciiDigit(rs[i]); ok {
			end, val := scanDigits(rs, i)
			n = discountNumber{start: i, end: end, val: val}
		} else if isCNNumeral(rs[i]) {
			end := i
			for end < len(rs) && isCNNumeral(rs[end]) {
				end++
			}
			v, ok := parseCNNumeral(rs[i:end])
			if !ok {
				i = end
				continue
			}
			n = discountNumber{start: i, end: end, val: float64(v)}
		} else {
			i++
			continue
		}
		if n.end < len(rs) {
			switch rs[n.end] {
			case '万':
				n.val *= 10000
				n.end++
			case '千':
				n.val *= 1000
				n.end++
			case '百':
				n.val *= 100
				n.end++
			}
		}
		classifyNumber(rs, &n)
		out = append(out, n)
		i = n.end
	}
	return out
}

// scanDigits reads a digit number starting at rs[i]: digits, optional
// thousands separators ("1,000") and an optional decimal part.
func scanDigits(rs []rune, i int) (end int, val float64) {
	var buf [40]byte
	b := buf[:0]
	j := i
	for j < len(rs) {
		if d, ok := asciiDigit(rs[j]); ok {
			b = append(b, byte('0'+d))
			j++
			continue
		}
		// "1,000": a comma followed by exactly three digits.
		if rs[j] == ',' && threeDigitsAt(rs, j+1) {
			j++
			continue
		}
		break
	}
	if j+1 < len(rs) && (rs[j] == '.' || rs[j] == '．') {
		if _, ok := asciiDigit(rs[j+1]); ok {
			b = append(b, '.')
			j++
			for j < len(rs) {
				d, ok := asciiDigit(rs[j])
				if !ok {
					break
				}
				b = append(b, byte('0'+d))
				j++
			}
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil { // only on absurdly long digit runs
		v = 0
	}
	return j, v
}

// threeDigitsAt reports whether rs[i:i+3] are digits not followed by a fourth.
func threeDigitsAt(rs []rune, i int) bool {
	if i+3 > len(rs) {
		return false
	}
	for k := i; k < i+3; k++ {
		if _, ok := asciiDigit(rs[k]); !ok {
			return false
		}
	}
	if i+3 < len(rs) {
		if _, ok := asciiDigit(rs[i+3]); ok {
			return false
		}
	}
	return true
}

// classifyNumber sets n.money and n.notMoney from the runes around it.
func classifyNumber(rs []rune, n *discountNumber) {
	after := n.end
	for after < len(rs) && (rs[after] == ' ' || rs[after] == '\u3000') {
		after++
	}
	if after < len(rs) {
		switch r := rs[after]; {
		case r == '元' || r == '块':
			n.money = true
		case hasFoldedASCIIAt(rs, after, "rmb") || hasFoldedASCIIAt(rs, after, "yuan"):
			n.money = true
		case isLatinLetter(r) || strings.ContainsRune(nonMoneyUnits, r):
			n.notMoney = true
		}
	}
	before := n.start - 1
	for before >= 0 && (rs[before] == ' ' || rs[before] == '\u3000') {
		before--
	}
	if before >= 0 {
		switch r := rs[before]; {
		case r == '¥' || r == '￥':
			n.money = true
		case r == '满' || r == '第' || isLatinLetter(r):
			n.notMoney = true
		}
	}
}

func hasFoldedASCIIAt(rs []rune, i int, word string) bool {
	if i+len(word) > len(rs) {
		return false
	}
	for k := 0; k < len(word); k++ {
		r := rs[i+k]
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		if r != rune(word[k]) {
			return false
		}
	}
	return true
}

// parseCNNumeral converts a simple Chinese numeral (一…九, 两, 十, 百, 千,
// 零) to its value: 十 = 10, 十五 = 15, 五十 = 50, 九十九 = 99, 一百零五 =
// 105, 一百五 = 150. Runs that are not a number ("一两", "三四十", "千")
// report false.
func parseCNNumeral(rs []rune) (int, bool) {
	const noUnit = 10000
	total, digit, lastUnit, zero := 0, -1, noUnit, false
	for _, r := range rs {
		u := 0
		switch r {
		case '十':
			u = 10
		case '百':
			u = 100
		case '千':
			u = 1000
		}
		if u > 0 {
			if u >= lastUnit {
				return 0, false
			}
			d := digit
			if d < 0 {
				if u != 10 || total != 0 {
					return 0, false // "千", "一百十"
				}
				d = 1 // "十五"
			}
			if d == 0 {
				return 0, false
			}
			total += d * u
			digit, lastUnit, zero = -1, u, false
			continue
		}
		if r == '零' {
			if digit >= 0 || lastUnit == noUnit {
				return 0, false
			}
			zero = true
			continue
		}
		if digit >= 0 {
			return 0, false // two digits in a row: "一两", "三四"
		}
		digit = cnDigit(r)
	}
	if digit >= 0 {
		if lastUnit != noUnit && lastUnit > 10 && !zero {
			total += digit * lastUnit / 10 // colloquial "一百五" = 150
		} else {
			total += digit
		}
	}
	if total <= 0 {
		return 0, false
	}
	return total, true
}

func cnDigit(r rune) int {
	switch r {
	case '一':
		return 1
	case '二', '两':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return -1
}
