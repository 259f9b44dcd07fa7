package models

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"
)

// AgentPeople resolves the names agents appear under (Wangwang nicks in
// chats, names in order remarks) to users, and users to names to show.
type AgentPeople struct {
	byNick  map[string]int64
	byName  map[string]int64 // lower-case display names, usernames and nick suffixes
	Users   map[int64]User
	Ordered []User // agents, by team and name
}

// AgentPeople is every user and their nicks, indexed; a kept copy of the
// directory's (versionedCache), shared by the requests that read it: its
// maps and slices are read, never written.
func (s *Store) AgentPeople(ctx context.Context) (AgentPeople, error) {
	return s.people.get(ctx, s, struct{}{}, func(ctx context.Context) (AgentPeople, error) {
		us, err := s.ListUsers(ctx)
		if err != nil {
			return AgentPeople{}, err
		}
		return indexPeople(us), nil
	})
}

// indexPeople indexes users by nick and name.
func indexPeople(us []User) AgentPeople {
	p := AgentPeople{byNick: map[string]int64{}, byName: map[string]int64{}, Users: map[int64]User{}}
	for _, u := range us {
		p.Users[u.ID] = u
		if u.Role == RoleAgent && !u.Disabled {
			p.Ordered = append(p.Ordered, u)
		}
		for _, n := range u.Nicks {
			p.byNick[n] = u.ID
			if i := strings.LastIndexAny(n, ":："); i >= 0 {
				_, w := utf8.DecodeRuneInString(n[i:])
				p.addName(n[i+w:], u.ID) // "店:小美" is also "小美"

			}
			p.addName(n, u.ID)
		}
		p.addName(u.DisplayName, u.ID)
		p.addName(u.Username, u.ID)
	}
	return p
}

// addName keeps the first user a name points to: an ambiguous name is
// resolved to whoever claimed it first (display names before nick parts
// would be nicer, but names in one shop rarely collide).
func (p AgentPeople) addName(name string, id int64) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return
	}
	if _, ok := p.byName[name]; !ok {
		p.byName[name] = id
	}
}

// userKey is the engine's key of a user; unmapped nicks are their own key.
func userKey(id int64) string { return "u" + strconv.FormatInt(id, 10) }

// UserOfKey returns the user behind an engine key.
func UserOfKey(key string) (int64, bool) {
	if !strings.HasPrefix(key, "u") {
		return 0, false
	}
	id, err := strconv.ParseInt(key[1:], 10, 64)
	return id, err == nil
}

// KeyOfNick maps a chat nick to its key: the user's, or the nick itself.
func (p AgentPeople) KeyOfNick(nick string) string {
	if id, ok := p.byNick[nick]; ok {
		return userKey(id)
	}
	return nick
}

// KeyOfName resolves a name written in a remark.
func (p AgentPeople) KeyOfName(name string) (string, bool) {
	if id, ok := p.byNick[name]; ok {
		return userKey(id), true
	}
	if id, ok := p.byName[strings.ToLower(strings.TrimSpace(name))]; ok {
		return userKey(id), true
	}
	return "", false
}

// NameOfKey is what to show for an engine key.
func (p AgentPeople) NameOfKey(key string) string {
	if id, ok := UserOfKey(key); ok {
		if u, ok := p.Users[id]; ok {
			return u.Name()
		}
	}
	return key
}

// Name is a user's name, or "#id" for one that is gone.
func (p AgentPeople) Name(id int64) string {
	if u, ok := p.Users[id]; ok {
		return u.Name()
	}
	return "#" + strconv.FormatInt(id, 10)
}
