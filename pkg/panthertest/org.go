package panthertest

// This file holds the realistic org that WithOrg seeds: the mix of kinds of
// user (orgMix, which WithOrg's doc describes), the roles they get, their
// names and times, and how a seed picks one org deterministically.

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/pantherkit/panther-go/api"
)

// DefaultSeed is the seed of the org [WithOrg] seeds unless [WithSeed]
// picks another.
const DefaultSeed int64 = 1

// orgDomain is the org's email domain. WithUsers' users are at example.com,
// so the two never collide.
const orgDomain = "example.org"

// ssoIDPrefix starts the id of an SSO user, followed by the email as the
// identity provider sent it, so an id can hold "@", "+" and ".".
const ssoIDPrefix = "PantherSSO_"

// lastLogin says when a kind of user last logged in.
type lastLogin int

const (
	neverLoggedIn lastLogin = iota // no lastLoggedInAt
	recentLogin                    // 0 to 30 days ago
	staleLogin                     // 95 days to 2 years ago, after createdAt
	lapsedLogin                    // 10 to 200 days ago (RESET_REQUIRED)
)

// orgKind is one row of the mix: how many users in 100 are of this kind and
// what they look like. created is createdAt's range in days before the
// clock.
type orgKind struct {
	per100  int
	sso     bool
	status  string
	enabled bool
	login   lastLogin
	created [2]int
}

const year = 365

// orgMix is the mix WithOrg's doc describes; keep the two in step (a test
// checks the counts for 100 users). Deactivated kinds come last.
var orgMix = []orgKind{
	{per100: 52, status: StatusConfirmed, enabled: true, login: recentLogin, created: [2]int{30, 5 * year}},
	{per100: 8, status: StatusConfirmed, enabled: true, login: staleLogin, created: [2]int{year, 5 * year}},
	{per100: 7, status: StatusForceChangePassword, enabled: true, login: neverLoggedIn, created: [2]int{1, 60}},
	{per100: 3, status: StatusResetRequired, enabled: true, login: lapsedLogin, created: [2]int{year, 4 * year}},
	{per100: 2, status: StatusUnconfirmed, enabled: true, login: neverLoggedIn, created: [2]int{1, 30}},
	{per100: 20, sso: true, status: StatusExternalProvider, enabled: true, login: recentLogin, created: [2]int{30, 3 * year}},
	{per100: 3, sso: true, status: StatusExternalProvider, enabled: true, login: staleLogin, created: [2]int{year, 3 * year}},
	{per100: 3, status: StatusConfirmed, login: staleLogin, created: [2]int{year, 5 * year}},
	{per100: 2, sso: true, status: StatusExternalProvider, login: staleLogin, created: [2]int{year, 3 * year}},
}

// orgName is a name as shown and as it appears in an email address.
type orgName struct{ shown, mail string }

var (
	orgGiven = []orgName{
		{"Aisha", "aisha"}, {"Ben", "ben"}, {"Carmen", "carmen"}, {"Chen", "chen"}, {"Daniel", "daniel"},
		{"Dmitri", "dmitri"}, {"Elena", "elena"}, {"Fatima", "fatima"}, {"Grace", "grace"}, {"Hiroshi", "hiroshi"},
		{"Ingrid", "ingrid"}, {"James", "james"}, {"José", "jose"}, {"Kwame", "kwame"}, {"Laura", "laura"},
		{"Mei", "mei"}, {"Mohammed", "mohammed"}, {"Nadia", "nadia"}, {"Oliver", "oliver"}, {"Priya", "priya"},
		{"Rafael", "rafael"}, {"Sara", "sara"}, {"Søren", "soren"}, {"Tomás", "tomas"}, {"Uma", "uma"},
		{"Wei", "wei"}, {"Yusuf", "yusuf"}, {"Zoë", "zoe"},
	}
	orgFamily = []orgName{
		{"Adeyemi", "adeyemi"}, {"Becker", "becker"}, {"Castillo", "castillo"}, {"Dubois", "dubois"},
		{"Eriksson", "eriksson"}, {"Fischer", "fischer"}, {"García", "garcia"}, {"Haddad", "haddad"},
		{"Ivanova", "ivanova"}, {"Jensen", "jensen"}, {"Kim", "kim"}, {"Kowalski", "kowalski"},
		{"Lovelace", "lovelace"}, {"Mensah", "mensah"}, {"Nakamura", "nakamura"}, {"Ng", "ng"},
		{"O'Brien", "obrien"}, {"Patel", "patel"}, {"Rossi", "rossi"}, {"Silva", "silva"},
		{"Tanaka", "tanaka"}, {"Núñez", "nunez"}, {"van der Berg", "vanderberg"}, {"Wójcik", "wojcik"},
		{"Yilmaz", "yilmaz"}, {"Zhang", "zhang"},
	}
	// orgTags are the "+tag" some people add to their address.
	orgTags = []string{"panther", "secops", "oncall"}
)

