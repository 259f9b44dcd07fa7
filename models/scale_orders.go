package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

type scaleOrder struct {
	no, buyer, status, remark string
	paidFen, refundFen        int64
	created                   time.Time
	paid                      *time.Time
	flag                      int
}

// order is what a buyer orders after a chat: within the credit window
// (the same day or the next), mostly paid, a red flag naming the agent on
// many, a payment reminder (yellow) on a few, some refunded.
func (g *scaleGen) order(rng *rand.Rand, c scaleConversation) scaleOrder {
	created := c.start.Add(time.Duration(5+rng.IntN(30*60)) * time.Minute)
	o := g.plainOrder(rng, c.buyer, created)
	switch r := rng.IntN(100); {
	case r < 45:
		o.flag, o.remark = 1, remarkName(c.nick)+": "+scaleBuyerLines[rng.IntN(len(scaleBuyerLines))]
	case r < 51:
		o.flag, o.remark = 2, "催付 "+remarkName(c.nick)
	}
	return o
}

// plainOrder is an order without marks: paid after a while, or not at all.
func (g *scaleGen) plainOrder(rng *rand.Rand, buyer string, created time.Time) scaleOrder {
	g.orderNo++
	o := scaleOrder{
		no: fmt.Sprintf("4%018d", g.orderNo), buyer: buyer, created: created,
		paidFen: int64(2900+rng.IntN(60000)) / 100 * 100, status: "交易成功",
	}
	switch r := rng.IntN(100); {
	case r < 8: // never paid
		o.status = "交易关闭"
	default:
		paid := created.Add(time.Duration(10+rng.IntN(7200)) * time.Second)
		o.paid = &paid
		if r < 13 {
			o.status, o.refundFen = "交易关闭", o.paidFen
		}
	}
	return o
}

func (g *scaleGen) copyOrders(ctx context.Context, orders []scaleOrder) error {
	if len(orders) == 0 {
		return nil
	}
	_, err := g.pg.CopyFrom(ctx, pgx.Identifier{"orders"},
		[]string{"order_no", "buyer", "paid_fen", "status", "created_at", "paid_at", "seller_remark", "flag", "refund_fen"},
		pgx.CopyFromSlice(len(orders), func(i int) ([]any, error) {
			o := orders[i]
			return []any{o.no, o.buyer, o.paidFen, o.status, o.created, o.paid, o.remark, o.flag, o.refundFen}, nil
		}))
	if err != nil {
		return fmt.Errorf("models: scale: copy orders: %w", err)
	}
	g.out.Orders += int64(len(orders))
	return nil
}

// orders writes the silent orders: buyers who ordered without asking.
func (g *scaleGen) orders(ctx context.Context) error {
	rng := rand.New(rand.NewPCG(g.o.Seed, 1<<40))
	batch := make([]scaleOrder, 0, scaleBatchSize)
	for i := range g.silent {
		day := g.day(rng.IntN(g.o.Days))
		created := day.Add(time.Duration(pickHour(rng, false))*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
		batch = append(batch, g.plainOrder(rng, scaleBuyer(rng.Int64N(g.buyers)), created))
		if len(batch) == cap(batch) {
			if err := g.copyOrders(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			g.report("silent orders", i+1, g.silent)
		}
	}
	if err := g.copyOrders(ctx, batch); err != nil {
		return err
	}
	g.report("silent orders", g.silent, g.silent)
	return nil
}
