package panthertest

// Internal test: the page-size rule the fake enforces comes from the spec,
// and the exported MaxLimit agrees with it.

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestMaxLimitIsTheSpecs: MaxLimit is the maximum and the default that the
// embedded spec declares for user#list's limit, which is what the fake
// enforces.
func TestMaxLimitIsTheSpecs(t *testing.T) {
	t.Parallel()
	sp, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	if want := (pageSize{max: MaxLimit, def: MaxLimit}); sp.pageSize != want {
		t.Errorf("spec's user#list page size = %+v, want %+v (MaxLimit)", sp.pageSize, want)
	}
}

// TestListPageSizeNeedsTheSpecsRule: a spec whose limit parameter lost its
// maximum or default makes loading fail rather than guess a page size.
func TestListPageSizeNeedsTheSpecsRule(t *testing.T) {
	t.Parallel()
	limit := func(s *openapi3.Schema) openapi3.Parameters {
		return openapi3.Parameters{{Value: &openapi3.Parameter{
			In: openapi3.ParameterInQuery, Name: "limit", Schema: &openapi3.SchemaRef{Value: s},
		}}}
	}
	max60 := 60.0
	tests := []struct {
		name   string
		params openapi3.Parameters
		want   string
	}{
		{name: "no limit parameter", params: nil, want: "user#list has no limit parameter"},
		{name: "no maximum", params: limit(&openapi3.Schema{Default: 60.0}), want: "user#list's limit parameter declares no maximum or no default"},
		{name: "no default", params: limit(&openapi3.Schema{Max: &max60}), want: "user#list's limit parameter declares no maximum or no default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := listPageSize(&openapi3.Operation{Parameters: tt.params})
			if err == nil || err.Error() != tt.want {
				t.Errorf("listPageSize error = %v, want %q", err, tt.want)
			}
		})
	}
	got, err := listPageSize(&openapi3.Operation{Parameters: limit(&openapi3.Schema{Max: &max60, Default: 25.0})})
	if want := (pageSize{max: 60, def: 25}); err != nil || got != want {
		t.Errorf("listPageSize = %+v, %v, want %+v", got, err, want)
	}
}
