package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// indexesOn lists the SQLite indexes of a database file (read-only; never creates the file).
func indexesOn(t *testing.T, file string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, table string
		if err := rows.Scan(&name, &table); err != nil {
			t.Fatal(err)
		}
		out[name] = table
	}
	return out
}

func collectionTables(t *testing.T, file string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := queryStrings(context.Background(), db, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

func TestEnsureIDIndexes(t *testing.T) {
	ctx := ctxT(t)
	c := connect(t, "mongodb://"+backendAddr+"/")
	db := testDB(t, c)
	for _, name := range []string{"responses", "tally_counters", "Mixed.Case"} {
		if _, err := db.Collection(name).InsertOne(ctx, bson.D{{Key: "_id", Value: name}}); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(sqliteDir, db.Name()+".sqlite")
	tables := collectionTables(t, file)
	if len(tables) != 3 {
		t.Fatalf("tables %v", tables)
	}

	if err := ensureIDIndexes(ctx, file); err != nil {
		t.Fatal(err)
	}
	idx := indexesOn(t, file)
	for _, table := range tables {
		if idx[table+idIndexSuffix] != table {
			t.Errorf("no lookup index on %s (indexes: %v)", table, idx)
		}
	}
	// Idempotent.
	if err := ensureIDIndexes(ctx, file); err != nil {
		t.Fatal(err)
	}

	// SQLite now answers FerretDB's `_id` lookup expression from the index instead of a scan.
	sdb, err := sql.Open("sqlite", "file:"+file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	var a, b, d int
	var plan string
	q := `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "` + tables[0] + `" WHERE ` + idLookupExpr + ` = ?`
	if err := sdb.QueryRow(q, "x").Scan(&a, &b, &d, &plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "USING INDEX "+tables[0]+idIndexSuffix) {
		t.Fatalf("query plan %q", plan)
	}

	// FerretDB still reads and writes the collections (the extra index is invisible to it).
	coll := db.Collection("responses")
	if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "responses"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "a", Value: 1}}}}); err != nil {
		t.Fatal(err)
	}
	if n, err := coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: "responses"}, {Key: "a", Value: 1}}); err != nil || n != 1 {
		t.Fatalf("count %d, %v", n, err)
	}
	// Dropping the collection drops its table and the extra index with it.
	var table string
	if err := sdb.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'responses'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	if err := coll.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	idx = indexesOn(t, file)
	if _, ok := idx[table+idIndexSuffix]; ok {
		t.Errorf("index %s left after the drop", table+idIndexSuffix)
	}
	if len(idx) == 0 {
		t.Error("the other collections lost their indexes")
	}
}

func TestEnsureIDIndexesLeavesOtherFilesAlone(t *testing.T) {
	ctx := ctxT(t)
	dir := t.TempDir()
	// A file that is gone (a database dropped meanwhile) is not re-created.
	missing := filepath.Join(dir, "gone.sqlite")
	if err := ensureIDIndexes(ctx, missing); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatalf("ensureIDIndexes created %s", missing)
	}
	// A SQLite file that is not a FerretDB database is left as it is.
	other := filepath.Join(dir, "other.sqlite")
	db, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	if err := ensureIDIndexes(ctx, other); err != nil {
		t.Fatal(err)
	}
	if idx := indexesOn(t, other); len(idx) != 0 {
		t.Fatalf("indexes added: %v", idx)
	}
}

func TestKeepIDIndexesIndexesNewCollectionsAndStops(t *testing.T) {
	ctx := ctxT(t)
	c := connect(t, "mongodb://"+backendAddr+"/")
	db := testDB(t, c)
	if _, err := db.Collection("first").InsertOne(ctx, bson.D{{Key: "_id", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(sqliteDir, db.Name()+".sqlite")

	kctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { keepIDIndexes(kctx, sqliteDir, 50*time.Millisecond); close(stopped) }()

	// A collection created while the keeper runs gets its index within a few ticks.
	if _, err := db.Collection("later").InsertOne(ctx, bson.D{{Key: "_id", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		idx := indexesOn(t, file)
		missing := 0
		for _, table := range collectionTables(t, file) {
			if _, ok := idx[table+idIndexSuffix]; !ok {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d collection(s) still without the lookup index", missing)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("keepIDIndexes did not stop when its context ended")
	}
}
