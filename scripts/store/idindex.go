package main

// FerretDB v1 (SQLite handler) looks documents up by `_id` with the expression
// `_ferretdb_sjson->'$._id'`, but builds its `_id` index on `_ferretdb_sjson->"_id"`. SQLite
// matches an expression index only to the same expression, so every lookup, update or upsert
// by `_id` scanned the whole collection: the cost of a submission grew with the number of
// responses stored. This keeps a second index on exactly the lookup expression for every
// collection table. It is invisible to FerretDB (not in its metadata) and dropped with the table.

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

const (
	idIndexSuffix = "_lsg_id_lookup"
	idLookupExpr  = `_ferretdb_sjson->'$._id'`
)

// keepIDIndexes adds the lookup index to new collection tables, checking every interval.
func keepIDIndexes(ctx context.Context, dir string, interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, f := range files {
			if err := ensureIDIndexes(ctx, f); err != nil && ctx.Err() == nil {
				log.Printf("store: _id lookup index in %s: %v", filepath.Base(f), err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func ensureIDIndexes(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err != nil {
		return nil // dropped meanwhile
	}
	// mode=rw: never create a database file FerretDB has just dropped.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	tables, err := queryStrings(ctx, db, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") || strings.Contains(err.Error(), "unable to open") {
			return nil
		}
		return err
	}
	existing, err := queryStrings(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'index'`)
	if err != nil {
		return err
	}
	have := make(map[string]bool, len(existing))
	for _, n := range existing {
		have[n] = true
	}
	for _, t := range tables {
		name := t + idIndexSuffix
		if have[name] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, name, t, idLookupExpr)
		if _, err := db.ExecContext(ctx, q); err != nil && !strings.Contains(err.Error(), "no such table") {
			return err
		}
	}
	return nil
}

func queryStrings(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