// orgRand is the org's source of choices. It draws only PCG's Uint64, whose
// output is fixed by the algorithm, so a seed gives the same org on every
// Go release (math/rand/v2's other methods do not promise that).
type orgRand struct{ src *rand.PCG }

func newOrgRand(seed int64) orgRand {
	const stream = 0x70616e7468657221 // any constant: "panther!"
	return orgRand{src: rand.NewPCG(uint64(seed), stream)}
}

// intn returns a number in [0, n); n > 0. The modulo bias is far below
// anything a test could see.
func (r orgRand) intn(n int) int { return int(r.src.Uint64() % uint64(n)) }

// between returns a number in [lo, hi]; lo <= hi.
func (r orgRand) between(lo, hi int64) int64 { return lo + int64(r.src.Uint64()%uint64(hi-lo+1)) }

// shuffle is Fisher-Yates over s.
func shuffle[T any](r orgRand, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}

// uuid4 returns a random (version 4) UUID drawn from r.
func (r orgRand) uuid4() string {
	var u uuid.UUID
	for i := 0; i < len(u); i += 8 {
		v := r.src.Uint64()
		for j := range 8 {
			u[i+j] = byte(v >> (8 * j))
		}
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

// apportion splits n into len(weights) counts in proportion to weights, by
// largest remainder (ties to the earlier weight). When n allows it, every
// positive weight gets at least one, taken from the largest count.
func apportion(weights []int, n int) []int {
	total, positive := 0, 0
	for _, w := range weights {
		total += w
		if w > 0 {
			positive++
		}
	}
	counts := make([]int, len(weights))
	order := make([]int, len(weights))
	left := n
	for i, w := range weights {
		counts[i] = n * w / total
		left -= counts[i]
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(n*weights[b]%total, n*weights[a]%total)
	})
	for _, i := range order[:left] {
		counts[i]++
	}
	if n < positive {
		return counts
	}
	for i, w := range weights {
		if w > 0 && counts[i] == 0 {
			counts[slices.Index(counts, slices.Max(counts))]--
			counts[i]++
		}
	}
	return counts
}

// spread returns counts[i] copies of each i, shuffled.
func spread(r orgRand, counts []int) []int {
	var out []int
	for i, c := range counts {
		for range c {
			out = append(out, i)
		}
	}
	shuffle(r, out)
	return out
}

// roleWeights gives a role named "Admin" 5 users in 100 and splits the rest
// evenly over the other roles; without an Admin role (or with Admin alone)
// every role gets the same share.
func roleWeights(roles []api.UserAPIRole) []int {
	admin := slices.IndexFunc(roles, func(r api.UserAPIRole) bool { return deref(r.Name) == "Admin" })
	w := make([]int, len(roles))
	for i := range w {
		switch {
		case admin < 0 || len(roles) == 1:
			w[i] = 1
		case i == admin:
			w[i] = 5 * (len(roles) - 1)
		default:
			w[i] = 95
		}
	}
	return w
}

// emailStyle is how a person's address is written.
type emailStyle int

const (
	plainEmail   emailStyle = iota // given.family
	initialEmail                   // gfamily
	taggedEmail                    // given.family+tag
	shoutedEmail                   // Given.Family, as some identity providers send it
)

// emailStyles weighs the styles, per 100 users of each kind.
var emailStyles = []int{plainEmail: 70, initialEmail: 15, taggedEmail: 10, shoutedEmail: 5}

// orgEmail writes the address of given and family in style; n > 1 numbers a
// second person of the same name.
func orgEmail(r orgRand, given, family orgName, style emailStyle, n int) string {
	local, tag := given.mail+"."+family.mail, ""
	switch style {
	case initialEmail:
		local = given.mail[:1] + family.mail
	case taggedEmail:
		tag = "+" + orgTags[r.intn(len(orgTags))]
	case shoutedEmail:
		local = capitalize(given.mail) + "." + capitalize(family.mail)
	}
	if n > 1 {
		local += fmt.Sprint(n)
	}
	return local + tag + "@" + orgDomain
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// orgUsers generates the org of n users for seed, with times before now and
// roles from roles. taken reports an email (any case) or id already in use,
// which the org avoids. The users come oldest first.
func orgUsers(n int, seed int64, now time.Time, roles []api.UserAPIRole, taken func(email, id string) bool) []api.UserAPIUser {
	r := newOrgRand(seed)
	per100 := make([]int, len(orgMix))
	for i, k := range orgMix {
		per100[i] = k.per100
	}
	kinds := spread(r, apportion(per100, n))
	roleOf := spread(r, apportion(roleWeights(roles), n))
	// Styles are shared out within each kind, so that (say) the SSO users
	// have "+" and capitals in their ids as soon as there are a few.
	styleOf := make([]emailStyle, n)
	for ki := range orgMix {
		var at []int
		for i, k := range kinds {
			if k == ki {
				at = append(at, i)
			}
		}
		for j, style := range spread(r, apportion(emailStyles, len(at))) {
			styleOf[at[j]] = emailStyle(style)
		}
	}
	now = now.UTC().Truncate(time.Second)
	const day = int64(24 * time.Hour / time.Second)
	ago := func(seconds int64) *string {
		return ptr(now.Add(-time.Duration(seconds) * time.Second).Format(time.RFC3339))
	}
	used := map[string]int{}    // people per given+family name
	emails := map[string]bool{} // the org's own, folded
	users := make([]api.UserAPIUser, 0, n)
	for i, ki := range kinds {
		k := orgMix[ki]
		given, family := orgGiven[r.intn(len(orgGiven))], orgFamily[r.intn(len(orgFamily))]
		var email, id string
		for {
			used[given.mail+"."+family.mail]++
			email = orgEmail(r, given, family, styleOf[i], used[given.mail+"."+family.mail])
			id = r.uuid4()
			if k.sso {
				id = ssoIDPrefix + email
			}
			if !emails[fold(email)] && !taken(email, id) {
				break
			}
		}
		created := r.between(int64(k.created[0])*day, int64(k.created[1])*day)
		u := api.UserAPIUser{
			Id:         &id,
			Email:      email,
			GivenName:  given.shown,
			FamilyName: family.shown,
			Role:       cloneRole(roles[roleOf[i]]),
			Enabled:    k.enabled,
			CreatedAt:  ago(created),
			Status:     ptr(k.status),
		}
		switch k.login {
		case recentLogin:
			u.LastLoggedInAt = ago(r.between(0, min(30*day, created)))
		case staleLogin:
			u.LastLoggedInAt = ago(r.between(95*day, min(2*year*day, created-day)))
		case lapsedLogin:
			u.LastLoggedInAt = ago(r.between(10*day, min(200*day, created)))
		}
		emails[fold(email)] = true
		users = append(users, u)
	}
	// RFC 3339 in UTC with whole seconds sorts as text.
	slices.SortStableFunc(users, func(a, b api.UserAPIUser) int { return cmp.Compare(*a.CreatedAt, *b.CreatedAt) })
	return users
}

// seedOrg is WithOrg under the lock.
func (st *store) seedOrg(n int, seed int64, now time.Time) []api.UserAPIUser {
	users := orgUsers(n, seed, now, st.roles, func(email, id string) bool {
		return st.byEmail[fold(email)] != nil || st.byID[id] != nil
	})
	for i, u := range users {
		users[i] = st.insert(u)
	}
	return users
}
