package main

// The list that `users plan` and `users apply` compare with Panther (-f
// FILE): CSV with a header, YAML or JSON, read into panther.DesiredUser
// values whose Source names the file and line of each entry. What `users
// list -o csv` and `-o json` write reads back as the same users. Problems
// are collected rather than returned at the first, so that one run names
// them all, together with those panther.UsersService.Plan finds in the
// entries, before any request (see desiredList.check).

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// desiredHelp describes the input, for the help of plan and apply.
const desiredHelp = `The list (-f FILE, - for stdin) is CSV, YAML or JSON, by the file's extension
(.csv, .yaml or .yml, .json) or --format; stdin needs --format.

  CSV   a header, then a line per user. The columns are email, givenName,
        familyName, and role (a role name) or roleId. Column names are also
        read in the forms identity-provider exports use: case, spaces, _ - .
        and a trailing [Required] do not matter, and
          email       also Email Address, mail, Primary Email, User Email
          givenName   also first_name, firstName, First Name, first, forename
          familyName  also last_name, lastName, Last Name, surname, sn
          role        also role_name, Panther Role
          roleId      also role_id, Panther Role ID
        --column FIELD=NAME reads FIELD from another column (repeatable):
        --column email="Work Email". Other columns are ignored, so the CSV
        'panther users list -o csv' writes reads back as it is. Each cell is
        read back as panther writes one (see 'panther users --help'): a
        leading ' before = + - @ is dropped and \\, \xhh, \uhhhh are undone;
        a hand-written backslash must be \\. Cells are taken exactly, spaces
        included; lines whose cells are all empty are skipped.
  YAML  a list of users, or a mapping whose only key is users: holding one;
        each user a mapping with the keys above (the same names and
        --column apply). role is a name, or a mapping with id or name. A
        value is the text as written (quote a name like "Null", which YAML
        reads as no value); anchors, aliases and << merges work.
  JSON  the same shapes: an array of user objects, or {"users": [...]}, with
        string values; role is a name or an object with "id" or "name".
        What 'panther users list -o json' writes reads back as it is: its
        role object's name is used when it has one.

Each user needs email, givenName, familyName and one of role and roleId.
Every problem in the file is reported at once, each with its line (YAML and
JSON: the line and the entry, counted from 1: "people.yaml:12, entry 4"),
before any request.`

// inputFormats are the values of --format.
var inputFormats = []string{"csv", "yaml", "json"}

// maxDesiredSize is the largest list read: far beyond any org.
const maxDesiredSize = 64 << 20

// desiredField is one field of an entry.
type desiredField int

const (
	fieldEmail desiredField = iota
	fieldGivenName
	fieldFamilyName
	fieldRole
	fieldRoleID
	numFields
)

// fieldNames are the fields as the API (and panther's CSV header) spell them.
var fieldNames = [numFields]string{"email", "givenName", "familyName", "role", "roleId"}

// fieldAliases maps the column names and keys each field is read from,
// normalized by normalizeColumn, to the field. desiredHelp lists them.
var fieldAliases = map[string]desiredField{
	"email": fieldEmail, "emailaddress": fieldEmail, "mail": fieldEmail, "primaryemail": fieldEmail, "useremail": fieldEmail,
	"givenname": fieldGivenName, "firstname": fieldGivenName, "first": fieldGivenName, "forename": fieldGivenName,
	"familyname": fieldFamilyName, "lastname": fieldFamilyName, "last": fieldFamilyName, "surname": fieldFamilyName, "sn": fieldFamilyName,
	"role": fieldRole, "rolename": fieldRole, "pantherrole": fieldRole,
	"roleid": fieldRoleID, "pantherroleid": fieldRoleID,
}

// normalizeColumn folds a column name for fieldAliases: "First Name
// [Required]" (Google Workspace's export), "first_name" and "firstName" all
// become "firstname".
func normalizeColumn(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexByte(name, '['); i > 0 && strings.HasSuffix(name, "]") {
		name = name[:i]
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(" _-.", r) {
			return -1
		}
		return r
	}, strings.ToLower(name))
}

// desiredInput is where the list comes from: the flags -f, --format and
// --column.
type desiredInput struct {
	file    string
	format  string
	columns []string // FIELD=NAME
}

