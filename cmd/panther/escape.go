package main

// Text from the server is untrusted: a name can hold a terminal escape
// sequence, a bidi override that makes it display as another name, or
// characters that cannot be seen at all. Every output format writes these
// "hidden" characters as visible escapes; how is decided here (table and
// JSON) and in csvcell.go (CSV).

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// hiddenHelp says in the help what hidden means.
const hiddenHelp = `Hidden characters are control characters (C0, DEL, C1), bidi controls such as
U+202E, zero-width and other invisible format characters, and line and
paragraph separators (Unicode Cc, Cf, Zl, Zp): written raw, they can rewrite
a terminal or make a name display as another.`

// hidden reports whether r must never reach a reader raw: Cc is C0, DEL and
// C1; Cf holds the bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E,
// U+2066-U+2069) and the zero-width characters (U+200B-U+200D, U+2060,
// U+FEFF) along with the other invisible format characters (soft hyphen,
// tag characters); Zl and Zp are U+2028 and U+2029.
func hidden(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}

// escapeHidden returns s with every hidden character, and every byte that is
// not UTF-8, written as a Go escape: \xhh for a character below U+0080 or a
// stray byte, \uhhhh, or \Uhhhhhhhh above U+FFFF. With reversible, a
// backslash is written as \\ too, so that the escapes can be undone
// (unescape); without it, a backslash stays as it is, for reading.
func escapeHidden(s string, reversible bool) string {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if mustEscape(r, n, reversible) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case !mustEscape(r, n, reversible):
			b = append(b, s[i:i+n]...)
		case r == '\\':
			b = append(b, `\\`...)
		case n == 1: // below U+0080, or a byte that is not UTF-8
			b = appendHex(append(b, `\x`...), uint32(s[i]), 2)
		case r <= 0xFFFF:
			b = appendHex(append(b, `\u`...), uint32(r), 4)
		default:
			b = appendHex(append(b, `\U`...), uint32(r), 8)
		}
		i += n
	}
	return string(b)
}

// mustEscape reports whether escapeHidden escapes the rune r of n bytes.
func mustEscape(r rune, n int, reversible bool) bool {
	return hidden(r) || (r == utf8.RuneError && n == 1) || (reversible && r == '\\')
}

// escapeJSONHidden rewrites every hidden character in the JSON text b as a
// \u escape (two, a surrogate pair, above U+FFFF), so that the JSON decodes
// to the same strings. encoding/json escapes C0 controls and U+2028/U+2029
// itself but writes DEL, C1 and the format characters raw. Outside strings
// JSON is ASCII, so every character from DEL up is inside a string, where a
// \u escape means the same character; the spaces and newlines of
// indentation, below DEL, are left alone.
func escapeJSONHidden(b []byte) []byte {
	var out []byte // nil until the first hidden character
	done := 0      // b[:done] is in out already
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if (r < utf8.RuneSelf && r != 0x7f) || !hidden(r) {
			i += n
			continue
		}
		out = append(out, b[done:i]...)
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			out = appendHex(append(out, `\u`...), uint32(r1), 4)
			r = r2
		}
		out = appendHex(append(out, `\u`...), uint32(r), 4)
		i += n
		done = i
	}
	if out == nil {
		return b
	}
	return append(out, b[done:]...)
}

const hexDigits = "0123456789abcdef"

// appendHex appends v as digits lowercase hex digits.
func appendHex(b []byte, v uint32, digits int) []byte {
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		b = append(b, hexDigits[v>>shift&0xf])
	}
	return b
}
