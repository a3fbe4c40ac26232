// This file holds listing: a walk over any list operation whose answer is
// {"results": [...], "next": "..."} and which takes cursor and limit
// parameters (lister), with the guards a broken or hostile server must not
// get past; and the users listing built on it: one page (ListPage), every
// page (Pages) and every user (List).

package panther

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"
	"strings"

	"github.com/pantherkit/panther-go/api"
)

// Errors that end a listing because the server's pages cannot be trusted.
// Each is returned wrapped, with the operation and what was seen, by
// [UsersService.List], [UsersService.Pages] and (the last two)
// [UsersService.ListPage] and [UsersService.GetMany]; match them with
// [errors.Is].
var (
	// ErrRepeatedCursor: the server handed back a page cursor it already gave
	// in the same walk. Following it would loop forever.
	ErrRepeatedCursor = errors.New("panther: the server repeated a page cursor; stopped listing to avoid an endless loop")
	// ErrTooManyPages: the walk reached [ListUsersOptions.MaxPages] pages
	// (default [DefaultMaxPages]) with the server still naming a next page,
	// or [MaxEmptyPages] pages in a row held no users and named a next one.
	ErrTooManyPages = errors.New("panther: the listing did not end")
	// ErrCursorTooLarge: a page named a next cursor longer than
	// [MaxCursorLength] bytes. Each walk remembers every cursor it followed
	// (as a fixed-size digest), so unbounded cursors would cost unbounded
	// requests for nothing.
	ErrCursorTooLarge = errors.New("panther: the server's page cursor is too large")
	// ErrPageTooLarge: a page held more items than the page size asked for
	// ([MaxPageSize] when none was). Panther never sends more; the page is
	// refused while it is decoded, before the extra items are built.
	ErrPageTooLarge = errors.New("panther: the server's page holds more items than asked for")
)

// Limits of a walk. A real listing stays far inside them: Panther's cursors
// are a few hundred bytes, and 10,000 pages of 60 are 600,000 users.
const (
	// DefaultMaxPages is how many pages a walk follows when
	// [ListUsersOptions.MaxPages] is 0.
	DefaultMaxPages = 10_000
	// MaxEmptyPages is how many pages in a row may hold no items and name a
	// next page before the walk stops with [ErrTooManyPages]. A filtered
	// listing can have empty pages that are not the last, but not this many.
	MaxEmptyPages = 100
	// MaxCursorLength is the longest next cursor a walk follows.
	MaxCursorLength = 8 << 10
)

// ListUsersOptions filters and pages a user listing. The zero value lists
// every active user, a server-sized page at a time.
type ListUsersOptions struct {
	// Contains keeps users whose name or email contains it, ignoring case.
	Contains string
	// Status keeps users with this Cognito status, such as "CONFIRMED".
	Status string
	// IDs keeps users with these ids (sent as a repeated id parameter).
	IDs []string
	// IncludeDeactivated also lists deactivated users (Enabled false).
	IncludeDeactivated bool
	// PageSize is the number of users per request, 1..60; 0 leaves it to the
	// server (60). Other values are rejected before any request.
	PageSize int
	// Cursor starts the listing at a page returned earlier as [UserPage.Next].
	Cursor string
	// Prefetch makes [UsersService.List] and [UsersService.Pages] request the
	// next page as soon as a page arrives, while the loop body works on it.
	// It helps when the body takes time per page (a call to another system,
	// a database write): a walk then takes about pages × max(latency, work)
	// instead of pages × (latency + work). The cost: at most one page the
	// loop never asks for is fetched when it breaks early (its request is
	// canceled), and two pages are held in memory instead of one. ListPage
	// ignores it.
	Prefetch bool
	// MaxPages bounds how many pages List and Pages follow; past it the walk
	// ends with [ErrTooManyPages]. 0 means [DefaultMaxPages]; negative values
	// are rejected. ListPage ignores it.
	MaxPages int
}

// UserPage is one page of a listing.
type UserPage struct {
	// Users holds the page's users; it may be short or even empty on a page
	// that is not the last.
	Users []User
	// Next is the cursor of the following page, "" on the last page. Pass it
	// as [ListUsersOptions.Cursor] to resume.
	Next string
}

