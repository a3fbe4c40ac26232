package specpage_test

import (
	"strings"
	"testing"

	"github.com/pantherkit/panther-go/internal/specpage"
)

func TestOneLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 600) // 1,200 bytes
	tests := []struct{ in, want string }{
		{"one line", "one line"},
		{"bad schema:\n  Schema:\r\n    {\n\n  }\n", "bad schema: Schema: { }"},
		{long, long[:1000] + "..."},
		{long[:1001] + "x", long[:1000] + "..."}, // never cuts a rune in two
	}
	for _, tt := range tests {
		if got := specpage.OneLine(tt.in); got != tt.want {
			t.Errorf("OneLine(%.40q) = %.40q... (%d bytes), want %.40q... (%d bytes)", tt.in, got, len(got), tt.want, len(tt.want))
		}
	}
}
