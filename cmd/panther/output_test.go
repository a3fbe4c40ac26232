package main

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/api"
	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// hostileUsers are what a compromised or careless directory could hold:
// terminal escapes, a C1 CSI, bidi and zero-width characters, and cells a
// spreadsheet would run, next to data that only looks odd (an email starting
// with + or -, a name starting with ').
var hostileUsers = []api.UserAPIUser{
	{Id: ptr("hostile-01"), Email: "title@example.com", GivenName: "\x1b]0;pwned\x07Eve", FamilyName: "\x1b[2J\x1b[31mRed\x1b[0m"},
	{Id: ptr("hostile-02"), Email: "csi@example.com", GivenName: "\u009b2J", FamilyName: "Next\u0085Line\x7f"},
	{Id: ptr("hostile-03"), Email: "rlo@example.com", GivenName: "Bob\u202egnp.exe", FamilyName: "\u2066Iso\u2069\u200e\u200f\u061c"},
	{Id: ptr("hostile-04"), Email: "ad\u200dmin@example.com", GivenName: "Ad\u200dmin", FamilyName: "Zero\u200b\u200c\u2060\ufeffWidth"},
	{Id: ptr("hostile-05"), Email: "formula@example.com", GivenName: `=HYPERLINK("http://x","y")`, FamilyName: "@SUM(A1)"},
	{Id: ptr("hostile-06"), Email: "+ops@example.com", GivenName: "Plus", FamilyName: "+Mail"},
	{Id: ptr("hostile-07"), Email: "-foo@example.com", GivenName: "-Minus", FamilyName: "-2+3"},
	{Id: ptr("hostile-08"), Email: "quote@example.com", GivenName: "'=quoted", FamilyName: "'t Hooft"},
	{Id: ptr("hostile-09"), Email: "semi@example.com", GivenName: "x;=1+1", FamilyName: `DOMAIN\bob`},
	{Id: ptr("-\u202eid"), Email: "tab@example.com", GivenName: "\t=1", FamilyName: "Line\nBreak\r", Status: ptr("\x1b[5mCONFIRMED")},
	{Id: ptr("hostile-11"), Email: "tag@example.com", GivenName: "Tag\U000E0041", FamilyName: "Sep\u2028"},
}

// newHostileFake starts a fake that holds only hostileUsers.
func newHostileFake(t *testing.T) *panthertest.Server {
	t.Helper()
	srv := newFake(t, 0)
	for _, u := range hostileUsers {
		u.Role = api.UserAPIRole{Name: ptr("Analyst")}
		u.Enabled = true
		if _, err := srv.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

// assertNoRawHidden fails if out holds a hidden character (a newline ending
// a line aside) or a byte that is not UTF-8.
func assertNoRawHidden(t *testing.T, name, out string) {
	t.Helper()
	if r, at, ok := rawHidden(out); ok {
		t.Errorf("%s holds %U raw at byte %d:\n%q", name, r, at, out)
	}
}

// Every format shows hostile names as visible escapes; the CSV runs no
// formula and reads back exactly; the JSON decodes to the exact values.
func TestGoldenHostile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, srv *panthertest.Server, out string)
	}{
		{"list-hostile.table", []string{"users", "list"}, checkHostileTable},
		{"list-hostile.csv", []string{"users", "list", "-o", "csv"}, checkHostileCSV},
		{"list-hostile.json", []string{"users", "list", "-o", "json"}, checkHostileJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newHostileFake(t)
			r := runOK(t, srv, tt.args...)
			golden(t, tt.name, r.stdout)
			assertNoRawHidden(t, tt.name, r.stdout)
			tt.check(t, srv, r.stdout)
		})
	}
}

func checkHostileTable(t *testing.T, _ *panthertest.Server, out string) {
	t.Helper()
	if got, want := strings.Count(out, "\n"), len(hostileUsers)+1; got != want {
		t.Errorf("table has %d lines, want a header and one per user, %d", got, want)
	}
}

