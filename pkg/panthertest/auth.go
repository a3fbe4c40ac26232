package panthertest

// This file holds API keys and the permissions they carry.

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// Permission is a Panther API token permission relevant to the Users API.
type Permission string

const (
	// PermUserRead is "Read User Info", needed by GET /users and GET /users/{id}.
	PermUserRead Permission = "UserRead"
	// PermUserModify is "Manage Users", needed by POST and DELETE.
	PermUserModify Permission = "UserModify"
)

// headerAPIKey is the header Panther reads the API token from.
const headerAPIKey = "X-API-Key"

// NewToken returns a fresh random API token that carries exactly perms; with
// no perms the token authenticates but every operation answers 403.
func (s *Server) NewToken(perms ...Permission) string {
	var b [20]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand docs)
	tok := "pt_" + hex.EncodeToString(b[:])
	set := map[Permission]bool{}
	for _, p := range perms {
		set[p] = true
	}
	s.mu.Lock()
	s.tokens[tok] = set
	s.mu.Unlock()
	return tok
}

// authorize returns the 401 or 403 status and body to answer when r may not
// run op, or a zero status when it may.
func (s *Server) authorize(r *http.Request, op *operation) (status int, body any) {
	key := r.Header.Get(headerAPIKey)
	if key == "" {
		return http.StatusUnauthorized, messageBody{Message: "Unauthorized: missing " + headerAPIKey + " header"}
	}
	s.mu.Lock()
	perms, ok := s.tokens[key]
	allowed := perms[op.perm]
	s.mu.Unlock()
	if !ok {
		return http.StatusUnauthorized, messageBody{Message: "Unauthorized: invalid API key"}
	}
	if !allowed {
		return http.StatusForbidden, errorBody{Error: "forbidden"}
	}
	return 0, nil
}

// messageBody is the {"message": ...} shape of 400, 401, 404, 405, 429 and
// 5xx answers.
type messageBody struct {
	Message string `json:"message"`
}

// errorBody is the {"error": ...} shape Panther uses for 403.
type errorBody struct {
	Error string `json:"error"`
}
