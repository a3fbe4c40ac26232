package main

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// rawHidden returns the first hidden character in s, other than the newline
// that ends a line, or a byte that is not UTF-8; ok is false if there is none.
func rawHidden(s string) (r rune, at int, ok bool) {
	for i, r := range s {
		if r != '\n' && (hidden(r) || (r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd"))) {
			return r, i, true
		}
	}
	return 0, 0, false
}

// FuzzEscapeJSONHidden marshals any string as the JSON printer does and wants
// JSON with no hidden character in it that decodes to the same string.
func FuzzEscapeJSONHidden(f *testing.F) {
	for _, s := range []string{"", "Ada", "\x1b[2J", "\x7f", "\u0085\u009b", "\u202e", "\u200d", "\ufeff", "\U000E0041", "\U0001F642", "\u2028", `\u202e`, "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("encoding/json writes bytes that are not UTF-8 as U+FFFD; the API's strings are UTF-8")
		}
		type user struct {
			Name string `json:"name"`
		}
		b, err := json.MarshalIndent([]user{{s}}, "  ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		b = escapeJSONHidden(b)
		if r, at, ok := rawHidden(string(b)); ok {
			t.Fatalf("JSON %q holds %U at byte %d", b, r, at)
		}
		var got []user
		if err := json.Unmarshal(b, &got); err != nil || len(got) != 1 || got[0].Name != s {
			t.Errorf("json.Unmarshal(%q) = %q, %v; want %q", b, got, err, s)
		}
	})
}
