package models

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"kefudesk/models/chatfile"
	"kefudesk/models/reviewfile"
)

// BadReviewImport is what a review import did, or why it refused the file.
type BadReviewImport struct {
	Rows, Added, Updated, Unchanged int64
	Problems                        []chatfile.Problem
	ProblemCount                    int
}

// Outcome summarises a review import for the upload pages.
func (r BadReviewImport) Outcome() ImportOutcome {
	return ImportOutcome{Rows: r.Rows, Added: r.Added, Updated: r.Updated, Kept: r.Unchanged, Problems: r.Problems, ProblemCount: r.ProblemCount}
}

// upsertBadReviewsSQL merges the stage: new reviews are added (medium and
// bad ones as new cases, good ones as praise); known ones are updated only
// when the buyer changed something (a revision, a follow-up, photos). The
// case itself is left alone: a review revised to good still waits for the
// agent's result, which says how it came about.
const upsertBadReviewsSQL = `
	WITH up AS (
		INSERT INTO bad_reviews (review_no, order_no, buyer, rating, first_rating, content, follow_up, follow_up_at, photos, item, reviewed_at, status)
		SELECT DISTINCT ON (review_no) review_no, order_no, buyer, rating, rating, content, follow_up, follow_up_at, photos, item, reviewed_at,
		       CASE WHEN rating = 'good' THEN 'praise' ELSE 'new' END
		  FROM bad_review_stage ORDER BY review_no, line DESC
		ON CONFLICT (review_no) DO UPDATE SET
		       rating = EXCLUDED.rating, content = EXCLUDED.content, follow_up = EXCLUDED.follow_up,
		       follow_up_at = EXCLUDED.follow_up_at, photos = EXCLUDED.photos, item = EXCLUDED.item, order_no = EXCLUDED.order_no,
		       status = CASE WHEN bad_reviews.status = 'praise' AND EXCLUDED.rating <> 'good' THEN 'new' ELSE bad_reviews.status END,
		       version = bad_reviews.version + 1, updated_at = now()
		 WHERE (bad_reviews.rating, bad_reviews.content, bad_reviews.follow_up, bad_reviews.follow_up_at, bad_reviews.photos, bad_reviews.item, bad_reviews.order_no)
		       IS DISTINCT FROM (EXCLUDED.rating, EXCLUDED.content, EXCLUDED.follow_up, EXCLUDED.follow_up_at, EXCLUDED.photos, EXCLUDED.item, EXCLUDED.order_no)
		RETURNING (xmax = 0) AS inserted
	)
	SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
	       (SELECT count(DISTINCT review_no) FROM bad_review_stage) FROM up`

// linkServedBySQL links cases to the agent who last chatted with the buyer
// before the review (the last sub-account of that chat, mapped to its user).
// %s narrows which reviews to look at.
const linkServedBySQL = `
	UPDATE bad_reviews b SET served_by = n.user_id FROM (
		SELECT DISTINCT ON (r.id) r.id, an.user_id
		  FROM bad_reviews r
		  JOIN chat_conversations c ON c.buyer = r.buyer AND c.started_at <= r.reviewed_at
		  JOIN agent_nicks an ON an.nick = c.agent_nicks[cardinality(c.agent_nicks)]
		 WHERE r.served_by IS NULL AND %s
		 ORDER BY r.id, c.started_at DESC) n
	 WHERE b.id = n.id`

// ImportBadReviews loads a review export in one transaction: COPY into a
// stage, then one upsert. A file with any bad line is refused whole.
func (s *Store) ImportBadReviews(ctx context.Context, a Actor, in io.Reader, fileName string, loc *time.Location, progress ImportProgress) (BadReviewImport, error) {
	var res BadReviewImport
	rd, err := reviewfile.NewReader(in, loc)
	if problems, bad := openRejected(err); bad {
		res.Problems, res.ProblemCount = problems, 1
		return res, ErrImportRejected
	}
	if err != nil {
		return res, err
	}
	err = s.inImportTx(ctx, "import reviews", func(tx pgx.Tx) error {
		var err error
		_, err = tx.Exec(ctx, `CREATE TEMP TABLE bad_review_stage (line int, review_no text, order_no text, buyer text, rating text,
			content text, follow_up text, follow_up_at timestamptz, photos text[], item text, reviewed_at timestamptz) ON COMMIT DROP`)
		if err != nil {
			return fmt.Errorf("models: import reviews: stage: %w", err)
		}
		src := newCopySource(rd, badReviewValues, &res.Problems, &res.ProblemCount, progress)
		if res.Rows, err = tx.CopyFrom(ctx, pgx.Identifier{"bad_review_stage"},
			[]string{"line", "review_no", "order_no", "buyer", "rating", "content", "follow_up", "follow_up_at", "photos", "item", "reviewed_at"}, src); err != nil {
			return fmt.Errorf("models: import reviews: copy: %w", err)
		}
		if res.ProblemCount > 0 {
			return ErrImportRejected
		}
		if err := tx.QueryRow(ctx, upsertBadReviewsSQL).Scan(&res.Added, &res.Updated, &res.Unchanged); err != nil {
			return fmt.Errorf("models: import reviews: upsert: %w", err)
		}
		res.Unchanged -= res.Added + res.Updated
		if _, err := tx.Exec(ctx, fmt.Sprintf(linkServedBySQL, `r.review_no IN (SELECT review_no FROM bad_review_stage)`)); err != nil {
			return fmt.Errorf("models: import reviews: link agents: %w", err)
		}
		q, args := auditSQL(a, "import", "bad_reviews", fileName, nil, map[string]any{
			"file": fileName, "rows": res.Rows, "added": res.Added, "updated": res.Updated, "unchanged": res.Unchanged})
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("models: import reviews: audit: %w", err)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify('kefudesk_live', $1)`, TopicBadReviews); err != nil {
			return fmt.Errorf("models: import reviews: notify: %w", err)
		}
		return nil
	})
	return res, err
}

func badReviewValues(r reviewfile.Row) []any {
	return []any{r.Line, r.ReviewNo, r.OrderNo, r.Buyer, r.Rating, r.Content, r.FollowUp, r.FollowUpAt, r.Photos, r.Item, r.ReviewedAt}
}