// columnMap says which field a column (or key) is read into: the --column
// names first, then the aliases of the fields no --column names.
type columnMap struct {
	named [numFields]string
}

// parseColumns checks the --column flags.
func parseColumns(flags []string) (*columnMap, error) {
	m := &columnMap{}
	for _, c := range flags {
		field, name, ok := strings.Cut(c, "=")
		f := slices.IndexFunc(fieldNames[:], func(n string) bool { return strings.EqualFold(n, strings.TrimSpace(field)) })
		switch {
		case !ok || strings.TrimSpace(name) == "":
			return nil, usagef("--column %q: want FIELD=NAME, such as email=\"Work Email\"", printable(c))
		case f < 0:
			return nil, usagef("--column %q: the field must be one of %s", printable(c), strings.Join(fieldNames[:], ", "))
		case m.named[f] != "":
			return nil, usagef("--column names the column of %s twice", fieldNames[f])
		}
		m.named[f] = strings.TrimSpace(name)
	}
	return m, nil
}

// field returns the field the column or key name is read into.
func (m *columnMap) field(name string) (desiredField, bool) {
	name = strings.TrimSpace(name)
	for f, n := range m.named {
		if n != "" && strings.EqualFold(n, name) {
			return desiredField(f), true
		}
	}
	f, ok := fieldAliases[normalizeColumn(name)]
	if !ok || m.named[f] != "" {
		return 0, false
	}
	return f, true
}

// desiredEntry is one user of the list, with what messages about it need.
type desiredEntry struct {
	user panther.DesiredUser
	line int
	// keys are the columns or keys the fields were read from ("" for a
	// field the entry lacks), to name them in messages.
	keys [numFields]string
	// vals are the values read, role and roleId as given.
	vals [numFields]string
	// unreadable marks the fields (role for both role fields) a problem
	// has been reported for; check puts a placeholder in their place.
	unreadable [numFields]bool
}

// desiredList is the list read from a file, and the problems found in it.
type desiredList struct {
	name     string // the file as given on the command line, "stdin" for -
	csv      bool   // keys are columns
	entries  []desiredEntry
	problems []listProblem
	// fatal is set when the file as a whole is wrong (no header, not
	// YAML): there are no entries worth checking further.
	fatal bool
}

// listProblem is one problem, at a line of the file (0: the whole file).
type listProblem struct {
	line int
	msg  string
}

func (l *desiredList) problem(line int, format string, args ...any) {
	l.problems = append(l.problems, listProblem{line, fmt.Sprintf(format, args...)})
}

// at names a line of the file for a message: "users.csv:4".
func (l *desiredList) at(line int) string {
	if line <= 0 {
		return printable(l.name)
	}
	return printable(l.name) + ":" + strconv.Itoa(line)
}

// label names a field of an entry for a message: "givenName", or
// `givenName (column "First Name")` when it was read from another name.
func (l *desiredList) label(d *desiredEntry, f desiredField) string {
	key := d.keys[f]
	if key == "" || key == fieldNames[f] {
		return fieldNames[f]
	}
	kind := "key"
	if l.csv {
		kind = "column"
	}
	return fmt.Sprintf("%s (%s %q)", fieldNames[f], kind, printable(key))
}

// readDesired reads the list in. Its error is for a list it cannot read at
// all (a usage error: nothing has been sent); problems inside the list are
// in the list, for check.
func readDesired(e env, in desiredInput) (*desiredList, error) {
	if in.file == "" {
		return nil, usagef("give the list of users with -f FILE (- for stdin)")
	}
	m, err := parseColumns(in.columns)
	if err != nil {
		return nil, err
	}
	format := strings.ToLower(in.format)
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(in.file)), ".")
		if format == "yml" {
			format = "yaml"
		}
		if in.file == "-" {
			return nil, usagef("-f -: give the format of stdin with --format %s", strings.Join(inputFormats, "|"))
		}
		if !slices.Contains(inputFormats, format) {
			return nil, usagef("-f %s: cannot tell the format from the extension: name the file .csv, .yaml or .json, or give --format %s",
				printable(in.file), strings.Join(inputFormats, "|"))
		}
	}
	if !slices.Contains(inputFormats, format) {
		return nil, usagef("--format %q: must be %s", printable(in.format), strings.Join(inputFormats, ", "))
	}
	name, r := in.file, e.stdin
	if in.file == "-" {
		name = "stdin"
	} else {
		f, err := os.Open(in.file)
		if err != nil {
			return nil, usageError{fmt.Errorf("-f: %w", err)}
		}
		defer func() { _ = f.Close() }() // read only: nothing to lose
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxDesiredSize+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("-f %s: %w", printable(in.file), err)
	case len(data) > maxDesiredSize:
		return nil, usagef("-f %s: larger than %d MiB: not a list of users", printable(in.file), maxDesiredSize>>20)
	}
	return parseDesired(name, format, data, m), nil
}

