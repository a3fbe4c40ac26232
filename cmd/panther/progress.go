package main

import (
	"fmt"
	"strconv"
)

// progress reports a long listing on stderr, only when stderr is a terminal:
// scripts that capture stderr get nothing but real messages.
type progress struct {
	e        env
	terminal bool // stderr is a terminal, asked once in newProgress
	shown    bool
}

func newProgress(e env) *progress {
	return &progress{e: e, terminal: e.isTerminal(e.stderr)}
}

func (p *progress) update(users, pages int) {
	if !p.terminal {
		return
	}
	p.shown = true
	fmt.Fprintf(p.e.stderr, "\rfetched %s (%s)", countNoun(users, "user"), countNoun(pages, "page"))
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.e.stderr)
	}
}

// countNoun is "1 page" or "3 pages".
func countNoun(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}
