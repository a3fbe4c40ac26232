package main

// rows is the README's performance table. A placeholder
// {Benchmark:metric:format} names a benchmark (without its "Benchmark"
// prefix) and one of the metrics it reports; see internal/bench for what
// each measures.
var rows = []row{
	{
		what: "`Users.Get`: client CPU per call",
		measured: "{Get:cpu-wrapper/nethttp:%.2f}x hand-written `net/http` + `encoding/json` " +
			"({Get:wrapper-cpu-ns/call:µs} vs {Get:nethttp-cpu-ns/call:µs} µs); " +
			"the generated client {Get:cpu-generated/nethttp:%.2f}x, `Raw()` {Get:cpu-raw/nethttp:%.2f}x; " +
			"against hand-written code with `http.Client.Timeout` (itself {Get:cpu-nethttp-timeout/nethttp:%.2f}x), the wrapper is {Get:cpu-wrapper/nethttp-timeout:%.2f}x",
		how: "`BenchmarkGet`: the wrapper as plain `NewClient` makes it (default transport and timeout), its `Raw()`, " +
			"the generated client and hand-written code (without a timeout, and with one), in turns of 10 calls against one server; " +
			"CPU is the client process's user + system time (getrusage), the fake being a child process",
	},
	{
		what: "`Users.Get`: allocations per call",
		measured: "{Get:wrapper-allocs/call:%.0f} vs {Get:nethttp-allocs/call:%.0f} hand-written (+{Get:allocs-wrapper-nethttp:%.0f}); " +
			"the generated client +{Get:allocs-generated-nethttp:%.0f}, `Raw()` +{Get:allocs-raw-nethttp:%.0f}",
		how: "`BenchmarkGet`",
	},
	{
		what:     "`Users.Get`: wall time per call, loopback",
		measured: "{Get:wrapper-ns/call:µs} µs vs {Get:nethttp-ns/call:µs} µs hand-written",
		how:      "`BenchmarkGet`",
	},
	{
		what: "`List` of 3,000 / 30,000 users at 5 ms latency, lazy (the default: no request before the loop asks)",
		measured: "{List/latency=5ms/users=3000/page-work=0s/prefetch=false:x-floor:%.2f}x / " +
			"{List/latency=5ms/users=30000/page-work=0s/prefetch=false:x-floor:%.2f}x the floor (pages × latency), median of five walks; " +
			"{List/latency=5ms/users=3000/page-work=0s/prefetch=false:requests:%.0f} / " +
			"{List/latency=5ms/users=30000/page-work=0s/prefetch=false:requests:%.0f} requests",
		how: "`BenchmarkList/latency=5ms/*/page-work=0s/prefetch=false`",
	},
	{
		what: "the same, with `Prefetch`",
		measured: "{List/latency=5ms/users=3000/page-work=0s/prefetch=true:x-floor:%.2f}x / " +
			"{List/latency=5ms/users=30000/page-work=0s/prefetch=true:x-floor:%.2f}x",
		how: "`BenchmarkList/latency=5ms/*/page-work=0s/prefetch=true`",
	},
	{
		what: "`List` of 3,000 users at 50 ms latency",
		measured: "lazily {List/latency=50ms/users=3000/page-work=0s/prefetch=false:x-floor:%.3f}x the floor, " +
			"with `Prefetch` {List/latency=50ms/users=3000/page-work=0s/prefetch=true:x-floor:%.3f}x",
		how: "`BenchmarkList/latency=50ms/*`",
	},
	{
		what: "the same walks by hand, at 5 ms / 50 ms",
		measured: "hand-written `net/http` {ListBaselines/latency=5ms:x-floor-nethttp:%.2f}x / {ListBaselines/latency=50ms:x-floor-nethttp:%.3f}x the floor, " +
			"the generated client {ListBaselines/latency=5ms:x-floor-generated:%.2f}x / {ListBaselines/latency=50ms:x-floor-generated:%.3f}x; " +
			"lazy `List` takes {ListBaselines/latency=5ms:time-list/nethttp:%.3f}x / {ListBaselines/latency=50ms:time-list/nethttp:%.3f}x the hand-written walk's time, " +
			"with `Prefetch` {ListBaselines/latency=5ms:time-list-prefetch/nethttp:%.3f}x / {ListBaselines/latency=50ms:time-list-prefetch/nethttp:%.3f}x",
		how: "`BenchmarkListBaselines`: the four walks in turns, against one server",
	},
	{
		what: "client CPU and allocations per user listed, at 5 ms",
		measured: "`List` {ListBaselines/latency=5ms:cpu-list/nethttp:%.2f}x hand-written ({ListBaselines/latency=5ms:list-cpu-ns/user:µs} vs " +
			"{ListBaselines/latency=5ms:nethttp-cpu-ns/user:µs} µs), with `Prefetch` {ListBaselines/latency=5ms:cpu-list-prefetch/nethttp:%.2f}x; " +
			"{ListBaselines/latency=5ms:list-allocs/user:%.1f} vs {ListBaselines/latency=5ms:nethttp-allocs/user:%.1f} allocations",
		how: "`BenchmarkListBaselines/latency=5ms`",
	},
	{
		what: "heap while listing 30,000 vs 3,000 users",
		measured: "{ListHeapGrowth:heap-30k/3k:%.2f}x (peak {ListHeapGrowth:peak-heap-30k-KiB:%.0f} vs " +
			"{ListHeapGrowth:peak-heap-3k-KiB:%.0f} KiB above the start, GC slack included)",
		how: "`BenchmarkListHeapGrowth`: one page is held at a time",
	},
	{
		what: "a loop that works 5 ms on each page (3,000 / 30,000 users at 5 ms)",
		measured: "lazily {List/latency=5ms/users=3000/page-work=5ms/prefetch=false:x-floor:%.2f}x / " +
			"{List/latency=5ms/users=30000/page-work=5ms/prefetch=false:x-floor:%.2f}x the floor, with `Prefetch` " +
			"{List/latency=5ms/users=3000/page-work=5ms/prefetch=true:x-floor:%.2f}x / {List/latency=5ms/users=30000/page-work=5ms/prefetch=true:x-floor:%.2f}x",
		how: "`BenchmarkList/*/page-work=5ms/*`, floor = Σ max(latency, the work as it really took)",
	},
	{
		what:     "`GetMany` of 1,000 ids at 5 ms latency",
		measured: "{GetMany:requests:%.0f} requests (60 ids each), {GetMany:x-floor:%.2f}x of requests × 5 ms (four batches in flight)",
		how:      "`BenchmarkGetMany`",
	},
	{
		what: "`UpdateMany` of 500 users against a fake allowing 100 requests/s, 8 workers",
		measured: "{BulkUpdate:rate/allowed:%.2f} of the allowed rate, {BulkUpdate:failed-items:%.0f} failed items, " +
			"{BulkUpdate:429-surfaced:%.0f} 429s surfaced ({BulkUpdate:resent:%.0f} requests resent); connections opened: {BulkUpdate:connections:%.0f}",
		how: "`BenchmarkBulkUpdate`",
	},
	{
		what: "`Plan` of 5,000 desired users against an org of 5,000 at 5 ms latency",
		measured: "{SyncPlan/users=5000:requests:%.0f} requests (the 84 list pages and nothing else), " +
			"{SyncPlan/users=5000:x-floor:%.2f}x the floor (pages × latency), {SyncPlan/users=5000:x-list:%.3f}x a bare `List` walk of the org timed beside it; " +
			"{SyncPlan/users=5000:held-B/user:%.0f} bytes held per user of the org (1,000 users: {SyncPlan/users=1000:held-B/user:%.0f}); " +
			"at 50 ms {SyncPlan/users=5000,latency=50ms:x-floor:%.3f}x the floor, {SyncPlan/users=5000,latency=50ms:x-list:%.3f}x the bare walk",
		how: "`BenchmarkSyncPlan`: 90% of the list matches (a tenth of it changed), 10% is new, prune deletes the 10% it leaves out",
	},
	{
		what: "`Apply` of 500 changes against a fake allowing 100 requests/s, 8 workers",
		measured: "{SyncApply:rate/allowed:%.2f} of the allowed rate (two requests an action: the re-read and the change), " +
			"{SyncApply:failed:%.0f} failed, {SyncApply:duplicated:%.0f} duplicated, {SyncApply:skipped:%.0f} skipped; " +
			"{SyncApply:429-seen:%.0f} 429s seen, {SyncApply:resent:%.0f} requests resent",
		how: "`BenchmarkSyncApply`: 100 creates, 300 updates, 100 deletes, paced at the allowed rate",
	},
}
