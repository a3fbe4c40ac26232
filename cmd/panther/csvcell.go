package main

// How panther writes a CSV cell and how to read one back. What `users list
// -o csv` writes is meant to be edited and read back as desired state, so
// every value survives the trip exactly; meanwhile a spreadsheet that opens
// the file runs no formula and a terminal that shows it sees no escape
// sequence. A command that reads such a file parses it with encoding/csv and
// passes every cell to decodeCSVCell.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// csvCellHelp is the rule, for the help.
const csvCellHelp = `CSV cells are escaped so that a spreadsheet runs no formula and every value
reads back exactly. Writing: hidden characters become \xhh, \uhhhh or
\Uhhhhhhhh and a backslash becomes \\ (as in Go strings); then a cell that
starts with = + - @ (a formula to a spreadsheet), or with ' followed by one
of those or by another ', gets a ' in front, as OWASP advises. A cell holding
a comma, semicolon or double quote is put in double quotes. To read a cell
back: drop a first ' that is followed by = + - @ ' (or a tab or CR), then
replace each \\, \xhh, \uhhhh and \Uhhhhhhhh with what it stands for.`

// formulaStart holds the characters that make a spreadsheet read a cell
// starting with one of them as a formula (OWASP's list). Tab and CR never
// start an encoded cell, being escaped, but a file edited by hand may hold
// them.
const formulaStart = "=+-@\t\r"

// encodeCSVCell returns s as panther writes it into a CSV cell, following
// csvCellHelp; decodeCSVCell undoes it exactly, for any s.
func encodeCSVCell(s string) string {
	e := escapeHidden(s, true)
	if e != "" && (strings.IndexByte(formulaStart, e[0]) >= 0 || quotedByPanther(e)) {
		return "'" + e
	}
	return e
}

// quotedByPanther reports whether cell starts with a ' that encodeCSVCell
// put there. A ' followed by anything else (a name like 't Hooft) is data.
func quotedByPanther(cell string) bool {
	return len(cell) > 1 && cell[0] == '\'' && strings.IndexByte(formulaStart+"'", cell[1]) >= 0
}

// decodeCSVCell returns the value that encodeCSVCell wrote as cell: it drops
// the quote panther adds before a formula, then undoes the escapes. A
// backslash followed by anything but \, x, u or U and the right number of hex
// digits is an error, as is an escape for a surrogate or a number beyond
// U+10FFFF; so a hand-edited file that means a backslash must write \\.
func decodeCSVCell(cell string) (string, error) {
	if quotedByPanther(cell) {
		cell = cell[1:]
	}
	if !strings.Contains(cell, `\`) {
		return cell, nil
	}
	b := make([]byte, 0, len(cell))
	for {
		i := strings.IndexByte(cell, '\\')
		if i < 0 {
			return string(append(b, cell...)), nil
		}
		b = append(b, cell[:i]...)
		esc := cell[i:]
		if strings.HasPrefix(esc, `\\`) {
			b = append(b, '\\')
			cell = esc[2:]
			continue
		}
		n := 0 // hex digits after \x, \u or \U
		if len(esc) > 1 {
			switch esc[1] {
			case 'x':
				n = 2
			case 'u':
				n = 4
			case 'U':
				n = 8
			}
		}
		if n == 0 || len(esc) < 2+n {
			return "", fmt.Errorf("invalid escape %q: want \\\\, \\xhh, \\uhhhh or \\Uhhhhhhhh", esc[:min(len(esc), 2+n)])
		}
		v, err := strconv.ParseUint(esc[2:2+n], 16, 32)
		switch {
		case err != nil:
			return "", fmt.Errorf("invalid escape %q: want %d hex digits", esc[:2+n], n)
		case n == 2:
			b = append(b, byte(v)) // as in Go, \xhh is a byte
		case !utf8.ValidRune(rune(v)):
			return "", fmt.Errorf("invalid escape %q: not a character", esc[:2+n])
		default:
			b = utf8.AppendRune(b, rune(v))
		}
		cell = esc[2+n:]
	}
}

// appendCSVRecord appends the values as one CSV line, each cell encoded with
// encodeCSVCell. A cell is quoted when encoding/csv would quote it, and when
// it holds a semicolon: a spreadsheet whose locale separates fields with
// semicolons would otherwise split it there, and what follows could start
// with =.
func appendCSVRecord(b []byte, values []string) []byte {
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		c := encodeCSVCell(v)
		if !strings.HasPrefix(c, " ") && !strings.ContainsAny(c, ",;\"\r\n") {
			b = append(b, c...)
			continue
		}
		b = append(b, '"')
		b = append(b, strings.ReplaceAll(c, `"`, `""`)...)
		b = append(b, '"')
	}
	return append(b, '\n')
}
