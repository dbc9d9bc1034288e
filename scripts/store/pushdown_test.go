package main

// The store's patch to FerretDB (scripts/store/ferretdb-patch, applied by the build): a filter's
// `_id` (equality, or `$in` of strings/ObjectIds) selects rows in SQLite even when the filter has
// other keys, and the results stay exactly those of the whole filter.

import (
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// explainPushdown runs `explain` of a find and returns FerretDB's filterPushdown flag.
func explainPushdown(t *testing.T, db *mongo.Database, filter bson.D) bool {
	t.Helper()
	var res bson.M
	cmd := bson.D{{Key: "explain", Value: bson.D{{Key: "find", Value: "docs"}, {Key: "filter", Value: filter}}}}
	if err := db.RunCommand(ctxT(t), cmd).Decode(&res); err != nil {
		t.Fatal(err)
	}
	v, ok := res["filterPushdown"].(bool)
	if !ok {
		t.Fatalf("explain has no filterPushdown: %v", res)
	}
	return v
}

func ids(t *testing.T, coll *mongo.Collection, filter bson.D) []string {
	t.Helper()
	cur, err := coll.Find(ctxT(t), filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		t.Fatal(err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctxT(t), &docs); err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

func TestIDPushdownWithOtherKeys(t *testing.T) {
	c := connect(t, "mongodb://"+backendAddr+"/")
	db := testDB(t, c)
	coll := db.Collection("docs")
	docs := []any{}
	for _, id := range []string{"a", "b", "c", "d"} {
		docs = append(docs, bson.D{{Key: "_id", Value: id}, {Key: "recent", Value: bson.A{"r-" + id}}, {Key: "n", Value: 1}})
	}
	if _, err := coll.InsertMany(ctxT(t), docs); err != nil {
		t.Fatal(err)
	}

	pushed := []bson.D{
		{{Key: "_id", Value: "a"}},
		{{Key: "_id", Value: "a"}, {Key: "recent", Value: bson.D{{Key: "$ne", Value: "x"}}}},
		{{Key: "recent", Value: bson.D{{Key: "$nin", Value: bson.A{"x"}}}}, {Key: "_id", Value: "b"}},
		{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "c"}}}}},
		{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "c"}}}}, {Key: "n", Value: 1}},
	}
	for _, f := range pushed {
		if !explainPushdown(t, db, f) {
			t.Errorf("filter %v: not pushed down to SQLite", f)
		}
	}
	notPushed := []bson.D{
		{{Key: "n", Value: 1}},
		{{Key: "_id", Value: bson.D{{Key: "$gt", Value: "a"}}}},
		{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", 7}}}}},
		{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{}}}}},
	}
	for _, f := range notPushed {
		if explainPushdown(t, db, f) {
			t.Errorf("filter %v: pushed down, but the patch must leave it to FerretDB", f)
		}
	}

	// The results are those of the whole filter: the other keys still apply.
	cases := []struct {
		filter bson.D
		want   []string
	}{
		{bson.D{{Key: "_id", Value: "a"}, {Key: "recent", Value: bson.D{{Key: "$ne", Value: "r-a"}}}}, []string{}},
		{bson.D{{Key: "_id", Value: "a"}, {Key: "recent", Value: bson.D{{Key: "$ne", Value: "x"}}}}, []string{"a"}},
		{bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "c", "zz"}}}}}, []string{"a", "c"}},
		{bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "c"}}}}, {Key: "recent", Value: "r-c"}}, []string{"c"}},
		{bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", 7}}}}}, []string{"a"}},
		{bson.D{{Key: "_id", Value: "b"}, {Key: "$or", Value: bson.A{bson.D{{Key: "n", Value: 2}}, bson.D{{Key: "recent", Value: "r-b"}}}}}, []string{"b"}},
	}
	for _, tc := range cases {
		if got := ids(t, coll, tc.filter); len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
			t.Errorf("find %v = %v, want %v", tc.filter, got, tc.want)
		}
	}

	// The exactly-once guard of the kept counts: applied once, a replay changes nothing.
	guard := bson.D{{Key: "_id", Value: "d"}, {Key: "recent", Value: bson.D{{Key: "$ne", Value: "r-new"}}}}
	update := bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}, {Key: "$push", Value: bson.D{{Key: "recent", Value: "r-new"}}}}
	for i, want := range []int64{1, 0} {
		res, err := coll.UpdateOne(ctxT(t), guard, update)
		if err != nil {
			t.Fatal(err)
		}
		if res.ModifiedCount != want {
			t.Errorf("guarded update %d modified %d, want %d", i+1, res.ModifiedCount, want)
		}
	}
	var d struct {
		N int `bson:"n"`
	}
	if err := coll.FindOne(ctxT(t), bson.D{{Key: "_id", Value: "d"}}).Decode(&d); err != nil || d.N != 2 {
		t.Errorf("n = %d (%v), want 2", d.N, err)
	}
	// updateMany and deleteMany by an `_id` list touch exactly the listed documents.
	if res, err := coll.UpdateMany(ctxT(t), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "b", "q"}}}}}, bson.D{{Key: "$set", Value: bson.D{{Key: "m", Value: true}}}}); err != nil || res.MatchedCount != 2 {
		t.Errorf("updateMany by $in matched %v (%v), want 2", res, err)
	}
	if res, err := coll.DeleteMany(ctxT(t), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "c"}}}}, {Key: "m", Value: true}}); err != nil || res.DeletedCount != 1 {
		t.Errorf("deleteMany by $in and m deleted %v (%v), want 1", res, err)
	}
}