// parseDesired reads data, a list in format, named name in messages.
func parseDesired(name, format string, data []byte, m *columnMap) *desiredList {
	l := &desiredList{name: name}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte order mark from a spreadsheet or an editor
	if len(bytes.TrimSpace(data)) == 0 {
		l.problem(0, "is empty: want %s", map[string]string{
			"csv":  "a header line such as email,givenName,familyName,role and a line per user",
			"yaml": "a list of users",
			"json": "an array of users",
		}[format])
		l.fatal = true
		return l
	}
	switch format {
	case "csv":
		l.csv = true
		l.readCSV(data, m)
	case "yaml":
		l.readYAML(data, m)
	case "json":
		l.readJSON(data, m)
	}
	return l
}

// readCSV reads a header and a line per user.
func (l *desiredList) readCSV(data []byte, m *columnMap) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // checked below, to report every short line
	header, err := r.Read()
	if err != nil {
		l.csvError(err)
		return
	}
	cols := [numFields]int{-1, -1, -1, -1, -1}
	names := make([]string, len(header))
	for i, cell := range header {
		name, err := decodeCSVCell(cell)
		if err != nil {
			l.problem(1, "%s: column %d of the header: %v", l.at(1), i+1, err)
			continue
		}
		names[i] = name
		f, ok := m.field(name)
		if !ok {
			continue
		}
		if prev := cols[f]; prev >= 0 {
			l.problem(1, "%s: the columns %q and %q both hold %s: choose one with --column %s=NAME",
				l.at(1), printable(names[prev]), printable(name), fieldNames[f], fieldNames[f])
			continue
		}
		cols[f] = i
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(printable(n))
	}
	has := "the header has " + strings.Join(quoted, ", ")
	for f, n := range m.named {
		if n != "" && cols[f] < 0 {
			l.problem(1, "%s: --column %s=%q: no such column; %s", l.at(1), fieldNames[f], printable(n), has)
		}
	}
	for _, f := range []desiredField{fieldEmail, fieldGivenName, fieldFamilyName} {
		if cols[f] < 0 && m.named[f] == "" {
			l.problem(1, "%s: no %s column; %s: name it with --column %s=NAME", l.at(1), fieldNames[f], has, fieldNames[f])
		}
	}
	if cols[fieldRole] < 0 && cols[fieldRoleID] < 0 && m.named[fieldRole] == "" && m.named[fieldRoleID] == "" {
		l.problem(1, "%s: no role or roleId column; %s: name it with --column role=NAME", l.at(1), has)
	}
	if len(l.problems) > 0 {
		l.fatal = true // every line would repeat it
		return
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			l.csvError(err)
			return
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			l.problem(line, "%s: %d cells, but the header has %d", l.at(line), len(rec), len(header))
			continue
		}
		if !slices.ContainsFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue // a spreadsheet's empty row
		}
		d := desiredEntry{line: line, user: panther.DesiredUser{Source: l.at(line)}}
		for f, i := range cols {
			if i < 0 {
				continue
			}
			d.keys[f] = names[i]
			v, err := decodeCSVCell(rec[i])
			if err != nil {
				l.problem(line, "%s: %s: %v", l.at(line), l.label(&d, desiredField(f)), err)
				d.unreadable[f] = true
				continue
			}
			d.vals[f] = v
		}
		l.add(d)
	}
}

