package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// readList reads content as `-f - --format format` would.
func readList(t *testing.T, format, content string, columns ...string) *desiredList {
	t.Helper()
	l, err := readDesired(env{stdin: strings.NewReader(content)}, desiredInput{file: "-", format: format, columns: columns})
	if err != nil {
		t.Fatalf("readDesired: %v", err)
	}
	return l
}

// entry is a DesiredUser in one line: "a@x.io|Ada|Lovelace|role Admin",
// "...|roleId r-1", then its source.
func entry(d panther.DesiredUser) string {
	role := "role " + deref(d.Role.Name)
	if d.Role.Id != nil {
		role = "roleId " + *d.Role.Id
	}
	return strings.Join([]string{d.Email, d.GivenName, d.FamilyName, role, d.Source}, "|")
}

func entries(users []panther.DesiredUser) []string {
	var out []string
	for _, d := range users {
		out = append(out, entry(d))
	}
	return out
}

// checkList fails unless the list reads as want with no problem.
func checkList(t *testing.T, l *desiredList, want []string) {
	t.Helper()
	if err := l.check(); err != nil {
		t.Fatalf("check: %v", err)
	}
	if diff := cmp.Diff(want, entries(l.users())); diff != "" {
		t.Errorf("entries mismatch (-want +got):\n%s", diff)
	}
}

// checkProblems fails unless the list's check fails with each of want.
func checkProblems(t *testing.T, l *desiredList, want ...string) {
	t.Helper()
	err := l.check()
	if err == nil || !isUsage(err) {
		t.Fatalf("check = %v, want a usage error", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("check's error does not say %q:\n%v", w, err)
		}
	}
}

func TestCSVHeaderAliases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, header, row, want string
		columns                 []string
	}{
		{"panther's", "email,givenName,familyName,role", "ada@x.io,Ada,Lovelace,Admin", "ada@x.io|Ada|Lovelace|role Admin|stdin:2", nil},
		{"what users list -o csv writes", "id,email,givenName,familyName,role,status,enabled,createdAt,lastLoggedInAt",
			"8a6c,ada@x.io,Ada,Lovelace,Admin,CONFIRMED,true,2026-01-02T03:04:05Z,", "ada@x.io|Ada|Lovelace|role Admin|stdin:2", nil},
		{"snake case", "email_address,first_name,last_name,role_name", "ada@x.io,Ada,Lovelace,Admin", "ada@x.io|Ada|Lovelace|role Admin|stdin:2", nil},
		{"camel case and surname", "emailAddress,firstName,surname,role", "ada@x.io,Ada,Lovelace,Admin", "ada@x.io|Ada|Lovelace|role Admin|stdin:2", nil},
		{"title case, another order", "Last Name,First Name,Email Address,Role", "Lovelace,Ada,ada@x.io,Admin", "ada@x.io|Ada|Lovelace|role Admin|stdin:2", nil},
		{"Google Workspace's [Required]", "First Name [Required],Last Name [Required],Email Address [Required],Org Unit Path [Required],Panther Role",
			"Ada,Lovelace,ada@x.io,/Security,Admin", "ada@x.io|Ada|Lovelace|role Admin|stdin:2", nil},
		{"Entra ID", "givenName,surname,mail,userPrincipalName,Panther Role", "Ada,Lovelace,ada@x.io,ada@corp.x.io,Admin", "ada@x.io|Ada|Lovelace|role Admin|stdin:2", nil},
		{"a role id", "login,firstName,lastName,email,role_id", "ada,Ada,Lovelace,ada@x.io,r-1", "ada@x.io|Ada|Lovelace|roleId r-1|stdin:2", nil},
		{"upper case, spaces, hyphens and dots", " EMAIL , Given.Name,family-name,Panther_Role_ID", "ada@x.io,Ada,Lovelace,r-1", "ada@x.io|Ada|Lovelace|roleId r-1|stdin:2", nil},
		{"role and roleId columns, one filled", "email,givenName,familyName,role,roleId", "ada@x.io,Ada,Lovelace,,r-1", "ada@x.io|Ada|Lovelace|roleId r-1|stdin:2", nil},
		{"--column", "Work Email,Preferred Name,Surname,Access", "ada@x.io,Ada,Lovelace,Admin",
			"ada@x.io|Ada|Lovelace|role Admin|stdin:2", []string{`email=Work Email`, "givenName=Preferred Name", "ROLE=access"}},
		{"--column wins over an alias, in any case", "email,Work Email,givenName,familyName,role", "old@x.io,ada@x.io,Ada,Lovelace,Admin",
			"ada@x.io|Ada|Lovelace|role Admin|stdin:2", []string{"EMAIL=work email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkList(t, readList(t, "csv", tt.header+"\n"+tt.row+"\n", tt.columns...), []string{tt.want})
		})
	}
}

