package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"
)

// memWatch samples a process's resident memory while the load runs.
type memWatch struct {
	pid  int
	done chan struct{}
	peak chan float64
}

func watchMemory(pid int) *memWatch {
	w := &memWatch{pid: pid, done: make(chan struct{}), peak: make(chan float64, 1)}
	go func() {
		var peak float64
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := statusKB(pid, "VmRSS:"); kb > peak {
				peak = kb
			}
			select {
			case <-w.done:
				// VmHWM is the kernel's own high-water mark, which catches
				// a peak between two samples.
				if kb := statusKB(pid, "VmHWM:"); kb > peak {
					peak = kb
				}
				w.peak <- peak / 1024
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// stop ends the sampling and returns the peak in MB (0 without a pid).
func (w *memWatch) stop() float64 {
	close(w.done)
	return <-w.peak
}

// statusKB reads one "Name:  N kB" line of /proc/PID/status.
func statusKB(pid int, field string) float64 {
	if pid <= 0 {
		return 0
	}
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			v, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return v
		}
	}
	return 0
}
