package models

import "gorm.io/gorm/clause"

// lockingClause is SELECT ... FOR UPDATE: the version check and the write
// happen under one row lock, so two saves of one version cannot both win.
var lockingClause = clause.Locking{Strength: "UPDATE"}
