package views

import "kefudesk/models"

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