func TestCSVCells(t *testing.T) {
	t.Parallel()
	// What users list -o csv writes for values a spreadsheet would run or
	// a terminal would obey, a byte order mark, CRLF, a quoted line break,
	// a spreadsheet's empty row, and spaces kept as they are.
	const in = "\ufeffemail,givenName,familyName,role\r\n" +
		"'-foo@example.com,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'@SUM(A1),Analyst\r\n" +
		"'+bar@example.com,\\x1b[2JEve,Zero\\u200bWidth,'=Admin\r\n" +
		",,,\r\n" +
		"quote@example.com,'t Hooft,\"Line\nBreak\", Analyst \r\n" +
		"back@example.com,DOMAIN\\\\bob,x;=1,Analyst\r\n"
	checkList(t, readList(t, "csv", in), []string{
		`-foo@example.com|=HYPERLINK("http://x","y")|@SUM(A1)|role Analyst|stdin:2`,
		"+bar@example.com|\x1b[2JEve|Zero\u200bWidth|role =Admin|stdin:3",
		"quote@example.com|'t Hooft|Line\nBreak|role  Analyst |stdin:5",
		`back@example.com|DOMAIN\bob|x;=1|role Analyst|stdin:7`,
	})
}

func TestCSVProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		columns  []string
		want     []string
	}{
		{"empty", "", nil, []string{"stdin: 1 problem; nothing was sent", "is empty: want a header line"}},
		{"a missing column", "email,familyName,role\na@x.io,B,Admin\n", nil,
			[]string{`stdin:1: no givenName column; the header has "email", "familyName", "role": name it with --column givenName=NAME`}},
		{"no role column", "email,givenName,familyName\n", nil, []string{"stdin:1: no role or roleId column"}},
		{"two columns for a field", "email,Email Address,givenName,familyName,role\n", nil,
			[]string{`stdin:1: the columns "email" and "Email Address" both hold email: choose one with --column email=NAME`}},
		{"--column names no column", "email,givenName,familyName,role\n", []string{"givenName=Given"},
			[]string{`stdin:1: --column givenName="Given": no such column; the header has "email", "givenName", "familyName", "role"`}},
		{"not CSV", "email,givenName,familyName,role\na@x.io,A,B,Admin\nb@x.io,\"B,C,Admin\n", nil,
			[]string{"stdin:3: not CSV: extraneous or missing \" in quoted-field"}},
		{"every line's problems at once", "email,givenName,familyName,role\n" +
			"a@x.io,,B,Admin\n" + // 2
			"b@x.io,B\n" + // 3
			"c@x.io,C,\\q,\n" + // 4: two problems
			"A@X.IO,A,B,Admin\n", // 5
			nil, []string{
				"stdin: 5 problems; nothing was sent:\n" +
					"  stdin:2: givenName: must not be empty\n" +
					"  stdin:3: 2 cells, but the header has 4\n" +
					`  stdin:4: familyName: invalid escape "\\q": want \\, \xhh, \uhhhh or \Uhhhhhhhh` + "\n" +
					"  stdin:4: role: must not be empty (give role or roleId)\n" +
					"  stdin:5: email: the same address as stdin:2 (ignoring case)",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkProblems(t, readList(t, "csv", tt.in, tt.columns...), tt.want...)
		})
	}
}

