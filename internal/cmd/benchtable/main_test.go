package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// runTool runs the command with args and stdin, returning its exit code
// and output.
func runTool(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestTable: the table of testdata/bench.out, three runs of make bench.
func TestTable(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runTool(t, "", "-in", filepath.Join("testdata", "bench.out"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "table.golden", stdout)
}

const sample = `goos: linux
cpu: Test CPU
BenchmarkA-2   	3000	  1.105 cpu-x/y	  90.2 allocs/call	  81234 x-ns/call	0 ns/op
BenchmarkA-2   	3000	  1.121 cpu-x/y	  90.4 allocs/call	  79876 x-ns/call	0 ns/op
BenchmarkB/n=3-2	5	  2.000 x-floor
PASS
`

// TestRender: one run's value shows alone, several as their range, after
// formatting; µs turns nanoseconds into microseconds.
func TestRender(t *testing.T) {
	t.Parallel()
	res, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	got, err := render(res, []row{
		{what: "a", measured: "{A:cpu-x/y:%.2f}x, {A:allocs/call:%.0f}, {A:x-ns/call:µs} µs", how: "h"},
		{what: "b", measured: "{B/n=3:x-floor:%.1f}x", how: "h"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := BeginMarker + "\n\nFrom 2 runs of `make bench` on Test CPU, GOMAXPROCS 2; a range is the lowest and highest value over the runs.\n\n" +
		"| what | measured | how |\n| --- | --- | --- |\n" +
		"| a | 1.10-1.12x, 90, 79.9-81.2 µs | h |\n" +
		"| b | 2.0x | h |\n\n" + EndMarker + "\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("render() mismatch (-want +got):\n%s", diff)
	}
}

// TestMissingMetric: a metric the output lacks fails the command, naming
// it, and leaves the README alone.
func TestMissingMetric(t *testing.T) {
	t.Parallel()
	readme := filepath.Join(t.TempDir(), "README.md")
	before := "intro\n" + BeginMarker + "\nold table\n" + EndMarker + "\nafter\n"
	if err := os.WriteFile(readme, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runTool(t, sample, "-readme", readme)
	if code != 1 || !strings.Contains(stderr, "BenchmarkGet cpu-wrapper/nethttp") {
		t.Errorf("exit %d, stderr %q; want 1 naming BenchmarkGet cpu-wrapper/nethttp", code, stderr)
	}
	if after, _ := os.ReadFile(readme); string(after) != before {
		t.Errorf("README changed:\n%s", after)
	}
}

// TestRewrite: only what lies between the markers changes, and running
// again changes nothing more.
func TestRewrite(t *testing.T) {
	t.Parallel()
	readme := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(readme, []byte("intro\n\n"+BeginMarker+"\nold table\n"+EndMarker+"\n\nafter\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, table, _ := runTool(t, "", "-in", filepath.Join("testdata", "bench.out"))
	for range 2 {
		if code, _, stderr := runTool(t, "", "-in", filepath.Join("testdata", "bench.out"), "-readme", readme); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		got, err := os.ReadFile(readme)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff("intro\n\n"+table+"\nafter\n", string(got)); diff != "" {
			t.Errorf("README mismatch (-want +got):\n%s", diff)
		}
	}
}

// TestNoMarkers: a file without the markers is an error, not a file with a
// table appended somewhere.
func TestNoMarkers(t *testing.T) {
	t.Parallel()
	readme := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(readme, []byte("no table here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runTool(t, "", "-in", filepath.Join("testdata", "bench.out"), "-readme", readme)
	if code != 1 || !strings.Contains(stderr, "no table to rewrite") {
		t.Errorf("exit %d, stderr %q; want 1 and no table to rewrite", code, stderr)
	}
}

// TestNoResults: input without benchmark lines (a build failure, say) is an
// error.
func TestNoResults(t *testing.T) {
	t.Parallel()
	code, _, stderr := runTool(t, "FAIL\tgithub.com/x [build failed]\n")
	if code != 1 || !strings.Contains(stderr, "no benchmark results") {
		t.Errorf("exit %d, stderr %q; want 1 and no benchmark results", code, stderr)
	}
}
