package models

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"kefudesk/models/chatfile"
	"kefudesk/models/orderfile"
)

// TopicOrders is the live-update topic of order lists.
const TopicOrders = "orders"

// OrderImport is what an order import did, or why it refused the file.
type OrderImport struct {
	Rows, Added, Updated, Unchanged int64
	Attributed                      int64 // orders decided again after the import
	Problems                        []chatfile.Problem
	ProblemCount                    int
}

// ImportOrders loads an order report in one transaction: COPY into a stage,
// then one upsert that adds new orders and updates those whose status,
// payment, remark, flag or refund changed (the last line of an order in the
// file wins). A file with any bad line is refused whole.
func (s *Store) ImportOrders(ctx context.Context, a Actor, in io.Reader, fileName string, loc *time.Location, progress ImportProgress) (OrderImport, error) {
	var res OrderImport
	rd, err := orderfile.NewReader(in, loc)
	if problems, bad := openRejected(err); bad {
		res.Problems, res.ProblemCount = problems, 1
		return res, ErrImportRejected
	}
	if err != nil {
		return res, err
	}
	var first, last *time.Time
	err = s.inImportTx(ctx, "import orders", func(tx pgx.Tx) error {
		var err error
		_, err = tx.Exec(ctx, `CREATE TEMP TABLE order_stage (line int, order_no text, buyer text, paid_fen bigint, status text,
			created_at timestamptz, paid_at timestamptz, seller_remark text, flag smallint, refund_fen bigint) ON COMMIT DROP`)
		if err != nil {
			return fmt.Errorf("models: import orders: stage: %w", err)
		}
		src := newCopySource(rd, orderValues, &res.Problems, &res.ProblemCount, progress)
		if res.Rows, err = tx.CopyFrom(ctx, pgx.Identifier{"order_stage"},
			[]string{"line", "order_no", "buyer", "paid_fen", "status", "created_at", "paid_at", "seller_remark", "flag", "refund_fen"}, src); err != nil {
			return fmt.Errorf("models: import orders: copy: %w", err)
		}
		if res.ProblemCount > 0 {
			return ErrImportRejected
		}
		err = tx.QueryRow(ctx, `
			WITH up AS (
				INSERT INTO orders (order_no, buyer, paid_fen, status, created_at, paid_at, seller_remark, flag, refund_fen)
				SELECT DISTINCT ON (order_no) order_no, buyer, paid_fen, status, created_at, paid_at, seller_remark, flag, refund_fen
				  FROM order_stage ORDER BY order_no, line DESC
				ON CONFLICT (order_no) DO UPDATE SET
				       status = EXCLUDED.status, paid_fen = EXCLUDED.paid_fen, paid_at = EXCLUDED.paid_at,
				       seller_remark = EXCLUDED.seller_remark, flag = EXCLUDED.flag, refund_fen = EXCLUDED.refund_fen, updated_at = now()
				 WHERE (orders.status, orders.paid_fen, orders.paid_at, orders.seller_remark, orders.flag, orders.refund_fen)
				       IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.paid_fen, EXCLUDED.paid_at, EXCLUDED.seller_remark, EXCLUDED.flag, EXCLUDED.refund_fen)
				RETURNING (xmax = 0) AS inserted
			)
			SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
			       (SELECT count(DISTINCT order_no) FROM order_stage) FROM up`).Scan(&res.Added, &res.Updated, &res.Unchanged)
		if err != nil {
			return fmt.Errorf("models: import orders: upsert: %w", err)
		}
		res.Unchanged -= res.Added + res.Updated
		q, args := auditSQL(a, "import", "orders", fileName, nil, map[string]any{
			"file": fileName, "rows": res.Rows, "added": res.Added, "updated": res.Updated, "unchanged": res.Unchanged})
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("models: import orders: audit: %w", err)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify('kefudesk_live', $1)`, TopicOrders); err != nil {
			return fmt.Errorf("models: import orders: notify: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT min(created_at), max(created_at) FROM order_stage`).Scan(&first, &last); err != nil {
			return fmt.Errorf("models: import orders: range: %w", err)
		}
		return nil
	})
	if err != nil || first == nil {
		return res, err
	}
	// Attribution runs after the commit, in batches of its own: the orders
	// stay imported even if it fails, and a re-apply fixes them.
	res.Attributed, err = s.AttributeOrders(ctx, *first, last.Add(time.Microsecond))
	return res, err
}

func orderValues(r orderfile.Row) []any {
	return []any{r.Line, r.OrderNo, r.Buyer, r.PaidFen, r.Status, r.CreatedAt, r.PaidAt, r.Remark, r.Flag, r.RefundFen}
}
