package models

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// AgentSales is one agent's (or team's) sales figures for a period. Every
// credit figure reads order_credits, so rulings are applied.
type AgentSales struct {
	Key            string // engine key (u<id> or an unmapped nick), or the team
	UserID         *int64
	Name           string
	Team           Team
	Rank           int
	Inquiries      int64   // distinct buyers the agent wrote to in chats that began in the period
	OrderedBuyers  int64   // of those, buyers who ordered from the chat to the end of its window
	PaidBuyers     int64   // ... and paid
	Orders         float64 // credited orders, a split order counting by its share
	SalesFen       int64   // credited amount of paid orders
	CreditedBuyers int64   // distinct buyers of the paid credited orders
	Assists        int64
	AssistFen      int64
	RefundFen      int64 // refunds on credited orders, by share
}

// OrderConversion is inquiry-to-order conversion (询单转化率).
func (a AgentSales) OrderConversion() float64 { return ratio(a.OrderedBuyers, a.Inquiries) }

// PaymentConversion is inquiry-to-payment conversion.
func (a AgentSales) PaymentConversion() float64 { return ratio(a.PaidBuyers, a.Inquiries) }

// AverageOrderFen is 客单价: credited sales per credited buyer.
func (a AgentSales) AverageOrderFen() int64 {
	if a.CreditedBuyers == 0 {
		return 0
	}
	return a.SalesFen / a.CreditedBuyers
}

// RefundRate is refunds over credited sales.
func (a AgentSales) RefundRate() float64 { return ratio(a.RefundFen, a.SalesFen) }

// ratio is n/d, or 0 when there is nothing to divide by (rates of empty
// periods show as 0%, never NaN).
func ratio(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// SalesDay is one day of the trend.
type SalesDay struct {
	Day       time.Time
	SalesFen  int64 // credited
	SilentFen int64 // paid sales not credited to an agent (shop view only)
}

// SalesReport is the performance page.
type SalesReport struct {
	Agents         []AgentSales // ranked by credited sales
	Teams          []AgentSales
	Orders         int64 // orders placed in the period
	PaidSalesFen   int64
	CreditedFen    int64
	SilentOrders   int64
	SilentSalesFen int64 // paid sales minus agent-credited sales
	Trend          []SalesDay
	Fresh          SalesFreshness
}

// SalesPerformance reads the daily figures of orders and chats in [from, to)
// (sales_daily, kept current by the refresher; a few stale days are
// recomputed first).
// userID > 0 narrows everything to that agent (an agent sees only their own).
func (s *Store) SalesPerformance(ctx context.Context, from, to time.Time, loc *time.Location, userID int64) (SalesReport, error) {
	var rep SalesReport
	people, err := s.AgentPeople(ctx)
	if err != nil {
		return rep, err
	}
	byKey := map[string]*AgentSales{}
	get := func(key string) *AgentSales {
		if a, ok := byKey[key]; ok {
			return a
		}
		a := &AgentSales{Key: key, Name: people.NameOfKey(key)}
		if id, ok := UserOfKey(key); ok {
			a.UserID = &id
			a.Team = people.Users[id].Team
		}
		byKey[key] = a
		return a
	}
	fromDay, toDay := from.In(loc).Format(time.DateOnly), to.In(loc).Format(time.DateOnly)
	// The period sums the daily figures (refreshSalesDay): a buyer who asked
	// on two days is two inquiries, as the platform's daily reports count.
	// version is the counter for both kept copies of the daily figures, as
	// the totals' statement found it (after any recompute, which bumps it).
	version, err := s.salesPeriod(ctx, fromDay, toDay, &rep)
	if err != nil {
		return rep, err
	}
	rows, err := s.salesAgentRows(ctx, version, fromDay, toDay)
	if err != nil {
		return rep, err
	}
	for _, r := range rows {
		a := get(r.Agent)
		a.Inquiries, a.OrderedBuyers, a.PaidBuyers = r.Inquiries, r.OrderedBuyers, r.PaidBuyers
		a.Orders, a.SalesFen, a.CreditedBuyers = float64(r.ShareBp)/10000, r.SalesFen, r.CreditedBuyers
		a.Assists, a.AssistFen, a.RefundFen = r.Assists, r.AssistFen, r.RefundFen
		rep.CreditedFen += r.SalesFen
	}
	// Silent sales: paid sales no agent is credited with.
	rep.SilentSalesFen = rep.PaidSalesFen - rep.CreditedFen
	for _, a := range byKey {
		if userID == 0 || (a.UserID != nil && *a.UserID == userID) {
			rep.Agents = append(rep.Agents, *a)
		}
	}
	sort.Slice(rep.Agents, func(i, j int) bool {
		x, y := rep.Agents[i], rep.Agents[j]
		if x.SalesFen != y.SalesFen {
			return x.SalesFen > y.SalesFen
		}
		return x.Name < y.Name
	})
	for i := range rep.Agents {
		rep.Agents[i].Rank = i + 1
	}
	if userID == 0 {
		rep.Teams = teamSales(rep.Agents)
	}
	rep.Trend, err = s.salesTrend(ctx, version, from, to, loc, userID)
	return rep, err
}

// teamSales sums agents per team. A buyer served by two agents of a team
// counts for each, as in the agents' own figures.
func teamSales(agents []AgentSales) []AgentSales {
	byTeam := map[Team]*AgentSales{}
	var order []Team
	for _, a := range agents {
		t, ok := byTeam[a.Team]
		if !ok {
			t = &AgentSales{Key: string(a.Team), Team: a.Team}
			byTeam[a.Team], order = t, append(order, a.Team)
		}
		t.Inquiries += a.Inquiries
		t.OrderedBuyers += a.OrderedBuyers
		t.PaidBuyers += a.PaidBuyers
		t.Orders += a.Orders
		t.SalesFen += a.SalesFen
		t.CreditedBuyers += a.CreditedBuyers
		t.Assists += a.Assists
		t.AssistFen += a.AssistFen
		t.RefundFen += a.RefundFen
	}
	out := make([]AgentSales, 0, len(order))
	for _, t := range order {
		out = append(out, *byTeam[t])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SalesFen > out[j].SalesFen })
	return out
}

