// Package live carries "something changed" signals between server processes
// through PostgreSQL LISTEN/NOTIFY, so a page open in one browser refreshes
// the parts another user changed, whichever process served the change.
package live

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// channel is the one PostgreSQL channel; the payload is the topic.
const channel = "kefudesk_live"

// Publish announces that topic changed. Called inside the writing
// transaction, the signal goes out only if that transaction commits.
func Publish(tx *gorm.DB, topic string) error {
	if err := tx.Exec(`SELECT pg_notify(?, ?)`, channel, topic).Error; err != nil {
		return fmt.Errorf("live: unable to publish %s: %w", topic, err)
	}
	return nil
}

// Hub holds one LISTEN connection per process and fans signals out to the
// browsers subscribed here.
type Hub struct {
	dsn  string
	log  *slog.Logger
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	topics map[string]bool
	ch     chan string
}

// NewHub prepares a hub; Run starts listening.
func NewHub(dsn string, log *slog.Logger) *Hub {
	return &Hub{dsn: dsn, log: log, subs: map[*subscriber]struct{}{}}
}

// Subscribe returns a channel of changed topics among those asked for, and a
// function to stop. A slow reader misses signals rather than blocking others:
// one pending signal per topic is enough to trigger a refresh.
func (h *Hub) Subscribe(topics []string) (<-chan string, func()) {
	s := &subscriber{topics: map[string]bool{}, ch: make(chan string, 16)}
	for _, t := range topics {
		s.topics[t] = true
	}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s.ch, func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
	}
}

func (h *Hub) deliver(topic string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if s.topics[topic] {
			select {
			case s.ch <- topic:
			default:
			}
		}
	}
}

// Run listens until ctx ends, reconnecting after failures with a growing pause.
func (h *Hub) Run(ctx context.Context) {
	pause := time.Second
	for first := true; ctx.Err() == nil; first = false {
		err := h.listen(ctx, !first)
		if ctx.Err() != nil {
			return
		}
		h.log.Warn("live: listener stopped, reconnecting", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(pause*2, 30*time.Second)
	}
}

// listen holds the LISTEN connection. After a reconnect every subscriber is
// told all its topics changed: signals sent while we were away are lost.
func (h *Hub) listen(ctx context.Context, resync bool) error {
	conn, err := pgx.Connect(ctx, h.dsn)
	if err != nil {
		return fmt.Errorf("live: unable to connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return fmt.Errorf("live: unable to listen: %w", err)
	}
	if resync {
		h.resyncAll()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("live: wait failed: %w", err)
		}
		h.deliver(n.Payload)
	}
}

func (h *Hub) resyncAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		for t := range s.topics {
			select {
			case s.ch <- t:
			default:
			}
		}
	}
}