// ListPage returns one page of users: the first, or the one at opts.Cursor.
// A nil opts is the zero [ListUsersOptions].
//
// It calls GET /users.
func (s *UsersService) ListPage(ctx context.Context, opts *ListUsersOptions) (*UserPage, error) {
	o := copyListOptions(opts)
	if err := checkListOptions(&o); err != nil {
		return nil, err
	}
	p, err := s.lister(o.params()).page(ctx, o.Cursor)
	if err != nil {
		return nil, err
	}
	return userPage(p), nil
}

// Pages returns an iterator over the pages of a listing, starting at
// opts.Cursor. Nothing is fetched until the iteration asks for a page, and
// breaking out of the loop stops fetching. It ends after the page whose Next
// is empty; an error (including invalid options, [ErrRepeatedCursor] and the
// other listing errors above) is yielded once and ends it.
//
// opts is copied when Pages is called, so later changes to it have no effect.
// The iterator can be walked more than once: each walk starts over at
// opts.Cursor and sends its requests anew.
//
// It calls GET /users once per page.
func (s *UsersService) Pages(ctx context.Context, opts *ListUsersOptions) iter.Seq2[*UserPage, error] {
	o := copyListOptions(opts)
	return func(yield func(*UserPage, error) bool) {
		if err := checkListOptions(&o); err != nil {
			yield(nil, err)
			return
		}
		for p, err := range s.lister(o.params()).pages(ctx, o.Cursor, o.walkOptions()) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(userPage(p), nil) {
				return
			}
		}
	}
}

// List returns an iterator over every user of a listing, page by page as
// [UsersService.Pages] fetches them: lazily, stopping on break, with an error
// yielded once (with a zero User) when a page fails. Like Pages, it copies opts
// and can be walked more than once, each walk starting over.
//
//	for u, err := range c.Users.List(ctx, &panther.ListUsersOptions{Contains: "smith"}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(*u.Id, u.Email)
//	}
//
// It calls GET /users once per page.
func (s *UsersService) List(ctx context.Context, opts *ListUsersOptions) iter.Seq2[User, error] {
	o := copyListOptions(opts)
	return func(yield func(User, error) bool) {
		if err := checkListOptions(&o); err != nil {
			yield(User{}, err)
			return
		}
		for u, err := range s.lister(o.params()).items(ctx, o.Cursor, o.walkOptions()) {
			if !yield(u, err) || err != nil {
				return
			}
		}
	}
}

// lister returns the list operation GET /users with params; the walk sets
// the cursor.
func (s *UsersService) lister(params api.UserListParams) lister[User] {
	return lister[User]{
		client: s.client,
		op:     opList,
		limit:  int(deref(params.Limit)),
		send: func(ctx context.Context, cursor string) (*http.Response, error) {
			p := params
			if cursor != "" {
				p.Cursor = &cursor
			}
			return s.client.gen.UserList(ctx, &p)
		},
	}
}

// userPage is p as the exported page type, with a non-nil Users.
func userPage(p page[User]) *UserPage {
	if p.items == nil {
		p.items = []User{}
	}
	return &UserPage{Users: p.items, Next: p.next}
}

// lister is a list operation: one whose answer is {"results": [...],
// "next": "..."}, taking cursor and limit parameters. A new one needs only
// its operation and a send function; the walk, prefetch and guards below are
// shared.
type lister[T any] struct {
	client *Client
	op     operation
	limit  int // the page size send asks for; 0 for the server's (MaxPageSize)
	// send requests the page at cursor ("" for the first).
	send func(ctx context.Context, cursor string) (*http.Response, error)
}

// page is one page of a listing.
type page[T any] struct {
	items []T
	next  string
}

// walkOptions bound and shape a walk.
type walkOptions struct {
	prefetch bool
	maxPages int // 0: DefaultMaxPages
}

func (o *ListUsersOptions) walkOptions() walkOptions {
	return walkOptions{prefetch: o.Prefetch, maxPages: o.MaxPages}
}

