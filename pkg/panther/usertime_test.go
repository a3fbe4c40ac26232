package panther_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// TestUserTimes decodes users as the API sends them and reads their
// timestamps: absent, null, RFC 3339 with and without fractions, other
// offsets, and garbage.
func TestUserTimes(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name   string
		fields string
		want   time.Time
		ok     bool
	}{
		{"absent", ``, time.Time{}, false},
		{"null", `"lastLoggedInAt":null,"createdAt":null,`, time.Time{}, false},
		{"empty", `"lastLoggedInAt":"","createdAt":"",`, time.Time{}, false},
		{"seconds", `"lastLoggedInAt":"2024-03-01T09:30:00Z","createdAt":"2024-03-01T09:30:00Z",`, at("2024-03-01T09:30:00Z"), true},
		{"milliseconds", `"lastLoggedInAt":"2024-03-01T09:30:00.123Z","createdAt":"2024-03-01T09:30:00.123Z",`, at("2024-03-01T09:30:00.123Z"), true},
		{"nanoseconds", `"lastLoggedInAt":"2024-03-01T09:30:00.123456789Z","createdAt":"2024-03-01T09:30:00.123456789Z",`, at("2024-03-01T09:30:00.123456789Z"), true},
		{"offset", `"lastLoggedInAt":"2024-03-01T10:30:00+01:00","createdAt":"2024-03-01T10:30:00+01:00",`, at("2024-03-01T09:30:00Z"), true},
		{"date only", `"lastLoggedInAt":"2024-03-01","createdAt":"2024-03-01",`, time.Time{}, false},
		{"garbage", `"lastLoggedInAt":"yesterday","createdAt":"yesterday",`, time.Time{}, false},
	}
	for _, tt := range tests {
		var u panther.User
		body := `{` + tt.fields + `"email":"a@example.com","givenName":"A","familyName":"B","enabled":true,"role":{"name":"Admin"}}`
		if err := json.Unmarshal([]byte(body), &u); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for name, f := range map[string]func(*panther.User) (time.Time, bool){
			"CreatedAt": panther.CreatedAt, "LastLoggedInAt": panther.LastLoggedInAt,
		} {
			got, ok := f(&u)
			if !got.Equal(tt.want) || ok != tt.ok {
				t.Errorf("%s: %s() = %v, %t; want %v, %t", tt.name, name, got, ok, tt.want, tt.ok)
			}
		}
	}
	if _, ok := panther.LastLoggedInAt(nil); ok {
		t.Error("LastLoggedInAt(nil) is ok")
	}
}

// TestGettersNeedNoNilChecks: a user the API sent with every optional field
// left out reads as zero values through its getters, down the role too; so
// does a nil user.
func TestGettersNeedNoNilChecks(t *testing.T) {
	t.Parallel()
	var u panther.User
	if err := json.Unmarshal([]byte(`{"email":"a@example.com","givenName":"A","familyName":"B","enabled":true,"role":{}}`), &u); err != nil {
		t.Fatal(err)
	}
	var nilUser *panther.User
	for _, v := range []*panther.User{&u, nilUser} {
		if v.GetId() != "" || v.GetStatus() != "" || v.GetRole().GetName() != "" || v.GetRole().GetId() != "" || v.GetLastLoggedInAt() != "" {
			t.Errorf("getters of %+v are not all zero", v)
		}
	}
	u.Status, u.Role.Name = new(string), new(string)
	*u.Status, *u.Role.Name = "CONFIRMED", "Admin"
	if u.GetStatus() != "CONFIRMED" || u.GetRole().GetName() != "Admin" {
		t.Errorf("getters = %q, %q; want the fields", u.GetStatus(), u.GetRole().GetName())
	}
}
