package models

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"kefudesk/models/chatfile"
	"kefudesk/models/vipfile"
)

// VIPImport is what a customer import did, or why it refused the file.
type VIPImport struct {
	Rows, Added, Updated, Unchanged int64
	Problems                        []chatfile.Problem
	ProblemCount                    int
}

// Outcome summarises a customer import for the upload pages.
func (v VIPImport) Outcome() ImportOutcome {
	return ImportOutcome{Rows: v.Rows, Added: v.Added, Updated: v.Updated, Kept: v.Unchanged, Problems: v.Problems, ProblemCount: v.ProblemCount}
}

// ImportVIPs loads a customer list in one transaction, as order reports
// are loaded: COPY into a stage, then set-based writes that add new buyers
// and update the listed fields of known ones (the last line of a buyer
// wins; a column missing from the file keeps what is stored). Importing the
// same file again changes nothing. A file with any bad line is refused whole.
func (s *Store) ImportVIPs(ctx context.Context, a Actor, in io.Reader, fileName string, _ *time.Location, progress ImportProgress) (VIPImport, error) {
	var res VIPImport
	rd, err := vipfile.NewReader(in)
	if problems, bad := openRejected(err); bad {
		res.Problems, res.ProblemCount = problems, 1
		return res, ErrImportRejected
	}
	if err != nil {
		return res, err
	}
	err = s.inImportTx(ctx, "import VIPs", func(tx pgx.Tx) error {
		var err error
		_, err = tx.Exec(ctx, `CREATE TEMP TABLE vip_stage (line int, buyer text, real_name text, phone text, wechat text,
			tier text, tags text[], notes text, channel text, contact_window text, dnc boolean) ON COMMIT DROP`)
		if err != nil {
			return fmt.Errorf("models: import VIPs: stage: %w", err)
		}
		src := newCopySource(rd, vipValues, &res.Problems, &res.ProblemCount, progress)
		if res.Rows, err = tx.CopyFrom(ctx, pgx.Identifier{"vip_stage"},
			[]string{"line", "buyer", "real_name", "phone", "wechat", "tier", "tags", "notes", "channel", "contact_window", "dnc"}, src); err != nil {
			return fmt.Errorf("models: import VIPs: copy: %w", err)
		}
		if res.ProblemCount > 0 {
			return ErrImportRejected
		}
		err = tx.QueryRow(ctx, `
			WITH s AS (SELECT DISTINCT ON (buyer) * FROM vip_stage ORDER BY buyer, line DESC),
			n AS (
				SELECT c.id, COALESCE(s.real_name, c.real_name) AS real_name, COALESCE(s.phone, c.phone) AS phone,
				       COALESCE(s.wechat, c.wechat) AS wechat, COALESCE(s.tier, c.tier) AS tier, COALESCE(s.tags, c.tags) AS tags,
				       COALESCE(s.notes, c.notes) AS notes, COALESCE(s.channel, c.preferred_channel) AS channel,
				       COALESCE(s.contact_window, c.contact_window) AS contact_window, COALESCE(s.dnc, c.do_not_contact) AS dnc
				  FROM s JOIN vip_customers c ON c.buyer = s.buyer
			),
			upd AS (
				UPDATE vip_customers c SET real_name = n.real_name, phone = n.phone, wechat = n.wechat, tier = n.tier, tags = n.tags,
				       notes = n.notes, preferred_channel = n.channel, contact_window = n.contact_window, do_not_contact = n.dnc,
				       version = c.version + 1, updated_at = now(), updated_by = $1
				  FROM n WHERE c.id = n.id
				   AND (c.real_name, c.phone, c.wechat, c.tier, c.tags, c.notes, c.preferred_channel, c.contact_window, c.do_not_contact)
				       IS DISTINCT FROM (n.real_name, n.phone, n.wechat, n.tier, n.tags, n.notes, n.channel, n.contact_window, n.dnc)
				RETURNING c.id
			),
			ins AS (
				INSERT INTO vip_customers (buyer, real_name, phone, wechat, tier, tags, notes, preferred_channel, contact_window, do_not_contact, source, updated_by)
				SELECT buyer, COALESCE(real_name, ''), COALESCE(phone, ''), COALESCE(wechat, ''), COALESCE(tier, 'gold'), COALESCE(tags, '{}'),
				       COALESCE(notes, ''), COALESCE(channel, 'wangwang'), COALESCE(contact_window, ''), COALESCE(dnc, false), 'import', $1
				  FROM s WHERE NOT EXISTS (SELECT 1 FROM vip_customers c WHERE c.buyer = s.buyer)
				RETURNING id
			)
			SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd), (SELECT count(*) FROM s)`, nullID(a)).
			Scan(&res.Added, &res.Updated, &res.Unchanged)
		if err != nil {
			return fmt.Errorf("models: import VIPs: upsert: %w", err)
		}
		res.Unchanged -= res.Added + res.Updated
		q, args := auditSQL(a, "import", "vip_customers", fileName, nil, map[string]any{
			"file": fileName, "rows": res.Rows, "added": res.Added, "updated": res.Updated, "unchanged": res.Unchanged})
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("models: import VIPs: audit: %w", err)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify('kefudesk_live', $1)`, TopicVIP); err != nil {
			return fmt.Errorf("models: import VIPs: notify: %w", err)
		}
		return nil
	})
	return res, err
}

func vipValues(r vipfile.Row) []any {
	var tags any // no Tags column: NULL, so the stored tags are kept
	if r.Tags != nil {
		tags = r.Tags
	}
	return []any{r.Line, r.Buyer, r.RealName, r.Phone, r.Wechat, r.Tier, tags, r.Notes, r.PreferredChannel, r.ContactWindow, r.DoNotContact}
}
