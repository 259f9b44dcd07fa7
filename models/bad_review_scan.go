package models

import "gorm.io/gorm"

// badReviewColumns are BadReview's columns, in the order findBadReviews
// scans them.
const badReviewColumns = `id, review_no, order_no, buyer, rating, first_rating, content, follow_up, follow_up_at,
       photos, item, reviewed_at, status, agent_id, served_by, causes, assigned_at, due_at, escalation, outcome,
       final_rating, compensation_fen, account, resolved_at, version, created_at, updated_at, updated_by`

// findBadReviews runs q, a query on bad_reviews, for badReviewColumns.
// Rows are scanned by hand, like users: the board and the today page read
// up to a page of cases on every view, and gorm's reflection over the
// board's rows was 5% of the server's CPU in the load run.
// TestHandScannedCasesMatchGorm keeps the columns in step with the struct.
func findBadReviews(q *gorm.DB) ([]BadReview, error) {
	rows, err := q.Select(badReviewColumns).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanBadReviews(rows)
}

// scanBadReviews reads rows of badReviewColumns.
func scanBadReviews(rows rowScanner) ([]BadReview, error) {
	var out []BadReview
	for rows.Next() {
		var b BadReview
		if err := rows.Scan(&b.ID, &b.ReviewNo, &b.OrderNo, &b.Buyer, &b.Rating, &b.FirstRating, &b.Content, &b.FollowUp,
			&b.FollowUpAt, &b.Photos, &b.Item, &b.ReviewedAt, &b.Status, &b.AgentID, &b.ServedBy, &b.Causes, &b.AssignedAt,
			&b.DueAt, &b.Escalation, &b.Outcome, &b.FinalRating, &b.CompensationFen, &b.Account, &b.ResolvedAt, &b.Version,
			&b.CreatedAt, &b.UpdatedAt, &b.UpdatedBy); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// badReviews queues q, a query on bad_reviews, for badReviewColumns
// into out.
func (b *readBatch) badReviews(what string, q *gorm.DB, out *[]BadReview) {
	b.query(what, q.Select(badReviewColumns), &[]BadReview{}, func(rows rowScanner) (err error) {
		*out, err = scanBadReviews(rows)
		return err
	})
}