// csvError reports what stops encoding/csv.
func (l *desiredList) csvError(err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		l.problem(pe.Line, "%s: not CSV: %v", l.at(pe.Line), pe.Err)
	} else {
		l.problem(0, "%s: %v", l.at(0), err)
	}
	l.fatal = len(l.entries) == 0
}

// add appends an entry with the values read, its role from role or roleId.
func (l *desiredList) add(d desiredEntry) {
	d.user.Email, d.user.GivenName, d.user.FamilyName = d.vals[fieldEmail], d.vals[fieldGivenName], d.vals[fieldFamilyName]
	name, id := d.vals[fieldRole], d.vals[fieldRoleID]
	switch {
	case d.unreadable[fieldRole] || d.unreadable[fieldRoleID]:
		d.unreadable[fieldRole] = true
	case name != "" && id != "":
		l.problem(d.line, "%s: %s and %s: give one, not both", d.user.Source, l.label(&d, fieldRole), l.label(&d, fieldRoleID))
		d.unreadable[fieldRole] = true
	case name != "":
		d.user.Role = panther.RoleByName(name)
	case id != "":
		d.user.Role = panther.RoleByID(id)
	default:
		f := fieldRole
		if d.keys[fieldRole] == "" && d.keys[fieldRoleID] != "" {
			f = fieldRoleID
		}
		l.problem(d.line, "%s: %s: must not be empty (give role or roleId)", d.user.Source, l.label(&d, f))
		d.unreadable[fieldRole] = true
	}
	l.entries = append(l.entries, d)
}

// readYAML reads a list of users, or a mapping with users: holding one.
func (l *desiredList) readYAML(data []byte, m *columnMap) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) || (err == nil && len(doc.Content) == 0) {
		l.problem(0, "%s: is empty (comments only): want a list of users", l.at(0))
		l.fatal = true
		return
	} else if err != nil {
		l.yamlError(err)
		return
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		line := more.Line
		if err != nil {
			line = 0
		}
		l.problem(line, "%s: more than one YAML document (---): put every user in one list", l.at(line))
		l.fatal = true
		return
	}
	list := l.topList(resolveAlias(doc.Content[0]))
	if list == nil {
		return
	}
	for i, item := range list.Content {
		item = resolveAlias(item)
		d := desiredEntry{line: item.Line, user: panther.DesiredUser{Source: fmt.Sprintf("%s, entry %d", l.at(item.Line), i+1)}}
		if item.Kind != yaml.MappingNode {
			l.problem(item.Line, "%s: want a mapping such as {email: ..., givenName: ...}, got %s", d.user.Source, yamlKind(item))
			continue
		}
		for _, p := range yamlPairs(item) {
			if f, ok := m.field(p.key.Value); ok {
				// A problem with a key is at the key's line.
				k := entryKey{key: p.key.Value, merged: p.merged, line: p.key.Line, at: fmt.Sprintf("%s, entry %d", l.at(p.key.Line), i+1)}
				l.setField(&d, f, k, func() (fieldValue, error) { return yamlValue(f, resolveAlias(p.value)) })
			}
		}
		l.add(d)
	}
}

// yamlError reports what stops the YAML parser: "people.yaml:3: ...".
func (l *desiredList) yamlError(err error) {
	msg := err.Error()
	line := 0
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, msg = v, after
			}
		}
	}
	l.problem(line, "%s: not YAML: %s", l.at(line), msg)
	l.fatal = true
}

// topList returns the list of users of a YAML document: the node itself, or
// its users: key's value; or nil, having reported why not.
func (l *desiredList) topList(n *yaml.Node) *yaml.Node {
	switch n.Kind {
	case yaml.SequenceNode:
		return n
	case yaml.MappingNode:
		var list *yaml.Node
		for _, p := range yamlPairs(n) {
			if p.key.Value != "users" {
				l.problem(p.key.Line, "%s: unknown key %q: want a list of users, or users: and a list", l.at(p.key.Line), printable(p.key.Value))
				continue
			}
			list = resolveAlias(p.value)
		}
		if list == nil {
			l.problem(n.Line, "%s: a mapping without users:; want a list of users, or users: and a list", l.at(n.Line))
		} else if list.Kind != yaml.SequenceNode {
			l.problem(list.Line, "%s: users: want a list, got %s", l.at(list.Line), yamlKind(list))
			list = nil
		}
		l.fatal = list == nil
		return list
	}
	l.problem(n.Line, "%s: want a list of users, or users: and a list; got %s", l.at(n.Line), yamlKind(n))
	l.fatal = true
	return nil
}