// page fetches the page at cursor.
func (l lister[T]) page(ctx context.Context, cursor string) (page[T], error) {
	limit := l.limit
	if limit <= 0 {
		limit = MaxPageSize
	}
	body := pageBody[T]{op: l.op, max: limit}
	err := l.client.call(ctx, &callState{op: l.op}, func(ctx context.Context) (*http.Response, error) {
		return l.send(ctx, cursor)
	}, &body)
	return body.page, err
}

// items iterates the items of every page from cursor on; see pages.
func (l lister[T]) items(ctx context.Context, cursor string, o walkOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for p, err := range l.pages(ctx, cursor, o) {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range p.items {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// pages iterates the pages from cursor on, following next until it is
// absent or empty. Nothing is fetched before the loop asks for the first
// page. A page is yielded before the error that stops the walk at it
// (a repeated cursor, too many pages); an error is yielded once.
//
// With o.prefetch, the request for the next page is sent as soon as a page
// arrives, before the page is yielded: so at most one page the loop has not
// asked for is in flight, and a break or an error cancels it and waits for
// it. No goroutine outlives the walk.
func (l lister[T]) pages(ctx context.Context, cursor string, o walkOptions) iter.Seq2[page[T], error] {
	return func(yield func(page[T], error) bool) {
		g := newWalkGuard(l.op, cursor, o.maxPages)
		var ahead *pageFetch[T] // the request for the page after cur, if sent
		defer func() { ahead.stop() }()
		cur := l.fetch(ctx, cursor, false)
		for {
			r := <-cur.done
			if r.err != nil {
				yield(page[T]{}, r.err)
				return
			}
			stop := g.follow(len(r.page.items), r.page.next)
			if stop == nil && r.page.next != "" && o.prefetch {
				ahead = l.fetch(ctx, r.page.next, true)
			}
			if !yield(r.page, nil) || r.page.next == "" {
				return
			}
			if stop != nil {
				yield(page[T]{}, stop)
				return
			}
			if ahead == nil {
				ahead = l.fetch(ctx, r.page.next, false)
			}
			cur, ahead = ahead, nil
		}
	}
}

// walkGuard decides whether a walk may follow a page's next: not to a
// cursor it followed before, not past its page budget, not after a long run
// of empty pages. It keeps a digest per cursor, so its memory is fixed per
// page whatever the cursors' size.
type walkGuard struct {
	op       operation
	seen     map[[sha256.Size]byte]struct{}
	pages    int // pages fetched so far
	empty    int // empty pages in a row
	maxPages int
}

func newWalkGuard(op operation, start string, maxPages int) *walkGuard {
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	g := &walkGuard{op: op, seen: map[[sha256.Size]byte]struct{}{}, maxPages: maxPages}
	if start != "" {
		g.seen[sha256.Sum256([]byte(start))] = struct{}{}
	}
	return g
}

// follow records a page of n items naming next, and returns the error that
// stops the walk there, or nil when next (if any) may be fetched.
func (g *walkGuard) follow(n int, next string) error {
	g.pages++
	if next == "" {
		return nil
	}
	if n == 0 {
		g.empty++
	} else {
		g.empty = 0
	}
	d := sha256.Sum256([]byte(next))
	if _, again := g.seen[d]; again {
		return ErrRepeatedCursor
	}
	g.seen[d] = struct{}{}
	switch {
	case g.empty >= MaxEmptyPages:
		return fmt.Errorf("%w: %s %s: %d pages in a row held nothing and named a next page", ErrTooManyPages, g.op.method, g.op.path, g.empty)
	case g.pages >= g.maxPages:
		return fmt.Errorf("%w: %s %s: %d pages and the server names another (raise ListUsersOptions.MaxPages to go on)", ErrTooManyPages, g.op.method, g.op.path, g.pages)
	}
	return nil
}

// pageFetch is the request for one page, sent in a goroutine when async.
type pageFetch[T any] struct {
	done   chan pageResult[T]
	cancel context.CancelFunc
}

// pageResult is the outcome of fetching one page.
type pageResult[T any] struct {
	page page[T]
	err  error
}

// fetch fetches the page at cursor: in a goroutine when async, before
// returning otherwise.
func (l lister[T]) fetch(ctx context.Context, cursor string, async bool) *pageFetch[T] {
	f := &pageFetch[T]{done: make(chan pageResult[T], 1)}
	if !async {
		p, err := l.page(ctx, cursor)
		f.done <- pageResult[T]{p, err}
		return f
	}
	ctx, f.cancel = context.WithCancel(ctx)
	go func() {
		p, err := l.page(ctx, cursor)
		f.done <- pageResult[T]{p, err}
	}()
	return f
}

// stop cancels an async fetch and waits for it to end. A nil f is a no-op.
func (f *pageFetch[T]) stop() {
	if f == nil || f.cancel == nil {
		return
	}
	f.cancel()
	<-f.done
}

// pageBody decodes a list answer, {"results": [...], "next": "..."}, item by
// item, refusing a page of more than max items before decoding the extra
// ones and a next longer than MaxCursorLength. As in encoding/json, member
// names match without regard to case, a member given twice keeps its last
// value, and unknown members are skipped.
type pageBody[T any] struct {
	op   operation
	max  int
	page page[T]
}

// decodeBody decodes data, the whole body, item by item, reading its bytes
// twice as json.Decoder does (to find each item's end, then to decode it):
// Client.call hands it the body directly rather than through json.Unmarshal,
// whose validity scan and search for the value's end would read every byte
// of the page twice more first. Malformed JSON, and anything after the
// object, is still an error.
func (b *pageBody[T]) decodeBody(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{', "a list answer"); err != nil {
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := key.(string)
		switch {
		case strings.EqualFold(name, "results"):
			if b.page.items, err = b.results(dec); err != nil {
				return err
			}
		case strings.EqualFold(name, "next"):
			var next *string
			if err := dec.Decode(&next); err != nil {
				return fmt.Errorf("next: %w", err)
			}
			b.page.next = deref(next)
			if len(b.page.next) > MaxCursorLength {
				return fmt.Errorf("%w: %s %s: next is %d bytes, over the %d a walk follows", ErrCursorTooLarge, b.op.method, b.op.path, len(b.page.next), MaxCursorLength)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	if err := expectDelim(dec, '}', "the end of the list answer"); err != nil {
		return err
	}
	if tok, err := dec.Token(); err != io.EOF { //nolint:errorlint // Token returns io.EOF itself at the end
		if err == nil {
			err = fmt.Errorf("invalid data after the list answer: %v", tok)
		}
		return err
	}
	return nil
}

// results decodes the results array (null is no items).
func (b *pageBody[T]) results(dec *json.Decoder) ([]T, error) {
	if !dec.More() {
		return nil, errors.New("results: missing value")
	}
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return nil, err
	}
	if tok != json.Delim('[') {
		return nil, fmt.Errorf("results: got %v, want an array", tok)
	}
	var items []T
	for dec.More() {
		if len(items) == b.max {
			return nil, fmt.Errorf("%w: %s %s: more than the %d items asked for", ErrPageTooLarge, b.op.method, b.op.path, b.max)
		}
		var it T
		if err := dec.Decode(&it); err != nil {
			return nil, fmt.Errorf("results[%d]: %w", len(items), err)
		}
		items = append(items, it)
	}
	_, err = dec.Token() // the closing ]
	return items, err
}

// expectDelim reads the next token and checks it is d.
func expectDelim(dec *json.Decoder, d json.Delim, what string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("got %v, want %s", tok, what)
	}
	return nil
}

// copyListOptions returns a deep copy of opts (the zero value for nil).
func copyListOptions(opts *ListUsersOptions) ListUsersOptions {
	if opts == nil {
		return ListUsersOptions{}
	}
	o := *opts
	o.IDs = slices.Clone(opts.IDs)
	return o
}

// params turns checked options into query parameters; empty fields are left
// out, and so is the cursor, which the walk sets.
func (o *ListUsersOptions) params() api.UserListParams {
	var p api.UserListParams
	if o.Contains != "" {
		p.Contains = &o.Contains
	}
	if o.Status != "" {
		p.Status = &o.Status
	}
	if len(o.IDs) > 0 {
		p.Id = &o.IDs
	}
	if o.IncludeDeactivated {
		t := true
		p.IncludeDeactivated = &t
	}
	if o.PageSize > 0 {
		n := int64(o.PageSize)
		p.Limit = &n
	}
	return p
}
