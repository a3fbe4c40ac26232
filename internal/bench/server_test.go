package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pantherkit/panther-go/pkg/panthertest"
)

// serveEnv, when set in the environment, turns this test binary into a fake
// server: "users=N,latency=D,rps=N". It prints "URL TOKEN" and serves until
// its stdin closes.
const serveEnv = "PANTHER_BENCH_SERVE"

func TestMain(m *testing.M) {
	if spec := os.Getenv(serveEnv); spec != "" {
		if err := serve(spec); err != nil {
			fmt.Fprintln(os.Stderr, "bench server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// fakeConfig says what the child fake server does.
type fakeConfig struct {
	users   int
	latency time.Duration
	rps     int
}

func (c fakeConfig) String() string {
	return fmt.Sprintf("users=%d,latency=%s,rps=%d", c.users, c.latency, c.rps)
}

func serve(spec string) error {
	var cfg fakeConfig
	for _, kv := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "users":
			cfg.users, err = strconv.Atoi(v)
		case "latency":
			cfg.latency, err = time.ParseDuration(v)
		case "rps":
			cfg.rps, err = strconv.Atoi(v)
		default:
			err = fmt.Errorf("unknown key %q", k)
		}
		if err != nil {
			return err
		}
	}
	srv, err := panthertest.Start(
		panthertest.WithUsers(cfg.users),
		panthertest.WithLatency(cfg.latency),
		panthertest.WithRateLimit(cfg.rps),
		panthertest.WithRequestLog(100),
		// Benchmarks measure the client; the fake's own checks still apply.
		panthertest.WithSpecValidation(false),
	)
	if err != nil {
		return err
	}
	defer srv.Close()
	if p := os.Getenv("PANTHER_BENCH_SERVER_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	signal.Ignore(os.Interrupt)
	fmt.Printf("%s %s\n", srv.URL, srv.Token)
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes our stdin
	return nil
}

// fake is a fake server in a child process.
type fake struct {
	URL, Token string
}

// startFake starts a child fake server, stopped when the benchmark ends.
func startFake(b *testing.B, cfg fakeConfig) *fake {
	b.Helper()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), serveEnv+"="+cfg.String())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			err = <-done
		}
		if err != nil {
			b.Errorf("child fake server: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("child fake server: %v", err)
	}
	url, token, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok {
		b.Fatalf("child fake server printed %q", line)
	}
	return &fake{URL: url, Token: token}
}

// requestCounter counts, through httptrace, the requests sent with the
// contexts it makes and the connections they opened: the clients measured
// are the ones users make, with no transport of the benchmark's.
type requestCounter struct {
	requests, dials atomic.Int64
}

// context returns ctx with the counting trace.
func (c *requestCounter) context(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if !info.Reused {
				c.dials.Add(1)
			}
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { c.requests.Add(1) },
	})
}

// newTransport returns a transport like http.DefaultTransport's, with room
// for one idle connection per concurrent worker.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}