// yamlPair is a key and its value in a mapping; merged when it comes from
// a << merge.
type yamlPair struct {
	key, value *yaml.Node
	merged     bool
}

// yamlPairs returns the pairs of a mapping, its own first, then those of
// its << merges (which YAML lets the mapping's own keys override).
func yamlPairs(n *yaml.Node) []yamlPair {
	var own, merged []yamlPair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag != "!!merge" {
			own = append(own, yamlPair{key: k, value: v})
			continue
		}
		v = resolveAlias(v)
		sources := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			sources = v.Content
		}
		for _, s := range sources {
			if s = resolveAlias(s); s.Kind == yaml.MappingNode {
				for _, p := range yamlPairs(s) {
					p.merged = true
					merged = append(merged, p)
				}
			}
		}
	}
	return append(own, merged...)
}

// resolveAlias returns the node an alias (*name) stands for.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// yamlKind names a node's kind for a message.
func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		return "a value (" + strconv.Quote(printable(n.Value)) + ")"
	}
	return "nothing"
}

// entryKey is a key of a YAML or JSON entry, and where to report it.
type entryKey struct {
	key    string
	merged bool // from a YAML << merge
	line   int
	at     string // "people.yaml:12, entry 4"
}

// setField reads field f of d from key k with read, or reports why not: the
// entry gave the field already, under another name (a key from a << merge
// gives way silently to the entry's own), or its value is of the wrong kind.
func (l *desiredList) setField(d *desiredEntry, f desiredField, k entryKey, read func() (fieldValue, error)) {
	if d.keys[f] != "" {
		if !k.merged {
			l.problem(k.line, "%s: the keys %q and %q both hold %s", k.at, printable(d.keys[f]), printable(k.key), fieldNames[f])
		}
		return
	}
	d.keys[f] = k.key
	v, err := read()
	if err != nil {
		l.problem(k.line, "%s: %s: %v", k.at, l.label(d, f), err)
		d.unreadable[f] = true
		return
	}
	d.vals[f] = v.value
	if v.roleByID {
		d.vals[fieldRole], d.vals[fieldRoleID] = "", v.value
	}
}

// fieldValue is a value read for a field; roleByID when a role object gave
// only an id.
type fieldValue struct {
	value    string
	roleByID bool
}

// yamlValue reads a field's value: a scalar as written (nothing, or ~, as
// none), or for role a mapping with name or id.
func yamlValue(f desiredField, n *yaml.Node) (fieldValue, error) {
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Style == 0 && n.Value != "" && n.Value != "~":
		// Someone called Null, or a value left as null: neither is a name.
		return fieldValue{}, fmt.Errorf("%s is no value in YAML; quote it (%q) if that is the %s", n.Value, n.Value, fieldNames[f])
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return fieldValue{}, nil
	case n.Kind == yaml.ScalarNode:
		return fieldValue{value: n.Value}, nil
	case n.Kind == yaml.MappingNode && f == fieldRole:
		var role struct{ ID, Name string }
		for _, p := range yamlPairs(n) {
			v := resolveAlias(p.value)
			if v.Kind != yaml.ScalarNode {
				return fieldValue{}, fmt.Errorf("%s: want a value, got %s", p.key.Value, yamlKind(v))
			}
			if v.Tag == "!!null" {
				continue
			}
			switch p.key.Value {
			case "id":
				role.ID = v.Value
			case "name":
				role.Name = v.Value
			}
		}
		return roleValue(role.ID, role.Name)
	}
	want := "a value"
	if f == fieldRole {
		want = "a role name, or a mapping with id or name"
	}
	return fieldValue{}, fmt.Errorf("want %s, got %s", want, yamlKind(n))
}

// roleValue picks the role of a role object: its name when it has one (so
// that editing the name of what 'users list -o json' wrote takes effect),
// else its id.
func roleValue(id, name string) (fieldValue, error) {
	switch {
	case name != "":
		return fieldValue{value: name}, nil
	case id != "":
		return fieldValue{value: id, roleByID: true}, nil
	}
	return fieldValue{}, nil
}

