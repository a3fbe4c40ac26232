package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// outputFormat is one value of --output.
type outputFormat struct {
	name string
	desc string // one line, for the help
	// open returns a printer that writes to w; list selects a JSON array
	// (one value per user otherwise), noHeaders leaves out a header line.
	open func(w io.Writer, list, noHeaders bool) printer
	// noHeaders is --no-headers, set by checkOutput.
	noHeaders bool
}

// newPrinter returns a printer in format f that writes to w; list selects a
// JSON array (one value per user otherwise).
func (f outputFormat) newPrinter(w io.Writer, list bool) printer { return f.open(w, list, f.noHeaders) }

// outputFormats are the values of --output, the default first. The flag's
// help, its check, its completion and the printers all read this table: a
// format is added here, and nowhere else.
var outputFormats = []outputFormat{
	{name: "table", desc: `aligned columns to read; hidden characters shown as \x1b, \u202e`, open: newTablePrinter},
	{name: "json", desc: `the API's user objects; hidden characters as \u escapes, values exact`, open: newJSONPrinter},
	{name: "csv", desc: `a header, then a row per user; formulas and hidden characters escaped`, open: newCSVPrinter},
	{name: "ids", desc: `one id per line, as a CSV cell, for 'panther users delete --ids-from -'`, open: newIDsPrinter},
}

// formatNames lists the formats' names for a message: "table, json or csv".
func formatNames() string {
	names := make([]string, len(outputFormats))
	for i, f := range outputFormats {
		names[i] = f.name
	}
	last := len(names) - 1
	return strings.Join(names[:last], ", ") + " or " + names[last]
}

// parseFormat returns the format named name, or a usage error that lists them.
func parseFormat(name string) (outputFormat, error) {
	for _, f := range outputFormats {
		if f.name == name {
			return f, nil
		}
	}
	return outputFormat{}, usagef("--output %q: must be %s", name, formatNames())
}

// outputHelp describes the formats and their escaping, for the help of the
// commands that print users.
func outputHelp() string {
	var b strings.Builder
	b.WriteString("Output formats (-o, --output):\n")
	for _, f := range outputFormats {
		fmt.Fprintf(&b, "  %-6s %s\n", f.name, f.desc)
	}
	return b.String() + "\n" + emptyHelp + "\n\n" + hiddenHelp + "\n\n" + csvCellHelp
}

// emptyHelp says what each format makes of no users, for the help.
const emptyHelp = `--no-headers leaves out the header line of table and csv. When no user
matches, the table prints nothing on stdout and "no users matched" on
stderr; json still prints [], csv its header and ids nothing, so that a
script reads an empty answer as one.`

