package spotchecks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kefudesk/handlers/web"
	"kefudesk/models"
	"kefudesk/views"
)

const importKind = "chats"

// ImportForm shows the upload form and recent imports.
func (h *Handler) ImportForm(c echo.Context) error {
	runs, err := h.store.RecentImportRuns(c.Request().Context(), importKind, 10)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.ImportPage(views.ImportView{Runs: runs}))
}

// Import keeps the upload in a temporary file and imports it in the
// background, so a big export neither times out the request nor hides its
// progress: the run's page shows a bar until it is done.
func (h *Handler) Import(c echo.Context) error {
	ctx := c.Request().Context()
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		runs, rerr := h.store.RecentImportRuns(ctx, importKind, 10)
		if rerr != nil {
			return rerr
		}
		v := views.ImportView{Runs: runs, Errors: models.FieldErrors{"file": {Key: "chats.import.err.file"}}}
		return web.Render(c, http.StatusUnprocessableEntity, views.ImportPage(v))
	}
	tmp, size, err := keepUpload(fh)
	if err != nil {
		return err
	}
	run, err := h.store.StartImportRun(ctx, web.Actor(c), importKind, fh.Filename, size)
	if err != nil {
		os.Remove(tmp)
		return err
	}
	go h.run(run, tmp, web.Actor(c), web.Loc(c))
	return web.Redirect(c, fmt.Sprintf("/spot-checks/import/%d", run.ID))
}

func keepUpload(fh *multipart.FileHeader) (string, int64, error) {
	src, err := fh.Open()
	if err != nil {
		return "", 0, fmt.Errorf("spotchecks: open upload: %w", err)
	}
	defer src.Close()
	dst, err := os.CreateTemp("", "kefudesk-import-*")
	if err != nil {
		return "", 0, fmt.Errorf("spotchecks: temp file: %w", err)
	}
	defer dst.Close()
	n, err := io.Copy(dst, src)
	if err != nil {
		os.Remove(dst.Name())
		return "", 0, fmt.Errorf("spotchecks: keep upload: %w", err)
	}
	return dst.Name(), n, nil
}

// run imports one file and records progress and outcome on the run.
func (h *Handler) run(run models.ImportRun, path string, a models.Actor, loc *time.Location) {
	defer os.Remove(path)
	f, err := os.Open(path)
	if err != nil {
		h.log.Error("import: reopen upload", "run", run.ID, "err", err)
		return
	}
	defer f.Close()
	last := time.Time{}
	progress := func(done, rows int64) {
		if time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		if err := h.store.ImportRunProgress(h.bg, run.ID, done, rows); err != nil {
			h.log.Warn("import: progress", "run", run.ID, "err", err)
		}
	}
	res, err := h.store.ImportChats(h.bg, a, f, run.FileName, loc, progress)
	if err != nil && !errors.Is(err, models.ErrImportRejected) {
		h.log.Error("import failed", "run", run.ID, "file", run.FileName, "err", err)
	}
	// Record the outcome even when the server is stopping.
	if ferr := h.store.FinishImportRun(context.WithoutCancel(h.bg), run.ID, res, err); ferr != nil {
		h.log.Error("import: finish", "run", run.ID, "err", ferr)
	}
}

// ImportRun shows a run's progress; HTMX polls it while it runs.
func (h *Handler) ImportRun(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("spotchecks: import run %q: %w", c.Param("id"), models.ErrNotFound)
	}
	run, err := h.store.ImportRunByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := views.ImportRunView{Run: run}
	return web.Page(c, http.StatusOK, views.ImportRunPage(v), views.ImportRunStatus(v))
}
