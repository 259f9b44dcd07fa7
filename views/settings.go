package views

import (
	"context"
	"strings"

	"kefudesk/models"
	"kefudesk/views/i18n"
)

// SettingField is one setting on the form, with what was typed.
type SettingField struct {
	Def   models.SettingDef
	Value string
}

// SettingsView is the settings form.
type SettingsView struct {
	Fields    []SettingField
	Version   int
	Errors    models.FieldErrors
	Conflict  *models.ConflictError
	LastBy    string
	LastAt    string
	TimeZones []string
	JustSaved bool
}

// Groups returns the fields grouped by section, in order.
func (v SettingsView) Groups() [][]SettingField {
	var out [][]SettingField
	for _, f := range v.Fields {
		if n := len(out); n > 0 && out[n-1][0].Def.Group == f.Def.Group {
			out[n-1] = append(out[n-1], f)
			continue
		}
		out = append(out, []SettingField{f})
	}
	return out
}

// SettingLabel names a setting. Each flag kind has two settings whose labels
// are built from the kind's name.
func SettingLabel(ctx context.Context, d models.SettingDef) string {
	if kind, ok := strings.CutPrefix(d.Key, "flag_"); ok {
		if k, ok := strings.CutSuffix(kind, "_on"); ok {
			return i18n.T(ctx, "settings.flag_on", i18n.T(ctx, "flag."+k))
		}
		if k, ok := strings.CutSuffix(kind, "_points"); ok {
			return i18n.T(ctx, "settings.flag_points", i18n.T(ctx, "flag."+k))
		}
	}
	return i18n.T(ctx, d.Label())
}

// SettingHelp explains a setting, or says nothing when the catalog has no text.
func SettingHelp(ctx context.Context, d models.SettingDef) string {
	if i18n.Has(d.Help()) {
		return i18n.T(ctx, d.Help())
	}
	return ""
}

// FlagName names the automatic check behind a flag setting's key.
func FlagName(ctx context.Context, key string) string {
	k := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "flag_"), "_on"), "_points")
	return i18n.T(ctx, "flag."+k)
}