// columns are the fields shown by the table and CSV formats, in order; the
// CSV header uses the API's JSON field names.
var columns = []struct {
	header, title string
	value         func(*panther.User) string
}{
	{"id", "ID", func(u *panther.User) string { return deref(u.Id) }},
	{"email", "EMAIL", func(u *panther.User) string { return u.Email }},
	{"givenName", "GIVEN NAME", func(u *panther.User) string { return u.GivenName }},
	{"familyName", "FAMILY NAME", func(u *panther.User) string { return u.FamilyName }},
	{"role", "ROLE", func(u *panther.User) string { return firstNonEmpty(deref(u.Role.Name), deref(u.Role.Id)) }},
	{"status", "STATUS", func(u *panther.User) string { return deref(u.Status) }},
	{"enabled", "ENABLED", func(u *panther.User) string { return strconv.FormatBool(u.Enabled) }},
	{"createdAt", "CREATED", func(u *panther.User) string { return deref(u.CreatedAt) }},
	{"lastLoggedInAt", "LAST LOGIN", func(u *panther.User) string { return deref(u.LastLoggedInAt) }},
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// printer writes users in one output format. A list is written user by user
// as pages arrive (flush after each page), so a long listing never waits for
// the last page, and the JSON format never holds the whole list.
type printer interface {
	write(u *panther.User) error
	flush() error // the end of a page: push what is written so far
	close() error // the end of the output
}

// jsonPrinter writes the API's user objects, with every hidden character
// as a \u escape.
type jsonPrinter struct {
	w    *bufio.Writer
	list bool
	n    int
}

func newJSONPrinter(w io.Writer, list, _ bool) printer {
	return &jsonPrinter{w: bufio.NewWriter(w), list: list}
}

func (p *jsonPrinter) write(u *panther.User) error {
	indent := ""
	if p.list {
		indent = "  "
	}
	b, err := json.MarshalIndent(u, indent, "  ")
	if err != nil {
		return err
	}
	b = escapeJSONHidden(b)
	if !p.list {
		_, err = fmt.Fprintf(p.w, "%s\n", b)
		return err
	}
	sep := ",\n  "
	if p.n == 0 {
		sep = "[\n  "
	}
	p.n++
	_, err = fmt.Fprintf(p.w, "%s%s", sep, b)
	return err
}

func (p *jsonPrinter) flush() error { return p.w.Flush() }

func (p *jsonPrinter) close() error {
	if p.list {
		end := "\n]\n"
		if p.n == 0 {
			end = "[]\n"
		}
		if _, err := p.w.WriteString(end); err != nil {
			return err
		}
	}
	return p.w.Flush()
}

// csvPrinter writes a header and a row per user, every cell encoded by
// encodeCSVCell.
type csvPrinter struct {
	w      *bufio.Writer
	header bool   // written, or not to be written
	line   []byte // reused for each record
}

func newCSVPrinter(w io.Writer, _, noHeaders bool) printer {
	return &csvPrinter{w: bufio.NewWriter(w), header: noHeaders}
}

func (p *csvPrinter) write(u *panther.User) error {
	if err := p.writeHeader(); err != nil {
		return err
	}
	return p.record(row(u))
}

func (p *csvPrinter) record(values []string) error {
	p.line = appendCSVRecord(p.line[:0], values)
	_, err := p.w.Write(p.line)
	return err
}

// writeHeader writes the header once: before the first user, or at close for
// an empty list.
func (p *csvPrinter) writeHeader() error {
	if p.header {
		return nil
	}
	p.header = true
	return p.record(headers(false))
}

func (p *csvPrinter) flush() error { return p.w.Flush() }

func (p *csvPrinter) close() error {
	if err := p.writeHeader(); err != nil {
		return err
	}
	return p.flush()
}

// tablePrinter aligns columns, so it holds rows until close; use -o json or
// -o csv to stream a long listing. Each cell goes through printable.
type tablePrinter struct {
	w      *tabwriter.Writer
	header bool // written, or not to be written
}

func newTablePrinter(w io.Writer, _, noHeaders bool) printer {
	return &tablePrinter{w: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0), header: noHeaders}
}

func (p *tablePrinter) write(u *panther.User) error {
	if !p.header {
		p.header = true
		if err := p.line(headers(true)); err != nil {
			return err
		}
	}
	return p.line(row(u))
}

func (p *tablePrinter) line(cells []string) error {
	for i, c := range cells {
		c = printable(c)
		sep := "\t"
		if i == len(cells)-1 {
			sep = "\n"
		}
		if _, err := io.WriteString(p.w, c+sep); err != nil {
			return err
		}
	}
	return nil
}

func (p *tablePrinter) flush() error { return nil }
func (p *tablePrinter) close() error { return p.w.Flush() }

// idsPrinter writes each user's id on a line of its own, encoded as a CSV
// cell (encodeCSVCell), so that no hidden character reaches a terminal and
// 'panther users delete --ids-from' reads every id back exactly.
type idsPrinter struct{ w *bufio.Writer }

func newIDsPrinter(w io.Writer, _, _ bool) printer { return &idsPrinter{w: bufio.NewWriter(w)} }

func (p *idsPrinter) write(u *panther.User) error {
	_, err := p.w.WriteString(encodeCSVCell(u.GetId()) + "\n")
	return err
}

func (p *idsPrinter) flush() error { return p.w.Flush() }
func (p *idsPrinter) close() error { return p.w.Flush() }

// headers returns the columns' CSV header names, or their table titles.
func headers(titles bool) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.header
		if titles {
			out[i] = c.title
		}
	}
	return out
}

func row(u *panther.User) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.value(u)
	}
	return out
}

// printable makes text from the server safe to show on a terminal: every
// hidden character (a tab or newline would break the table, an escape
// sequence could rewrite the screen, a bidi override could make a name
// display as another) is shown as an escape such as \x1b or \u202e.
func printable(s string) string { return escapeHidden(s, false) }