// checkHostileCSV reads the CSV as the sync command will: encoding/csv, then
// decodeCSVCell on every cell.
func checkHostileCSV(t *testing.T, srv *panthertest.Server, out string) {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv cannot read the output: %v", err)
	}
	var got [][]string
	for _, rec := range records {
		for i, cell := range rec {
			if cell != "" && strings.IndexByte(formulaStart, cell[0]) >= 0 {
				t.Errorf("cell %q starts as a formula", cell)
			}
			if rec[i], err = decodeCSVCell(cell); err != nil {
				t.Errorf("decodeCSVCell(%q): %v", cell, err)
			}
		}
		got = append(got, rec)
	}
	want := [][]string{headers(false)}
	for _, u := range srv.Users() {
		want = append(want, row(&u))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CSV read back mismatch (-fake +read):\n%s", diff)
	}
}

func checkHostileJSON(t *testing.T, srv *panthertest.Server, out string) {
	t.Helper()
	var got []api.UserAPIUser
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not a JSON array of users: %v", err)
	}
	if diff := cmp.Diff(srv.Users(), got); diff != "" {
		t.Errorf("JSON users mismatch (-fake +decoded):\n%s", diff)
	}
}

// get prints one user through the same printers as list.
func TestGetHostile(t *testing.T) {
	t.Parallel()
	srv := newHostileFake(t)
	for _, u := range srv.Users() {
		for _, format := range outputFormats {
			r := runOK(t, srv, "users", "get", "-o", format.name, "--", *u.Id)
			assertNoRawHidden(t, "get "+format.name, r.stdout)
		}
		r := runOK(t, srv, "users", "get", "-o", "json", "--", *u.Id)
		var got api.UserAPIUser
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || !cmp.Equal(u, got) {
			t.Errorf("get -o json = %+v, %v; want %+v", got, err, u)
		}
	}
}

// The help, the check and the printers read one table of formats.
func TestOutputFormats(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 1)
	for _, cmd := range [][]string{{"users"}, {"users", "list"}} {
		help := invocation{args: append(cmd, "--help")}.run(t.Context()).stdout
		for _, f := range outputFormats {
			if !slices.ContainsFunc(strings.Split(help, "\n"), func(line string) bool {
				return strings.HasPrefix(line, "  "+f.name+" ") && strings.HasSuffix(line, " "+f.desc)
			}) {
				t.Errorf("panther %s --help does not describe -o %s:\n%s", strings.Join(cmd, " "), f.name, help)
			}
		}
		if !strings.Contains(help, csvCellHelp) || !strings.Contains(help, "'panther users --help' describes them") {
			t.Errorf("panther %s --help lacks the CSV rule or the flag's pointer to it:\n%s", strings.Join(cmd, " "), help)
		}
	}
	for _, f := range outputFormats {
		if r := runOK(t, srv, "users", "list", "-o", f.name); r.stdout == "" {
			t.Errorf("-o %s printed nothing", f.name)
		}
	}
	for _, bad := range []string{"xml", "", "TABLE", "yaml"} {
		r := invocation{args: []string{"users", "list", "-o", bad}, vars: vars(srv)}.run(t.Context())
		if r.code != exitUsage || !strings.Contains(r.stderr, "must be table, json, csv or ids") || r.stdout != "" {
			t.Errorf("-o %q: exit %d, stdout %q, stderr %q; want exit 2 listing the formats", bad, r.code, r.stdout, r.stderr)
		}
	}
}

