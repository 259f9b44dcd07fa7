package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"kefudesk/models"
)

// benchImportCommand times the chat import against the floor PostgreSQL
// sets: `kefudesk bench-import --messages 1000000`. It writes a generated
// export, COPYs its rows raw (rolled back), then imports it for real, on a
// *_bench database whose chat tables it empties first.
func benchImportCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench-import", flag.ContinueOnError)
	n := fs.Int64("messages", 1_000_000, "messages in the generated file")
	order := fs.String("order", "chat", "the file's order: chat (each conversation's lines together) or time (conversations interleaved)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, settings, closeDB, err := openBench(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	loc := settings.Location()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("kefudesk-bench-%d.csv", *n))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	w := bufio.NewWriter(f)
	rows, err := models.WriteScaleChatFile(w, *n, time.Now(), loc, 42)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	switch *order {
	case "chat":
	case "time":
		if err := sortChatFileByTime(path); err != nil {
			return err
		}
	default:
		return fmt.Errorf("bench-import: --order is chat or time, got %q", *order)
	}
	st, _ := os.Stat(path)
	fmt.Printf("file: %d messages, %.1f MB, in %s order\n", rows, float64(st.Size())/1e6, *order)

	if err := store.EmptyChatsForBench(ctx); err != nil {
		return err
	}
	// The floor is a raw COPY into the same table (chat_messages,
	// its foreign key included); a copy of the table without the key is
	// the stricter floor, shown beside it.
	copied, raw, err := store.RawCopyChatFile(ctx, path, loc, false)
	if err != nil {
		return err
	}
	fmt.Printf("raw COPY into chat_messages: %d rows in %s, %.0f rows/s\n", copied, raw.Round(time.Millisecond), float64(copied)/raw.Seconds())
	copiedNoFK, rawNoFK, err := store.RawCopyChatFile(ctx, path, loc, true)
	if err != nil {
		return err
	}
	fmt.Printf("raw COPY into a copy without the foreign key: %d rows in %s, %.0f rows/s\n", copiedNoFK, rawNoFK.Round(time.Millisecond), float64(copiedNoFK)/rawNoFK.Seconds())

	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	res, err := store.ImportChats(ctx, models.SystemActor, in, filepath.Base(path), loc, nil)
	if err != nil {
		return err
	}
	imp := time.Since(t0)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	rate, rawRate, noFKRate := float64(res.Added)/imp.Seconds(), float64(copied)/raw.Seconds(), float64(copiedNoFK)/rawNoFK.Seconds()
	fmt.Printf("import:   %d messages in %s, %.0f messages/s (%.2f of the raw COPY rate, %.2f without the key); Go heap grew %.1f MB, process peak %.0f MB\n",
		res.Added, imp.Round(time.Millisecond), rate, rate/rawRate, rate/noFKRate,
		float64(int64(after.HeapInuse)-int64(before.HeapInuse))/1e6, peakRSSMB())
	for _, st := range res.Steps {
		fmt.Printf("  %-14s %8s  %4.1f%%\n", st.Name, st.Took.Round(time.Millisecond), 100*st.Took.Seconds()/imp.Seconds())
	}
	return nil
}

// sortChatFileByTime rewrites a generated export in time order, the way
// an export of a whole day sorted by time interleaves its conversations.
// It holds the file in memory; the peak is reset before the import.
func sortChatFileByTime(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	recs, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	f.Close()
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	// Column 4 is the time, written as 2006-01-02 15:04:05: text order is
	// time order.
	slices.SortStableFunc(recs[1:], func(a, b []string) int { return strings.Compare(a[4], b[4]) })
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(recs); err != nil {
		out.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// resetPeakRSS starts this process's resident-memory high-water mark
// afresh (Linux: clear_refs 5), so the import's peak is its own.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSSMB is this process's resident-memory high-water mark.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}
