package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseIncompatible reads apidiff's real output for package api in each
// scenario (testdata/apidiff, recorded by TestCapture): removing a parameter,
// a property or an operation removes Go names; additive spec changes are
// compatible, except a new operation, which adds methods to the generated
// interfaces and so breaks their implementations.
func TestParseIncompatible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scenario string
		want     []string
	}{
		{"unchanged", nil},
		{"removed-parameter", []string{"UserListParams.Contains: removed"}},
		{"removed-property", []string{
			"UserAPIUser.LastLoggedInAt: removed",
			"UserCreate200JSONResponse.LastLoggedInAt: removed",
			"UserGet200JSONResponse.LastLoggedInAt: removed",
			"UserUpdate200JSONResponse.LastLoggedInAt: removed",
		}},
		{"removed-request-property", []string{"UserAPIRole.Name: removed"}},
		{"added-optional-property", nil},
		{"added-parameter", nil},
		{"added-operation", []string{
			"ClientInterface.UserTokens: added",
			"ClientWithResponsesInterface.UserTokensWithResponse: added",
			"ServerInterface.UserTokens: added",
			"StrictServerInterface.UserTokens: added",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", "apidiff", tt.scenario+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseIncompatible(string(b))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseIncompatible(%s) mismatch (-want +got):\n%s", tt.scenario, diff)
			}
		})
	}
}

// TestParseIncompatibleRemovedOperation: removing an operation removes every
// name generated for it; spot-check the client method and the server's.
func TestParseIncompatibleRemovedOperation(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "apidiff", "removed-operation.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseIncompatible(string(b))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(*Client).UserDelete: removed", "StrictServerInterface.UserDelete: removed", "UserDeleteResponse: removed"} {
		if !slices.Contains(got, want) {
			t.Errorf("parseIncompatible(removed-operation) lacks %q; got %q", want, got)
		}
	}
}

// TestParseIncompatibleRejects: output that is not apidiff -incompatible's
// (the full report with headers, a load error) is an error, never "no
// incompatible changes".
func TestParseIncompatibleRejects(t *testing.T) {
	t.Parallel()
	for name, out := range map[string]string{
		"full report": "Incompatible changes:\n- UserListParams.Contains: removed\nCompatible changes:\n- UserListParams.Role: added\n",
		"load error":  "loading github.com/pantherkit/panther-go/pkg/panther: -: # github.com/pantherkit/panther-go/pkg/panther\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got, err := parseIncompatible(out); err == nil {
				t.Errorf("parseIncompatible(%q) = %q, nil; want an error", out, got)
			}
		})
	}
}

// TestNewOperationMethod: only a method added to one of the generated
// client and server interfaces counts as a new operation.
func TestNewOperationMethod(t *testing.T) {
	t.Parallel()
	for change, want := range map[string]bool{
		"ClientInterface.UserTokens: added":                          true,
		"ClientWithResponsesInterface.UserTokensWithResponse: added": true,
		"ServerInterface.UserTokens: added":                          true,
		"StrictServerInterface.UserTokens: added":                    true,
		"StrictServerInterface.UserTokens: removed":                  false,
		"UserListParams.Contains: removed":                           false,
		"HttpRequestDoer.Do2: added":                                 false,
		"ClientInterface: added":                                     false,
		"ClientInterface.UserTokens.X: added":                        false,
	} {
		if got := newOperationMethod(change); got != want {
			t.Errorf("newOperationMethod(%q) = %t, want %t", change, got, want)
		}
	}
}