// salesAgentRow is one agent's daily figures summed over a period.
type salesAgentRow struct {
	Agent                                                   string
	Inquiries, OrderedBuyers, PaidBuyers, ShareBp           int64
	SalesFen, CreditedBuyers, Assists, AssistFen, RefundFen int64
}

// salesAgentRows sums the period's daily figures per agent. Every manager
// and agent opening the performance pages asks for the same period, and
// the sum over 300 agents' days costs milliseconds of numeric aggregation
// each time, so it is kept until the daily figures change (the 'sales'
// counter, bumped when a refresh writes them).
// version is the 'sales' counter (cacheVersion), read once for this and
// salesTrend.
func (s *Store) salesAgentRows(ctx context.Context, version int64, fromDay, toDay string) ([]salesAgentRow, error) {
	return s.sales.getAt(ctx, version, salesKey{from: fromDay, to: toDay}, func(ctx context.Context) ([]salesAgentRow, error) {
		var rows []salesAgentRow
		err := s.conn(ctx).Raw(`SELECT agent, sum(inquiries) AS inquiries, sum(ordered_buyers) AS ordered_buyers,
		       sum(paid_buyers) AS paid_buyers, sum(share_bp) AS share_bp, sum(sales_fen) AS sales_fen,
		       sum(credited_buyers) AS credited_buyers, sum(assists) AS assists, sum(assist_fen) AS assist_fen,
		       sum(refund_fen) AS refund_fen
		  FROM sales_daily WHERE day >= ?::date AND day < ?::date GROUP BY agent`, fromDay, toDay).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("models: sales figures: %w", err)
		}
		return rows, nil
	})
}
