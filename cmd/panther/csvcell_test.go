package main

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"
)

// A hand-edited file may hold what panther never writes: lenient where the
// meaning is plain, an error where it is not.
func TestDecodeCSVCellByHand(t *testing.T) {
	t.Parallel()
	for cell, want := range map[string]string{
		"'\t=1":    "\t=1", // the quote before a raw tab is panther's
		`\u00e9`:   "é",
		`\xc3\xa9`: "é", // \x is a byte, as in Go
		`\u001B`:   "\x1b",
		"'x":       "'x",
	} {
		if got, err := decodeCSVCell(cell); err != nil || got != want {
			t.Errorf("decodeCSVCell(%q) = %q, %v; want %q", cell, got, err, want)
		}
	}
	for _, cell := range []string{`C:\Users`, `a\`, `\x1`, `\xzz`, `\u12`, `\ud800`, `\U00110000`, `\Uffffffff`, `\n`, `'\q`} {
		if got, err := decodeCSVCell(cell); err == nil {
			t.Errorf("decodeCSVCell(%q) = %q, want an error", cell, got)
		}
	}
}

// FuzzCSVCellRoundTrip writes any value as panther's CSV, reads it back with
// encoding/csv and decodeCSVCell, and wants the value back exactly; what is
// written holds no hidden character and no formula.
func FuzzCSVCellRoundTrip(f *testing.F) {
	for _, s := range []string{
		"", "Ada", "=1+1", "+", "-", "@", "'", "''", "'=", "\t", "\r\n", `\`, `\\x41`, "a,b", `"q"`, " lead",
		"x;=1+1", "\x1b[2J", "\u009b", "\u202e", "\u200d", "\ufeff", "\U000E0041", "\xff\xfe", "\u2028",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line := appendCSVRecord(nil, []string{s, "end"})
		if i := strings.IndexFunc(string(line[:len(line)-1]), func(r rune) bool { return hidden(r) || r == utf8.RuneError }); i >= 0 {
			t.Fatalf("line %q holds a hidden character at byte %d", line, i)
		}
		rec, err := csv.NewReader(bytes.NewReader(line)).Read()
		if err != nil || len(rec) != 2 || rec[1] != "end" {
			t.Fatalf("encoding/csv reads %q as %q, %v; want 2 fields", line, rec, err)
		}
		if rec[0] != "" && strings.IndexByte(formulaStart, rec[0][0]) >= 0 {
			t.Errorf("cell %q starts as a formula", rec[0])
		}
		got, err := decodeCSVCell(rec[0])
		if err != nil || got != s {
			t.Errorf("decodeCSVCell(%q) = %q, %v; want %q", rec[0], got, err, s)
		}
	})
}
