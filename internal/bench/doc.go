// Package bench holds the benchmarks of panther-go, run with `make bench`
// (and turned into the README's table by `make bench-table`): the
// wrapper's per-call cost against the generated client and a hand-written
// net/http call, listing at 5 ms and 50 ms latency against its floor and
// its heap growth, GetMany's request count, and bulk changes under a rate
// limit.
//
// The wrapper is measured as users make it, with plain NewClient: its
// default transport and timeout, no WithHTTPClient (requests are counted
// through httptrace instead). The fake server runs in a child process
// (this test binary, started again), so that the CPU time (getrusage),
// allocation counts and heap figures are the client's alone and the
// server's work does not compete for the benchmark's goroutines. Variants
// compared in one benchmark run in turns, so that noise on the machine
// falls on all of them alike.
package bench