// Flags and files that cannot be read at all fail before the list is.
func TestDesiredInputErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   desiredInput
		want string
	}{
		{"no -f", desiredInput{}, "give the list of users with -f FILE"},
		{"stdin needs --format", desiredInput{file: "-"}, "-f -: give the format of stdin with --format csv|yaml|json"},
		{"unknown extension", desiredInput{file: "users.txt"}, "cannot tell the format from the extension"},
		{"unknown --format", desiredInput{file: "users.csv", format: "xml"}, `--format "xml": must be csv, yaml, json`},
		{"no such file", desiredInput{file: "testdata/no-such-list.csv"}, "-f: open testdata/no-such-list.csv: no such file"},
		{"--column without =", desiredInput{file: "-", format: "csv", columns: []string{"email"}}, `--column "email": want FIELD=NAME`},
		{"--column of no field", desiredInput{file: "-", format: "csv", columns: []string{"nickname=Nick"}},
			"the field must be one of email, givenName, familyName, role, roleId"},
		{"--column twice", desiredInput{file: "-", format: "csv", columns: []string{"email=A", "Email=B"}}, "--column names the column of email twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := readDesired(env{stdin: strings.NewReader("")}, tt.in)
			if err == nil || !isUsage(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("readDesired = %v, want a usage error saying %q", err, tt.want)
			}
		})
	}
}

func TestYAML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"a list", "- {email: a@x.io, givenName: A, familyName: B, role: Admin}\n- email: c@x.io\n  givenName: C\n  familyName: D\n  roleId: r-2\n",
			[]string{"a@x.io|A|B|role Admin|stdin:1, entry 1", "c@x.io|C|D|roleId r-2|stdin:2, entry 2"}},
		{"users:", "# comment\nusers:\n  - {email: a@x.io, givenName: A, familyName: B, role: Admin}\n",
			[]string{"a@x.io|A|B|role Admin|stdin:3, entry 1"}},
		{"no users", "users: []\n", nil},
		{"aliases of keys, text as written", "- {e-mail: a@x.io, first_name: 007, Last Name: 'Null', Panther Role: true}\n",
			[]string{"a@x.io|007|Null|role true|stdin:1, entry 1"}},
		{"a role mapping: its name, else its id", "- {email: a@x.io, givenName: A, familyName: B, role: {id: r-1, name: Admin}}\n" +
			"- {email: b@x.io, givenName: A, familyName: B, role: {id: r-1}}\n",
			[]string{"a@x.io|A|B|role Admin|stdin:1, entry 1", "b@x.io|A|B|roleId r-1|stdin:2, entry 2"}},
		{"anchors, aliases and merges", "- &base {email: a@x.io, givenName: A, familyName: Smith, role: &ro AnalystReadOnly}\n" +
			"- {<<: *base, email: b@x.io, givenName: B}\n" +
			"- {email: c@x.io, givenName: C, familyName: *ro, role: *ro}\n",
			[]string{"a@x.io|A|Smith|role AnalystReadOnly|stdin:1, entry 1", "b@x.io|B|Smith|role AnalystReadOnly|stdin:2, entry 2",
				"c@x.io|C|AnalystReadOnly|role AnalystReadOnly|stdin:3, entry 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkList(t, readList(t, "yaml", tt.in), tt.want)
		})
	}
}