// What each format makes of a value: the table shows it, the JSON string and
// the CSV cell decode back to it.
func TestEscapesPerFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value, table, json, cell string
	}{
		{"plain", "Ada", "Ada", `"Ada"`, "Ada"},
		{"empty", "", "", `""`, ""},
		{"visible non-ASCII", "Zoë 李 🙂", "Zoë 李 🙂", `"Zoë 李 🙂"`, "Zoë 李 🙂"},
		{"plus inside", "ann+ops@acme.example", "ann+ops@acme.example", `"ann+ops@acme.example"`, "ann+ops@acme.example"},
		{"formula", `=HYPERLINK("http://x","y")`, `=HYPERLINK("http://x","y")`, `"=HYPERLINK(\"http://x\",\"y\")"`, `'=HYPERLINK("http://x","y")`},
		{"plus first", "+ops@example.com", "+ops@example.com", `"+ops@example.com"`, "'+ops@example.com"},
		{"minus first", "-foo@x", "-foo@x", `"-foo@x"`, "'-foo@x"},
		{"at first", "@SUM(A1)", "@SUM(A1)", `"@SUM(A1)"`, "'@SUM(A1)"},
		{"tab first is escaped, so no quote", "\t=1", `\x09=1`, `"\t=1"`, `\x09=1`},
		{"CR first is escaped, so no quote", "\r=1", `\x0d=1`, `"\r=1"`, `\x0d=1`},
		{"apostrophe name", "'t Hooft", "'t Hooft", `"'t Hooft"`, "'t Hooft"},
		{"lone apostrophe", "'", "'", `"'"`, "'"},
		{"apostrophe before a formula", "'=x", "'=x", `"'=x"`, "''=x"},
		{"two apostrophes", "''", "''", `"''"`, "'''"},
		{"backslash", `DOMAIN\bob`, `DOMAIN\bob`, `"DOMAIN\\bob"`, `DOMAIN\\bob`},
		{"backslash before a formula", `\=x`, `\=x`, `"\\=x"`, `\\=x`},
		{"terminal title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`, `"\u001b]0;pwned\u0007"`, `\x1b]0;pwned\x07`},
		{"newline and DEL", "a\nb\x7f", `a\x0ab\x7f`, `"a\nb\u007f"`, `a\x0ab\x7f`},
		{"C1", "\u0085\u009b2J", `\u0085\u009b2J`, `"\u0085\u009b2J"`, `\u0085\u009b2J`},
		{"bidi", "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
			`\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069`,
			`"\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"`,
			`\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069`},
		{"zero width", "Ad\u200bm\u200c\u200din\u2060\ufeff", `Ad\u200bm\u200c\u200din\u2060\ufeff`, `"Ad\u200bm\u200c\u200din\u2060\ufeff"`, `Ad\u200bm\u200c\u200din\u2060\ufeff`},
		{"separators and soft hyphen", "\u2028\u2029\u00ad", `\u2028\u2029\u00ad`, `"\u2028\u2029\u00ad"`, `\u2028\u2029\u00ad`},
		{"tag character above U+FFFF", "x\U000E0041", `x\U000e0041`, `"x\udb40\udc41"`, `x\U000e0041`},
		{"formula after an escape", "\u202e=1", `\u202e=1`, `"\u202e=1"`, `\u202e=1`},
		{"replacement character", "\ufffd", "\ufffd", "\"\ufffd\"", "\ufffd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := printable(tt.value); got != tt.table {
				t.Errorf("printable(%q) = %q, want %q", tt.value, got, tt.table)
			}
			b, err := json.Marshal(tt.value)
			if got := string(escapeJSONHidden(b)); err != nil || got != tt.json {
				t.Errorf("JSON of %q = %s, %v; want %s", tt.value, got, err, tt.json)
			}
			if got := encodeCSVCell(tt.value); got != tt.cell {
				t.Errorf("encodeCSVCell(%q) = %q, want %q", tt.value, got, tt.cell)
			}
			if got, err := decodeCSVCell(tt.cell); err != nil || got != tt.value {
				t.Errorf("decodeCSVCell(%q) = %q, %v; want %q", tt.cell, got, err, tt.value)
			}
		})
	}
	// Bytes that are not UTF-8 cannot come from the API's JSON, but the table
	// and the CSV still escape them, and the CSV reads back.
	if got := printable("a\xffb"); got != `a\xffb` {
		t.Errorf(`printable("a\xffb") = %q`, got)
	}
	if got, err := decodeCSVCell(encodeCSVCell("a\xffb")); err != nil || got != "a\xffb" {
		t.Errorf("CSV round trip of a stray byte: %q, %v", got, err)
	}
}
