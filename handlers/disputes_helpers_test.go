package handlers_test

import (
	"context"
	"testing"

	"kefudesk/models"
)

// disputeAgents adds two pre-sales agents with Wangwang nicks, who log in
// with testPassword.
func disputeAgents(t *testing.T, a *app) (mei, hua models.User) {
	t.Helper()
	mk := func(name, display, nick string) models.User {
		u, err := a.store.CreateUser(context.Background(), models.SystemActor, models.UserForm{
			Username: name, DisplayName: display, Role: models.RoleAgent, Team: models.TeamPresales, Password: testPassword, Nicks: []string{nick}})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return mk("mei", "小美", "云裳:小美"), mk("hua", "阿华", "云裳:阿华")
}
