package models

import (
	"strings"
	"testing"
)

// The literal statuses that the open-case indexes and queries name are the
// open statuses the code means.
func TestOpenStatusesSQLNamesTheOpenStatuses(t *testing.T) {
	want := "('" + strings.Join(BadReviewOpenStatuses, "', '") + "')"
	if openStatusesSQL != want {
		t.Errorf("openStatusesSQL is %s, want %s", openStatusesSQL, want)
	}
}
