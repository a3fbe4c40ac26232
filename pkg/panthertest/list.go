package panthertest

// This file holds listing: parsing user#list's parameters (filters, page
// size, cursor), the opaque cursors and paging through the store. The HTTP
// side is UserList in handlers.go.

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pantherkit/panther-go/api"
)

// MaxLimit is the largest page size the list operation accepts, and its
// default.
//
// The fake enforces what the embedded spec declares for user#list's limit
// parameter (its maximum and default); MaxLimit is a copy for callers, and a
// test keeps it equal to both.
const MaxLimit = 60

// opList is the list operation's id.
const opList = "user#list"

// pageSize is user#list's page-size rule, as the spec's limit parameter
// declares it: a limit outside 1..max is a 400, no limit means def.
type pageSize struct{ max, def int }

// listPageSize reads the page-size rule from user#list's limit parameter.
func listPageSize(op *openapi3.Operation) (pageSize, error) {
	p := op.Parameters.GetByInAndName(openapi3.ParameterInQuery, "limit")
	if p == nil || p.Schema == nil || p.Schema.Value == nil {
		return pageSize{}, fmt.Errorf("%s has no limit parameter", opList)
	}
	sch := p.Schema.Value
	def, ok := sch.Default.(float64)
	if sch.Max == nil || !ok {
		return pageSize{}, fmt.Errorf("%s's limit parameter declares no maximum or no default", opList)
	}
	return pageSize{max: int(*sch.Max), def: int(def)}, nil
}

// listQuery is a list request after parsing.
type listQuery struct {
	after       uint64 // cursor: only users with seq > after
	limit       int
	email       string // any case (fold), overrides the rest
	contains    string // folded
	ids         map[string]bool
	deactivated bool
	status      string // "" matches any
}

// cursorPrefix versions the opaque cursor format.
const cursorPrefix = "pt1:"

func encodeCursor(seq uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatUint(seq, 10)))
}

func decodeCursor(c string) (uint64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		s, ok := strings.CutPrefix(string(raw), cursorPrefix)
		if ok {
			if seq, err := strconv.ParseUint(s, 10, 64); err == nil {
				return seq, nil
			}
		}
	}
	return 0, fmt.Errorf("invalid cursor %q", c)
}

// parseList turns the generated params into a listQuery, with the page size
// checked against size. Empty values (the spec allows them) count as absent.
func parseList(p api.UserListParams, size pageSize) (listQuery, error) {
	q := listQuery{limit: size.def}
	if c := deref(p.Cursor); c != "" {
		seq, err := decodeCursor(c)
		if err != nil {
			return q, err
		}
		q.after = seq
	}
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > int64(size.max) {
			return q, fmt.Errorf("limit must be between 1 and %d, got %d", size.max, *p.Limit)
		}
		q.limit = int(*p.Limit)
	}
	q.email = deref(p.Email)
	q.contains = fold(deref(p.Contains))
	if p.Id != nil {
		for _, id := range *p.Id { // an id may contain a comma: never split
			if id != "" {
				q.add(id)
			}
		}
	}
	for id := range strings.SplitSeq(deref(p.Ids), ",") {
		if id = strings.TrimSpace(id); id != "" {
			q.add(id)
		}
	}
	q.deactivated = deref(p.IncludeDeactivated)
	q.status = deref(p.Status)
	return q, nil
}

func (q *listQuery) add(id string) {
	if q.ids == nil {
		q.ids = map[string]bool{}
	}
	q.ids[id] = true
}

func (q *listQuery) match(u *api.UserAPIUser) bool {
	if !u.Enabled && !q.deactivated {
		return false
	}
	if q.ids != nil && !q.ids[deref(u.Id)] {
		return false
	}
	if q.status != "" && deref(u.Status) != q.status {
		return false
	}
	if q.contains != "" &&
		!strings.Contains(fold(u.GivenName), q.contains) &&
		!strings.Contains(fold(u.FamilyName), q.contains) &&
		!strings.Contains(fold(u.Email), q.contains) {
		return false
	}
	return true
}

// list answers one page. next is "" on the last page.
func (st *store) list(q listQuery) (results []api.UserAPIUser, next string) {
	results = []api.UserAPIUser{} // [] not null when empty
	if q.email != "" {
		// "If provided all other parameters are ignored": the whole
		// address in any case (fold, the rule uniqueness follows, so at
		// most one user matches), deactivated users included, never a
		// next page.
		if rec := st.byEmail[fold(q.email)]; rec != nil {
			results = append(results, cloneUser(rec.user))
		}
		return results, ""
	}
	start, _ := slices.BinarySearchFunc(st.users, q.after+1, func(r *userRec, seq uint64) int {
		return cmp.Compare(r.seq, seq)
	})
	var last uint64
	for _, rec := range st.users[start:] {
		if !q.match(&rec.user) {
			continue
		}
		if len(results) == q.limit {
			// One more match exists beyond this page.
			return results, encodeCursor(last)
		}
		results = append(results, cloneUser(rec.user))
		last = rec.seq
	}
	return results, ""
}
