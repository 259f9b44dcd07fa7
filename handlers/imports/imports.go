// Package imports serves the upload pages of every kind of import (chats,
// orders): the upload is kept in a temporary file and imported in the
// background, so a big export neither times out the request nor hides its
// progress; the run's page shows a bar, polled by HTMX, until it is done.
package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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

// Store is what the import pages need.
type Store interface {
	StartImportRun(ctx context.Context, a models.Actor, kind, fileName string, size int64) (models.ImportRun, error)
	ImportRunProgress(ctx context.Context, id, bytesDone, rows int64) error
	FinishImportRun(ctx context.Context, id int64, res models.ImportOutcome, runErr error) error
	ImportRunByID(ctx context.Context, id int64) (models.ImportRun, error)
	RecentImportRuns(ctx context.Context, kind string, limit int) ([]models.ImportRun, error)
}

// Importer loads one file of a kind.
type Importer func(ctx context.Context, a models.Actor, in io.Reader, fileName string, loc *time.Location, progress models.ImportProgress) (models.ImportOutcome, error)

// Kind is one kind of import and how its pages read.
type Kind struct {
	Name   string // import_runs.kind
	Base   string // e.g. /spot-checks/import
	Page   views.ImportKind
	Import Importer
}

// Handler serves one kind's upload pages.
type Handler struct {
	store Store
	log   *slog.Logger
	bg    context.Context // the server's lifetime: imports outlive the upload request
	kind  Kind
}

// New builds the handler for kind.
func New(store Store, log *slog.Logger, bg context.Context, kind Kind) *Handler {
	return &Handler{store: store, log: log, bg: bg, kind: kind}
}

// Register adds the kind's routes for roles.
func (h *Handler) Register(r *web.Router, roles ...models.Role) {
	r.Handle(http.MethodGet, h.kind.Base, h.Form, roles...)
	r.Handle(http.MethodPost, h.kind.Base, h.Upload, roles...)
	r.Handle(http.MethodGet, h.kind.Base+"/:id", h.Run, roles...)
}

func (h *Handler) view(c echo.Context, errs models.FieldErrors) (views.ImportView, error) {
	runs, err := h.store.RecentImportRuns(c.Request().Context(), h.kind.Name, 10)
	return views.ImportView{Kind: h.kind.Page, Runs: runs, Errors: errs}, err
}

// Form shows the upload form and recent imports.
func (h *Handler) Form(c echo.Context) error {
	v, err := h.view(c, nil)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.ImportPage(v))
}

// Upload keeps the file and starts importing it in the background.
func (h *Handler) Upload(c echo.Context) error {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		v, verr := h.view(c, models.FieldErrors{"file": {Key: "chats.import.err.file"}})
		if verr != nil {
			return verr
		}
		return web.Render(c, http.StatusUnprocessableEntity, views.ImportPage(v))
	}
	tmp, size, err := keepUpload(fh)
	if err != nil {
		return err
	}
	run, err := h.store.StartImportRun(c.Request().Context(), web.Actor(c), h.kind.Name, fh.Filename, size)
	if err != nil {
		os.Remove(tmp)
		return err
	}
	go h.run(run, tmp, web.Actor(c), web.Loc(c))
	return web.Redirect(c, fmt.Sprintf("%s/%d", h.kind.Base, run.ID))
}

func keepUpload(fh *multipart.FileHeader) (string, int64, error) {
	src, err := fh.Open()
	if err != nil {
		return "", 0, fmt.Errorf("imports: open upload: %w", err)
	}
	defer src.Close()
	dst, err := os.CreateTemp("", "kefudesk-import-*")
	if err != nil {
		return "", 0, fmt.Errorf("imports: temp file: %w", err)
	}
	defer dst.Close()
	n, err := io.Copy(dst, src)
	if err != nil {
		os.Remove(dst.Name())
		return "", 0, fmt.Errorf("imports: keep upload: %w", err)
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
	res, err := h.kind.Import(h.bg, a, f, run.FileName, loc, progress)
	if err != nil && !errors.Is(err, models.ErrImportRejected) {
		h.log.Error("import failed", "kind", h.kind.Name, "run", run.ID, "file", run.FileName, "err", err)
	}
	// Record the outcome even when the server is stopping.
	if ferr := h.store.FinishImportRun(context.WithoutCancel(h.bg), run.ID, res, err); ferr != nil {
		h.log.Error("import: finish", "run", run.ID, "err", ferr)
	}
}

// Run shows a run's progress; HTMX polls it while it runs.
func (h *Handler) Run(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("imports: run %q: %w", c.Param("id"), models.ErrNotFound)
	}
	run, err := h.store.ImportRunByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if run.Kind != h.kind.Name {
		return fmt.Errorf("imports: run %d is not %s: %w", id, h.kind.Name, models.ErrNotFound)
	}
	v := views.ImportRunView{Run: run, Kind: h.kind.Page}
	return web.Page(c, http.StatusOK, views.ImportRunPage(v), views.ImportRunStatus(v))
}
