package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// session is one logged-in user: a cookie jar shared by the workers that
// play that user, as several tabs of one browser would.
type session struct {
	base   *url.URL
	client *http.Client
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

func login(ctx context.Context, base *url.URL, user, password string, conc int) (*session, error) {
	jar, _ := cookiejar.New(nil)
	s := &session{base: base, client: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, IdleConnTimeout: time.Minute,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	page, err := s.fetch(ctx, "/login")
	if err != nil {
		return nil, fmt.Errorf("login page: %w", err)
	}
	m := csrfMeta.FindStringSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("login page has no CSRF token")
	}
	form := url.Values{"username": {user}, "password": {password}, "_csrf": {m[1]}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base.JoinPath("/login").String(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("log in as %s: %w", user, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || strings.HasPrefix(res.Header.Get("Location"), "/login") {
		return nil, fmt.Errorf("log in as %s: status %d (is the shop loaded and the password right?)", user, res.StatusCode)
	}
	return s, nil
}

// get requests path and reads the whole answer, as a browser would.
func (s *session) get(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url(path), nil)
	if err != nil {
		return 0, err
	}
	res, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

func (s *session) fetch(ctx context.Context, path string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url(path), nil)
	res, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: status %d", path, res.StatusCode)
	}
	return string(b), err
}

func (s *session) url(path string) string {
	u := *s.base
	p, q, _ := strings.Cut(path, "?")
	u.Path, u.RawQuery = p, q
	return u.String()
}

// resolve turns a step "FROM -> PREFIX" into the first link on page FROM
// that starts with PREFIX (the first review in the queue, say), so a plan
// names pages by how people reach them rather than by database ids.
func (s *session) resolve(ctx context.Context, path string) (string, error) {
	from, prefix, ok := strings.Cut(path, "->")
	if !ok {
		return path, nil
	}
	from, prefix = strings.TrimSpace(from), strings.TrimSpace(prefix)
	page, err := s.fetch(ctx, from)
	if err != nil {
		return "", err
	}
	re := regexp.MustCompile(`href="(` + regexp.QuoteMeta(prefix) + `[^"#]*)"`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("no link starting with %s on %s", prefix, from)
	}
	return strings.ReplaceAll(m[1], "&amp;", "&"), nil
}