func TestYAMLProblems(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"comments only", "# nobody yet\n", "stdin: is empty (comments only)"},
		{"not YAML", "- {email: a@x.io\n- b\n", "stdin:2: not YAML: did not find expected ',' or '}'"},
		{"a value", "ada@x.io\n", `stdin:1: want a list of users, or users: and a list; got a value ("ada@x.io")`},
		{"a mapping without users", "people: []\n", `stdin:1: unknown key "people": want a list of users`},
		{"users: not a list", "users: {email: a@x.io}\n", "stdin:1: users: want a list, got a mapping"},
		{"two documents", "- {email: a@x.io, givenName: A, familyName: B, role: Admin}\n---\n- {}\n", "stdin:2: more than one YAML document (---)"},
		{"a list in a field", "- {email: a@x.io, givenName: [A], familyName: B, role: Admin}\n", "stdin:1, entry 1: givenName: want a value, got a list"},
		{"null", "- {email: a@x.io, givenName: A, familyName: NULL, role: Admin}\n", `stdin:1, entry 1: familyName: NULL is no value in YAML; quote it ("NULL")`},
		{"nothing", "- {email: a@x.io, givenName: A, familyName: ~, role: Admin}\n", "stdin:1, entry 1: familyName: must not be empty"},
		{"an alias naming the key again", "- {email: a@x.io, givenName: A, first name: A, familyName: B, role: Admin}\n",
			`stdin:1, entry 1: the keys "givenName" and "first name" both hold givenName`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkProblems(t, readList(t, "yaml", tt.in), tt.want)
		})
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"an array, each entry at its line", "[\n  {\"email\": \"a@x.io\", \"givenName\": \"A\", \"familyName\": \"B\", \"role\": \"Admin\"},\n\n" +
			"  {\n    \"email\": \"c@x.io\", \"givenName\": \"C\", \"familyName\": \"D\", \"roleId\": \"r-2\"\n  }\n]\n",
			[]string{"a@x.io|A|B|role Admin|stdin:2, entry 1", "c@x.io|C|D|roleId r-2|stdin:4, entry 2"}},
		{"users", `{"users": [{"email": "a@x.io", "givenName": "A", "familyName": "B", "role": {"name": "Admin"}}]}`,
			[]string{"a@x.io|A|B|role Admin|stdin:1, entry 1"}},
		{"no users", `{"users": []}`, nil},
		{"what users list -o json writes", `[{"createdAt": "2026-01-02T03:04:05Z", "email": "a@x.io", "enabled": true, "familyName": "B",
			"givenName": "A", "id": "8a6c", "lastLoggedInAt": null, "role": {"id": "r-1", "name": "Admin"}, "status": "CONFIRMED"}]`,
			[]string{"a@x.io|A|B|role Admin|stdin:1, entry 1"}},
		{"a role object with only an id", `[{"email": "a@x.io", "givenName": "A", "familyName": "B", "role": {"id": "r-1"}}]`,
			[]string{"a@x.io|A|B|roleId r-1|stdin:1, entry 1"}},
		{"escapes", `[{"email": "a@x.io", "givenName": "\u001b[2JA\ud83d\ude00", "familyName": "Tag\udb40\udc41", "role": "Admin"}]`,
			[]string{"a@x.io|\x1b[2JA\U0001F600|Tag\U000E0041|role Admin|stdin:1, entry 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkList(t, readList(t, "json", tt.in), tt.want)
		})
	}
}

func TestJSONProblems(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"not JSON", "[\n  {\"email\": \"a@x.io\",}\n]\n", "stdin:2: not JSON: invalid character '}'"},
		{"cut short", "[\n  {\"email\": \"a@x.io\"", "stdin:2: not JSON: unexpected end of the file"},
		{"a string", `"a@x.io"`, `stdin:1: want an array of users, or {"users": [...]}; got a@x.io`},
		{"an object without users", `{"people": []}`, `stdin:1: unknown key "people"`},
		{"users not an array", `{"users": {}}`, `stdin:1: "users": want an array`},
		{"more after the list", "[]\n[]\n", "stdin:2: more after the end of the users"},
		{"an entry not an object", `["a@x.io"]`, `stdin:1, entry 1: want an object such as {"email": ...}, got a string`},
		{"a number", `[{"email": "a@x.io", "givenName": 7, "familyName": "B", "role": "Admin"}]`, "stdin:1, entry 1: givenName: want a string, got a number"},
		{"null", `[{"email": "a@x.io", "givenName": null, "familyName": "B", "role": "Admin"}]`, "stdin:1, entry 1: givenName: must not be empty"},
		{"a key twice", `[{"email": "a@x.io", "mail": "b@x.io", "givenName": "A", "familyName": "B", "role": "Admin"}]`,
			`stdin:1, entry 1: the keys "email" and "mail" both hold email`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkProblems(t, readList(t, "json", tt.in), tt.want)
		})
	}
}

func TestNormalizeColumn(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"First Name [Required]": "firstname", "first_name": "firstname", "firstName": "firstname", " E-Mail ": "email",
		"role.id": "roleid", "[x]": "[x]", "Name [": "name[",
	} {
		if got := normalizeColumn(in); got != want {
			t.Errorf("normalizeColumn(%q) = %q, want %q", in, got, want)
		}
	}
}
