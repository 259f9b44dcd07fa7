package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// ErrNotFound is returned when a record does not exist; handlers answer 404.
var ErrNotFound = errors.New("not found")

// ConflictError says a record changed since the user loaded it. It carries who
// changed it and when, so the page can say "changed by X at T, reload".
type ConflictError struct {
	Entity string
	By     string
	At     time.Time
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s was changed by %s at %s", e.Entity, e.By, e.At.Format(time.RFC3339))
}

// FieldError is one form field's problem: a message catalog key and its
// arguments. Models never speak a language; the view translates.
type FieldError struct {
	Key  string
	Args []any
}

// FieldErrors maps form field names to their problem.
type FieldErrors map[string]FieldError

// Add records a problem for field unless it already has one (the first
// problem found is the one worth telling).
func (f FieldErrors) Add(field, key string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = FieldError{Key: key, Args: args}
	}
}

// Has reports whether field has a problem.
func (f FieldErrors) Has(field string) bool { _, ok := f[field]; return ok }

// Err returns a ValidationError when there are problems, else nil.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}

// ValidationError carries the problems of a submitted form; handlers answer
// 422 and re-render the form with each message next to its field.
type ValidationError struct {
	Fields FieldErrors
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k, v := range e.Fields {
		keys = append(keys, k+": "+v.Key)
	}
	sort.Strings(keys)
	return "invalid input: " + strings.Join(keys, "; ")
}

// Invalid builds a ValidationError for one field.
func Invalid(field, key string, args ...any) error {
	return &ValidationError{Fields: FieldErrors{field: {Key: key, Args: args}}}
}

// AsValidation reports whether err is a ValidationError and returns its fields.
func AsValidation(err error) (FieldErrors, bool) {
	var v *ValidationError
	if errors.As(err, &v) {
		return v.Fields, true
	}
	return nil, false
}

// AsConflict reports whether err is a ConflictError.
func AsConflict(err error) (*ConflictError, bool) {
	var c *ConflictError
	if errors.As(err, &c) {
		return c, true
	}
	return nil, false
}