// readJSON reads an array of users, or an object with "users" holding one.
func (l *desiredList) readJSON(data []byte, m *columnMap) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	fail := func(err error) {
		var se *json.SyntaxError
		line := 0
		if errors.As(err, &se) {
			line = lineAt(data, int(se.Offset))
		} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			line, err = lineAt(data, len(data)), errors.New("unexpected end of the file")
		}
		l.problem(line, "%s: not JSON: %v", l.at(line), err)
		l.fatal = len(l.entries) == 0
	}
	tok, err := dec.Token()
	if err != nil {
		fail(err)
		return
	}
	switch tok {
	case json.Delim('['):
	case json.Delim('{'):
		found := false
		for dec.More() {
			line := lineAt(data, valueStart(data, dec.InputOffset()))
			key, err := dec.Token()
			if err != nil {
				fail(err)
				return
			}
			if key != "users" {
				l.problem(line, "%s: unknown key %q: want an array of users, or {\"users\": [...]}", l.at(line), printable(fmt.Sprint(key)))
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					fail(err)
					return
				}
				continue
			}
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				if err == nil {
					l.problem(line, "%s: \"users\": want an array", l.at(line))
					l.fatal = true
				} else {
					fail(err)
				}
				return
			}
			found = true
			if !l.readJSONArray(dec, data, m, fail) {
				return
			}
		}
		if !found {
			l.problem(1, "%s: an object without \"users\": want an array of users, or {\"users\": [...]}", l.at(1))
			l.fatal = true
			return
		}
		if _, err := dec.Token(); err != nil { // the object's }
			fail(err)
			return
		}
	default:
		l.problem(1, "%s: want an array of users, or {\"users\": [...]}; got %v", l.at(1), tok)
		l.fatal = true
		return
	}
	if tok == json.Delim('[') && !l.readJSONArray(dec, data, m, fail) {
		return
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line := lineAt(data, valueStart(data, dec.InputOffset()))
		l.problem(line, "%s: more after the end of the users", l.at(line))
	}
}

// readJSONArray reads the elements of an array whose [ dec has read, and its
// ]; false when it had to stop.
func (l *desiredList) readJSONArray(dec *json.Decoder, data []byte, m *columnMap, fail func(error)) bool {
	for i := 0; dec.More(); i++ {
		line := lineAt(data, valueStart(data, dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			fail(err)
			return false
		}
		d := desiredEntry{line: line, user: panther.DesiredUser{Source: fmt.Sprintf("%s, entry %d", l.at(line), i+1)}}
		var fields []jsonField
		if err := json.Unmarshal(raw, (*jsonObject)(&fields)); err != nil {
			l.problem(line, "%s: %v", d.user.Source, err)
			continue
		}
		for _, kv := range fields {
			if f, ok := m.field(kv.key); ok {
				k := entryKey{key: kv.key, line: line, at: d.user.Source}
				l.setField(&d, f, k, func() (fieldValue, error) { return jsonValue(f, kv.value) })
			}
		}
		l.add(d)
	}
	if _, err := dec.Token(); err != nil { // the array's ]
		fail(err)
		return false
	}
	return true
}

// jsonField is one member of a JSON object, in the order written.
type jsonField struct {
	key   string
	value json.RawMessage
}

// jsonObject decodes a JSON object into its members in order.
type jsonObject []jsonField

func (o *jsonObject) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("want an object such as {\"email\": ...}, got %s", jsonKind(b))
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		*o = append(*o, jsonField{key: fmt.Sprint(key), value: v})
	}
	return nil
}

// jsonValue reads a field's value: a string (null as none), or for role an
// object with "name" or "id".
func jsonValue(f desiredField, raw json.RawMessage) (fieldValue, error) {
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return fieldValue{value: s}, err
	case 'n':
		return fieldValue{}, nil
	case '{':
		if f != fieldRole {
			break
		}
		var role struct{ ID, Name *string }
		if err := json.Unmarshal(raw, &role); err != nil {
			return fieldValue{}, fmt.Errorf("want an object with \"id\" or \"name\" strings: %w", err)
		}
		return roleValue(deref(role.ID), deref(role.Name))
	}
	want := "a string"
	if f == fieldRole {
		want = "a role name, or an object with \"id\" or \"name\""
	}
	return fieldValue{}, fmt.Errorf("want %s, got %s", want, jsonKind(raw))
}

