// Package panthertest provides a fake Panther Users REST API server for tests
// that cannot reach a real Panther instance.
//
// The fake is built on the strict server interface generated from the
// embedded openapi.yaml (package api), so it cannot drift from the spec, and
// it is stricter than Panther: every request is validated against the spec
// before it reaches the fake's logic (an invalid one gets the spec's 400 JSON
// body) and every response the fake writes is validated too (an invalid one
// fails the test given with [WithTB], or is answered as a 500 and reported by
// [Server.Errors]).
//
// Like [net/http/httptest], [NewServer] starts a server on a loopback port
// and [Server.Close] shuts it down. On top of the five operations it offers
// API keys with and without the "Manage Users" permission, seeding helpers
// ([WithUsers] for n identical-looking active users a test can count,
// [WithOrg] for a deterministic org with the variety of a real one), a
// request log, latency, a rate limit and deterministic fault injection
// ([Server.Inject]) for exercising a client's retry and error paths.
//
// A Server is safe for concurrent use by multiple goroutines.
package panthertest
