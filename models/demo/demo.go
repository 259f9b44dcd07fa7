// Package demo loads a small demo shop: its team and, as each work area
// lands, that area's sample records. Loading twice changes nothing.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"kefudesk/models"
)

// Password is every demo user's password, printed by `make run`.
const Password = "kefudesk"

// Login is a demo account to print.
type Login struct {
	Username, Display string
	Role              models.Role
}

var team = []models.UserForm{
	{Username: "admin", DisplayName: "系统管理员", Role: models.RoleAdmin},
	{Username: "manager", DisplayName: "王店长", Role: models.RoleManager},
	{Username: "qc", DisplayName: "质检李娜", Role: models.RoleQC, Team: models.TeamQC},
	{Username: "xiaomei", DisplayName: "小美", Role: models.RoleAgent, Team: models.TeamPresales, Nicks: []string{"云裳旗舰店:小美", "云裳旗舰店:小美2"}},
	{Username: "ahua", DisplayName: "阿华", Role: models.RoleAgent, Team: models.TeamPresales, Nicks: []string{"云裳旗舰店:阿华"}},
	{Username: "xiaoqing", DisplayName: "小晴", Role: models.RoleAgent, Team: models.TeamAftersales, Nicks: []string{"云裳旗舰店:小晴"}},
	{Username: "dapeng", DisplayName: "大鹏", Role: models.RoleAgent, Team: models.TeamAftersales, Nicks: []string{"云裳旗舰店:大鹏"}},
	{Username: "lingling", DisplayName: "玲玲", Role: models.RoleAgent, Team: models.TeamAssistance, Nicks: []string{"云裳旗舰店:玲玲"}},
}

// Load creates what is missing of the demo shop and returns its logins.
func Load(ctx context.Context, store *models.Store) ([]Login, error) {
	out, err := LoadTeam(ctx, store)
	if err != nil {
		return nil, err
	}
	if _, err := loadChats(ctx, store); err != nil {
		return nil, fmt.Errorf("demo: chats: %w", err)
	}
	if err := loadOrders(ctx, store); err != nil {
		return nil, err
	}
	if err := loadReviews(ctx, store); err != nil {
		return nil, err
	}
	if err := loadAttribution(ctx, store); err != nil {
		return nil, err
	}
	if err := loadBadReviews(ctx, store, time.Now()); err != nil {
		return nil, err
	}
	if err := loadVIPs(ctx, store, time.Now()); err != nil {
		return nil, err
	}
	if err := loadShifts(ctx, store); err != nil {
		return nil, err
	}
	// The performance pages read daily figures; compute them now so the
	// demo opens with them rather than after the server's first refresh.
	if err := store.RefreshAllSalesDays(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadTeam creates the demo team's accounts that are missing (the scale
// generator starts from them too) and returns their logins.
func LoadTeam(ctx context.Context, store *models.Store) ([]Login, error) {
	var out []Login
	for _, f := range team {
		out = append(out, Login{Username: f.Username, Display: f.DisplayName, Role: f.Role})
		_, err := store.UserByUsername(ctx, f.Username)
		if err == nil {
			continue // already there: keep whatever the demo user changed
		}
		if !errors.Is(err, models.ErrNotFound) {
			return nil, err
		}
		f.Password = Password
		if _, err := store.CreateUser(ctx, models.Actor{Name: "demo"}, f); err != nil {
			return nil, fmt.Errorf("demo: create %s: %w", f.Username, err)
		}
	}
	return out, nil
}