// jsonKind names a JSON value's kind for a message.
func jsonKind(b []byte) string {
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// valueStart skips the spaces, commas and colons after offset: the start
// of the next value.
func valueStart(data []byte, offset int64) int {
	i := int(offset)
	for i < len(data) && strings.IndexByte(" \t\r\n,:", data[i]) >= 0 {
		i++
	}
	return i
}

// lineAt returns the line of byte offset i, counted from 1.
func lineAt(data []byte, i int) int {
	return 1 + bytes.Count(data[:min(i, len(data))], []byte("\n"))
}

// check returns nil when the list has no problem and Plan finds none in
// its entries; else one usage error listing every problem, in file order.
// It needs no configuration and sends nothing.
//
// Plan checks every entry before its first request, and with a context
// already canceled it sends none: check calls it so, on a client of its own
// whose address is never reached, with each field the list could not read
// replaced by a value that passes, to get Plan's verdict on all the rest.
func (l *desiredList) check() error {
	var planErr error
	if !l.fatal {
		c, err := panther.NewClient("http://127.0.0.1:9", panther.WithAPIToken("offline-check"))
		if err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, planErr = c.Users.Plan(ctx, l.checkable(), nil)
	}
	problems := slices.Clone(l.problems)
	for _, err := range flatten(planErr) {
		var ee *panther.EntryError
		switch {
		case errors.Is(err, context.Canceled): // the entries passed
		case errors.As(err, &ee) && ee.Index >= 0 && ee.Index < len(l.entries):
			problems = append(problems, l.entryProblem(ee))
		default:
			return err
		}
	}
	if len(problems) == 0 {
		return nil
	}
	slices.SortStableFunc(problems, func(a, b listProblem) int { return a.line - b.line })
	var b strings.Builder
	noun := "problems"
	if len(problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "%s: %d %s; nothing was sent:", printable(l.name), len(problems), noun)
	for _, p := range problems {
		b.WriteString("\n  " + p.msg)
	}
	return usageError{errors.New(b.String())}
}

// entryProblem is Plan's objection to an entry, naming the field by the
// column or key it was read from.
func (l *desiredList) entryProblem(ee *panther.EntryError) listProblem {
	d := &l.entries[ee.Index]
	var ie *panther.InputError
	if !errors.As(ee, &ie) {
		return listProblem{d.line, strings.TrimPrefix(ee.Error(), "panther: ")}
	}
	f := slices.Index(fieldNames[:], ie.Field)
	switch ie.Field {
	case "role", "role.name":
		f = int(fieldRole)
	case "role.id":
		f = int(fieldRoleID)
	}
	label := ie.Field
	if f >= 0 {
		label = l.label(d, desiredField(f))
	}
	return listProblem{d.line, fmt.Sprintf("%s: %s: %s", d.user.Source, label, ie.Problem)}
}

// users returns the entries for Plan.
func (l *desiredList) users() []panther.DesiredUser {
	out := make([]panther.DesiredUser, len(l.entries))
	for i := range l.entries {
		out[i] = l.entries[i].user
	}
	return out
}

// checkable returns the entries for Plan's check, each field a problem has
// been reported for replaced by a value that passes it: a unique address, a
// name, a role.
func (l *desiredList) checkable() []panther.DesiredUser {
	out := l.users()
	for i := range out {
		d := &l.entries[i]
		if d.unreadable[fieldEmail] {
			out[i].Email = fmt.Sprintf("unreadable-%d@placeholder.invalid", i)
		}
		if d.unreadable[fieldGivenName] {
			out[i].GivenName = "unreadable"
		}
		if d.unreadable[fieldFamilyName] {
			out[i].FamilyName = "unreadable"
		}
		if d.unreadable[fieldRole] || d.unreadable[fieldRoleID] {
			out[i].Role = panther.RoleByName("unreadable")
		}
	}
	return out
}

// flatten returns the errors errors.Join joined, or err alone.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
