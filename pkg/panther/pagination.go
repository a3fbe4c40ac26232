// This file holds listing: one page (ListPage), every page (Pages) and every
// user (List), as lazy iterators over the cursor the API returns.

package panther

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"runtime"
	"slices"

	"github.com/pantherkit/panther-go/api"
)

// ErrRepeatedCursor is returned by [UsersService.List] and [UsersService.Pages]
// when the server hands back a page cursor it already gave in the same walk.
// Following it would loop forever, so the walk stops.
var ErrRepeatedCursor = errors.New("panther: the server repeated a page cursor; stopped listing to avoid an endless loop")

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
	// next page as soon as its cursor is read: before the current page's
	// users are decoded, and while the loop body works on them. It helps
	// most when the body takes time per page (a call to another system, a
	// database write): a walk then takes about pages × max(latency, work)
	// instead of pages × (latency + work); with no work it still takes the
	// decoding off each round trip. The cost: at most one page the loop
	// never asks for is fetched when it breaks early (its request is
	// canceled), and two pages are held in memory instead of one. ListPage
	// ignores it.
	Prefetch bool
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
	return s.listPage(ctx, o.params(), nil)
}

// Pages returns an iterator over the pages of a listing, starting at
// opts.Cursor. Nothing is fetched until the iteration asks for a page, and
// breaking out of the loop stops fetching. It ends after the page whose Next
// is empty; an error (including invalid options, and [ErrRepeatedCursor]) is
// yielded once and ends it.
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
		for page, err := range s.walk(ctx, o.params(), o.Prefetch) {
			if !yield(page, err) || err != nil {
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
	pages := s.Pages(ctx, opts)
	return func(yield func(User, error) bool) {
		for page, err := range pages {
			if err != nil {
				yield(User{}, err)
				return
			}
			for _, u := range page.Users {
				if !yield(u, nil) {
					return
				}
			}
		}
	}
}

// walk iterates the pages of a listing with params, following next until it
// is absent or empty, and failing with ErrRepeatedCursor instead of looping.
// It does not check params: callers do.
//
// With prefetch, once the loop has asked for a page, the request for the
// page after it is sent as soon as the cursor is known: while the loop body
// works on the page, and, when the response names next before its users (as
// Panther's schema orders it), even before those users are decoded. So at
// most one page the loop has not asked for is in flight, and a break or an
// error cancels it and waits for it: no goroutine outlives the walk.
func (s *UsersService) walk(ctx context.Context, params api.UserListParams, prefetch bool) iter.Seq2[*UserPage, error] {
	return func(yield func(*UserPage, error) bool) {
		p := params // each walk owns its cursor
		seen := make(map[string]struct{})
		if p.Cursor != nil {
			seen[*p.Cursor] = struct{}{}
		}
		var ahead *pageFetch // the request for the page after cur, if sent
		defer func() { ahead.stop() }()
		cur := s.fetchPage(ctx, p, prefetch)
		for {
			// The loop has asked for cur's page.
			if prefetch {
				if next, ok := <-cur.early; ok && next != "" {
					if _, again := seen[next]; !again {
						ahead = s.fetchPage(ctx, withCursor(p, next), true)
					}
				}
			}
			r := <-cur.done
			if r.err != nil {
				yield(nil, r.err)
				return
			}
			page := r.page
			if ahead != nil && *ahead.params.Cursor != page.Next {
				ahead.stop() // the body named next twice, and this one wins
				ahead = nil
			}
			if page.Next != "" {
				if _, again := seen[page.Next]; again {
					if yield(page, nil) {
						yield(nil, ErrRepeatedCursor)
					}
					return
				}
				seen[page.Next] = struct{}{}
				p = withCursor(p, page.Next)
				if prefetch && ahead == nil {
					ahead = s.fetchPage(ctx, p, true)
				}
			}
			if !yield(page, nil) || page.Next == "" {
				return
			}
			if ahead == nil {
				ahead = s.fetchPage(ctx, p, false)
			}
			cur, ahead = ahead, nil
		}
	}
}

// withCursor returns params for the page at cursor.
func withCursor(params api.UserListParams, cursor string) api.UserListParams {
	params.Cursor = &cursor
	return params
}

// pageFetch is the request for one page. An async fetch reports on early the
// page's cursor as soon as the response names it before its users, or closes
// early without a value; either way before the page arrives on done.
type pageFetch struct {
	params api.UserListParams
	early  chan string
	done   chan pageResult
	cancel context.CancelFunc
}

// pageResult is the outcome of fetching one page.
type pageResult struct {
	page *UserPage
	err  error
}

// fetchPage fetches a page, in a goroutine when async and before returning
// otherwise.
func (s *UsersService) fetchPage(ctx context.Context, params api.UserListParams, async bool) *pageFetch {
	f := &pageFetch{params: params, early: make(chan string, 1), done: make(chan pageResult, 1)}
	if !async {
		page, err := s.listPage(ctx, params, nil)
		close(f.early)
		f.done <- pageResult{page, err}
		return f
	}
	ctx, f.cancel = context.WithCancel(ctx)
	go func() {
		page, err := s.listPage(ctx, params, func(next string) {
			f.early <- next
			// Let the walk send the next request now, on this P, rather
			// than once another P gets round to it (~0.1 ms later, measured
			// with BenchmarkList) while this goroutine decodes the users.
			runtime.Gosched()
		})
		close(f.early)
		f.done <- pageResult{page, err}
	}()
	return f
}

// stop cancels an async fetch and waits for it to end. A nil f is a no-op.
func (f *pageFetch) stop() {
	if f == nil || f.cancel == nil {
		return
	}
	f.cancel()
	<-f.done
}

// listPage fetches one page. If early is not nil, it is called with the
// page's cursor as soon as the body is read, when next is its first member.
func (s *UsersService) listPage(ctx context.Context, params api.UserListParams, early func(next string)) (*UserPage, error) {
	out := &listBody{early: early}
	err := s.client.call(ctx, &callState{op: opList}, func(ctx context.Context) (*http.Response, error) {
		return s.client.gen.UserList(ctx, &params)
	}, out)
	if err != nil {
		return nil, err
	}
	page := &UserPage{Users: out.resp.Results}
	if page.Users == nil {
		page.Users = []User{}
	}
	if out.resp.Next != nil {
		page.Next = *out.resp.Next
	}
	return page, nil
}

// listBody decodes a list response, first reporting its cursor to early when
// next leads the body, so that the next page's request can be sent while
// this page's users are decoded.
type listBody struct {
	early func(next string)
	resp  api.UserAPIListResp
}

func (l *listBody) decodeBody(body []byte) error {
	if l.early != nil {
		if next, ok := leadingNext(body); ok {
			l.early(next)
		}
	}
	return json.Unmarshal(body, &l.resp)
}

// leadingNext returns the value of next when it is the first member of the
// JSON object in body ("" for null), reading no further than that.
func leadingNext(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	if t, err := dec.Token(); err != nil || t != "next" {
		return "", false
	}
	switch t, err := dec.Token(); v := t.(type) {
	case string:
		return v, err == nil
	case nil:
		return "", err == nil
	}
	return "", false
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

// params turns checked options into query parameters; empty fields are left out.
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
	if o.Cursor != "" {
		p.Cursor = &o.Cursor
	}
	return p
}
