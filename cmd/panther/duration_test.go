package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string // "" for none
	}{
		{"90d", 90 * 24 * time.Hour, ""},
		{"1d", 24 * time.Hour, ""},
		{"0d", 0, ""},
		{"2w", 14 * 24 * time.Hour, ""},
		{"36h", 36 * time.Hour, ""},
		{"90m", 90 * time.Minute, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"106751d", 106751 * 24 * time.Hour, ""},
		{"106752d", 0, "too long"},
		{"99999999999999999999w", 0, "too long"},
		{"", 0, durationForms},
		{"d", 0, durationForms},
		{"90", 0, durationForms},
		{"90D", 0, durationForms},
		{"1.5d", 0, durationForms},
		{"-3d", 0, durationForms},
		{"+3d", 0, durationForms},
		{"3 d", 0, durationForms},
		{"1w2d", 0, durationForms},
		{"ninety days", 0, durationForms},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("parseDuration(%q): %v", tt.in, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parseDuration(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
		case got != tt.want:
			t.Errorf("parseDuration(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if err == nil {
			if back, err := parseDuration(formatDuration(got)); err != nil || back != got {
				t.Errorf("parseDuration(formatDuration(%v)) = %v, %v; want it back", got, back, err)
			}
		}
	}
}

func TestWindowFlag(t *testing.T) {
	t.Parallel()
	var f windowFlag
	if f.String() != "" {
		t.Errorf("unset String() = %q, want \"\" (no default in the help)", f.String())
	}
	for _, bad := range []string{"0d", "0", "-36h"} {
		if err := f.Set(bad); err == nil || !strings.Contains(err.Error(), "more than zero") {
			t.Errorf("Set(%q) = %v, want an error saying more than zero", bad, err)
		}
	}
	if err := f.Set("2w"); err != nil || f.d != 14*24*time.Hour || f.String() != "14d" {
		t.Errorf(`Set("2w") = %v; holds %v, String %q; want 14 days, "14d"`, err, f.d, f.String())
	}
	if err := f.Set("36h"); err != nil || f.String() != "36h0m0s" {
		t.Errorf(`Set("36h") = %v; String %q, want "36h0m0s"`, err, f.String())
	}
}
