// Package bench holds the benchmarks of panther-go, run with `make bench`:
// the wrapper's per-call cost against the generated client and a hand-written
// net/http call, listing at a realistic latency against its floor and its heap
// growth, GetMany's request count, and bulk changes under a rate limit.
//
// The fake server runs in a child process (this test binary, started again),
// so that allocation counts and heap figures are the client's alone and the
// server's work does not compete for the benchmark's goroutines.
package bench
