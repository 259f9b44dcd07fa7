package main

import (
	"testing"
	"time"
)

// A run either never pauses (the machine at saturation) or pauses like
// people do; a pause out of range is refused, and so is a remote server.
func TestFlagsThinkAndLoopback(t *testing.T) {
	cfg, err := parseFlags([]string{"-base", "http://127.0.0.1:8098"})
	if err != nil || cfg.think != 0 || cfg.conc != 32 {
		t.Fatalf("defaults: %+v, %v", cfg, err)
	}
	cfg, err = parseFlags([]string{"-base", "http://127.0.0.1:8098", "-think", "1500ms", "-c", "8"})
	if err != nil || cfg.think != 1500*time.Millisecond || cfg.conc != 8 {
		t.Fatalf("-think 1500ms: %+v, %v", cfg, err)
	}
	for _, args := range [][]string{
		{"-base", "http://127.0.0.1:8098", "-think", "-1s"},
		{"-base", "http://127.0.0.1:8098", "-think", "2m"},
		{"-base", "http://192.0.2.1:8098"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}
