package main

// Shell completion of flag values and user ids ('panther completion --help'
// installs it). Values that come from Panther (ids, roles) are read with one
// request of one page, a short timeout and no retries, and any failure gives
// the fallback quietly: a shell must never hang or print errors on Tab.

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pantherkit/panther-go/pkg/panther"
)

// defaultRoles are the roles a Panther deployment starts with; they can be
// renamed, so they are only what completion offers when it cannot ask.
var defaultRoles = []string{"Admin", "Analyst", "AnalystReadOnly"}

// registerCompletions adds completion of flag values and user ids to the
// commands under root, for the flags each has.
func registerCompletions(root *cobra.Command, e env, g *globals) {
	formats := make([]cobra.Completion, len(outputFormats))
	for i, f := range outputFormats {
		formats[i] = cobra.CompletionWithDesc(f.name, f.desc)
	}
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	roles := func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return roleCompletions(cmd.Context(), g.quietClient(e)), cobra.ShellCompDirectiveNoFileComp
	}
	ids := func(cmd *cobra.Command, a []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if cmd.Name() != "delete" && len(a) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp // one id only
		}
		return idCompletions(cmd.Context(), g.quietClient(e), a, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
	walk(root, func(c *cobra.Command) {
		if c.Flags().Lookup("status") != nil {
			_ = c.RegisterFlagCompletionFunc("status", cobra.FixedCompletions(userStatuses, cobra.ShellCompDirectiveNoFileComp))
		}
		for _, name := range []string{"role", "admin-role"} {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, roles)
			}
		}
		if c.Parent() != nil && c.Parent().Name() == "users" && slices.Contains([]string{"get", "update", "delete"}, c.Name()) {
			c.ValidArgsFunction = ids
		}
	})
}

func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

// completionPage reads the first page of users for completion, or nil.
func completionPage(ctx context.Context, c *panther.Client) []panther.User {
	if c == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	page, err := c.Users.ListPage(ctx, &panther.ListUsersOptions{PageSize: panther.MaxPageSize})
	if err != nil {
		return nil
	}
	return page.Users
}

// roleCompletions are the roles the users of the first page have, or the
// default roles when Panther cannot be asked (or has no users).
func roleCompletions(ctx context.Context, c *panther.Client) []cobra.Completion {
	var roles []string
	for _, u := range completionPage(ctx, c) {
		if name := u.GetRole().GetName(); name != "" && completable(name) && !slices.Contains(roles, name) {
			roles = append(roles, name)
		}
	}
	if len(roles) == 0 {
		return defaultRoles
	}
	slices.Sort(roles)
	return roles
}

// idCompletions are the ids of the first page's users that start with
// prefix and are not in given, each described by its name and email.
func idCompletions(ctx context.Context, c *panther.Client, given []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, u := range completionPage(ctx, c) {
		id := u.GetId()
		if !completable(id) || !strings.HasPrefix(id, prefix) || slices.Contains(given, id) {
			continue
		}
		desc := strings.TrimSpace(u.GivenName + " " + u.FamilyName + " <" + u.Email + ">")
		out = append(out, cobra.CompletionWithDesc(id, printable(desc)))
	}
	return out
}

// completable reports whether a value can be offered to a shell as it is:
// one with a hidden character would be inserted as something else.
func completable(s string) bool {
	return s != "" && printable(s) == s && !strings.ContainsAny(s, " \t")
}
