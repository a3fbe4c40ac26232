package panthertest

// This file implements the generated strict server interface: the five
// users operations, on top of the state in users.go (listing in list.go).
// Any other operation in the spec (a page Panther added) is answered 501 by
// the embedded generated base, after the request was validated like any
// other. The request pipeline around them is in serve.go, spec validation
// in validate.go, auth in auth.go and fault injection in faults.go.

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/pantherkit/panther-go/api"
)

// handlers is the fake's implementation of the generated interface; the
// assertion below is what keeps the fake from drifting from openapi.yaml.
// Its own methods win over the embedded base's, so the users operations are
// checked against the generated types at compile time.
type handlers struct {
	api.StrictUnimplemented
	s *Server
}

var _ api.StrictServerInterface = handlers{}

// UserList implements GET /users.
func (h handlers) UserList(ctx context.Context, req api.UserListRequestObject) (api.UserListResponseObject, error) {
	q, err := parseList(req.Params, h.s.spec.pageSize)
	if err != nil {
		return listBadRequest{Message: err.Error()}, nil
	}
	h.s.mu.Lock()
	results, next := h.s.store.list(q)
	h.s.mu.Unlock()
	resp := api.UserList200JSONResponse{Results: results}
	if next != "" {
		resp.Next = &next
	}
	if ctx.Value(endlessKey{}) != nil {
		// FaultEndlessCursor: hand the same cursor back forever.
		if cur := deref(req.Params.Cursor); cur != "" {
			resp.Next = &cur
		} else {
			resp.Next = ptr(encodeCursor(0))
		}
	}
	return resp, nil
}

// listBadRequest is the 400 the list operation answers for a malformed
// cursor or limit. The spec declares no 400 for user#list, so the generated
// code has no type for it.
type listBadRequest api.UserAPIBadRequestError

func (r listBadRequest) VisitUserListResponse(w http.ResponseWriter) error {
	return writeJSON(w, http.StatusBadRequest, r)
}

// UserCreate implements POST /users.
func (h handlers) UserCreate(_ context.Context, req api.UserCreateRequestObject) (api.UserCreateResponseObject, error) {
	h.s.mu.Lock()
	u, err := h.s.store.create(*req.Body, h.s.cfg.now())
	h.s.mu.Unlock()
	if err != nil {
		return api.UserCreate400JSONResponse{Message: err.Error()}, nil
	}
	return api.UserCreate200JSONResponse(u), nil
}

// UserGet implements GET /users/{id}.
func (h handlers) UserGet(_ context.Context, req api.UserGetRequestObject) (api.UserGetResponseObject, error) {
	h.s.mu.Lock()
	u, err := h.s.store.get(req.Id)
	h.s.mu.Unlock()
	switch {
	case isNotFound(err):
		return api.UserGet404JSONResponse{Message: err.Error()}, nil
	case err != nil:
		return api.UserGet400JSONResponse{Message: err.Error()}, nil
	}
	return api.UserGet200JSONResponse(u), nil
}

// UserUpdate implements POST /users/{id}.
func (h handlers) UserUpdate(_ context.Context, req api.UserUpdateRequestObject) (api.UserUpdateResponseObject, error) {
	h.s.mu.Lock()
	u, err := h.s.store.update(req.Id, *req.Body)
	h.s.mu.Unlock()
	switch {
	case isNotFound(err):
		return api.UserUpdate404JSONResponse{Message: err.Error()}, nil
	case err != nil:
		return api.UserUpdate400JSONResponse{Message: err.Error()}, nil
	}
	return api.UserUpdate200JSONResponse(u), nil
}

// UserDelete implements DELETE /users/{id}.
func (h handlers) UserDelete(_ context.Context, req api.UserDeleteRequestObject) (api.UserDeleteResponseObject, error) {
	h.s.mu.Lock()
	err := h.s.store.remove(req.Id)
	h.s.mu.Unlock()
	switch {
	case isNotFound(err):
		return api.UserDelete404JSONResponse{Message: err.Error()}, nil
	case err != nil:
		return api.UserDelete400JSONResponse{Message: err.Error()}, nil
	}
	return api.UserDelete200Response{}, nil
}

// newAPIHandler mounts the generated routes on a fresh mux, with bind and
// handler errors answered as JSON instead of the generated text/plain.
func newAPIHandler(s *Server) http.Handler {
	badRequest := func(w http.ResponseWriter, _ *http.Request, err error) {
		_ = writeJSON(w, http.StatusBadRequest, messageBody{Message: err.Error()})
	}
	internal := func(w http.ResponseWriter, _ *http.Request, err error) {
		_ = writeJSON(w, http.StatusInternalServerError, messageBody{Message: "panthertest: " + err.Error()})
	}
	strict := api.NewStrictHandlerWithOptions(handlers{s: s}, nil, api.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  badRequest,
		ResponseErrorHandlerFunc: internal,
	})
	return api.HandlerWithOptions(strict, api.StdHTTPServerOptions{
		BaseRouter:       http.NewServeMux(),
		ErrorHandlerFunc: badRequest,
	})
}

// writeJSON writes v as a JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}
