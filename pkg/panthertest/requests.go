package panthertest

// This file holds the request log.

import (
	"net/http"
	"slices"
	"time"
)

// Request is one request the fake received, as recorded in [Server.Requests].
type Request struct {
	Method   string
	Path     string // decoded path, including any prefix
	RawPath  string // path as sent on the wire (escaped)
	RawQuery string
	// Op is the operationId the request routed to ("user#list",
	// "user#create", "user#get", "user#update", "user#delete"), or "" when
	// it matched no operation (404, 405).
	Op     string
	Header http.Header // as received, X-API-Key included (tokens are fake)
	Body   []byte
	// Status is the status sent, or 0 when no response was sent (a
	// FaultReset, or a request abandoned by the client or by Close).
	Status int
	// Time is when the request arrived, by the server's clock (WithClock).
	Time time.Time
}

func (s *Server) record(r *http.Request, body []byte) *Request {
	e := &Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawPath:  r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     body,
		Time:     s.cfg.now(),
	}
	s.lmu.Lock()
	s.log = append(s.log, e)
	if keep := s.cfg.keep; keep > 0 && len(s.log) >= 2*keep {
		// Drop the oldest in one copy every keep requests: amortized O(1).
		s.log = append(s.log[:0], s.log[len(s.log)-keep:]...)
	}
	s.lmu.Unlock()
	return e
}

func (s *Server) setEntry(e *Request, fn func(*Request)) {
	s.lmu.Lock()
	fn(e)
	s.lmu.Unlock()
}

// Requests returns a copy of every request received since the start or the
// last ResetRequests (only the most recent ones with [WithRequestLog]), in
// arrival order. A request still being served shows
// Status 0.
func (s *Server) Requests() []Request {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	log := s.log
	if keep := s.cfg.keep; keep > 0 && len(log) > keep {
		log = log[len(log)-keep:]
	}
	out := make([]Request, len(log))
	for i, e := range log {
		out[i] = *e
		out[i].Header = e.Header.Clone()
		out[i].Body = slices.Clone(e.Body)
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.lmu.Lock()
	s.log = nil
	s.lmu.Unlock()
}
