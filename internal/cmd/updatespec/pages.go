package main

// This file reads pages: the page list, local files and URLs.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pantherkit/panther-go/internal/specpage"
)

// maxPage caps a page's size: the users page is 15 KB.
const maxPage = 16 << 20

// readList reads a page list: one page per line, blank lines and lines
// starting with # skipped. A relative file name is relative to the list's
// directory, so a list works from wherever the command runs.
func readList(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the page list: %w", err)
	}
	var pages []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !isURL(line) && !filepath.IsAbs(line) {
			line = filepath.Join(filepath.Dir(path), line)
		}
		pages = append(pages, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the page list %s: %w", path, err)
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("the page list %s names no pages", path)
	}
	return pages, nil
}

// isURL says whether a page is to be fetched rather than read from disk.
func isURL(page string) bool {
	return strings.Contains(page, "://")
}

// display is a page's name in messages: the URL without any password.
func display(page string) string {
	if u, err := url.Parse(page); err == nil && isURL(page) && u.User != nil {
		return u.Redacted()
	}
	return page
}

// fetcher reads pages from disk or over HTTP.
type fetcher struct {
	timeout time.Duration // for each page, from dialling to the body's end
}

func (f fetcher) page(ctx context.Context, page string) ([]byte, error) {
	if !isURL(page) {
		data, err := os.ReadFile(page)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", page, unwrapPath(err))
		}
		return data, nil
	}
	name := display(page)
	u, err := url.Parse(page)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", name, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("fetch %s: scheme %q is not http or https", name, u.Scheme)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", name, err)
	}
	req.Header.Set("Accept", "text/markdown, text/plain;q=0.9, */*;q=0.1")
	client := &http.Client{Timeout: f.timeout} // covers the body too
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", name, unwrapURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s, want 200 OK", name, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxPage+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", name, unwrapURL(err))
	}
	if len(data) > maxPage {
		return nil, fmt.Errorf("fetch %s: the page is larger than %d MiB", name, maxPage>>20)
	}
	return data, nil
}

// unwrapURL drops the *url.Error wrapper, whose message repeats the method
// and the URL the caller's message already names.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// unwrapPath drops the *fs.PathError wrapper for the same reason.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// withHint adds to a page with no operations what is most likely wrong:
// Panther serves a page's Markdown at its URL plus .md, HTML at the URL.
func withHint(err error, page string) error {
	if errors.Is(err, specpage.ErrNoOperations) && isURL(page) && !strings.HasSuffix(strings.SplitN(page, "?", 2)[0], ".md") {
		return fmt.Errorf("%w (Panther serves a page's Markdown at its URL with .md appended)", err)
	}
	return err
}
